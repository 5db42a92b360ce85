using System.Data.Common;
using CustomerDirectory.Domain.Customers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerDirectory.Domain.Data;

/// <summary>
/// Per-connection SQLite settings: FULL sync so a committed write survives a power cut (WAL mode is
/// set once on the file by <see cref="DatabaseMigrator"/>), and a busy timeout so concurrent writers wait instead of failing; and the functions
/// of <see cref="DirectoryDbFunctions"/>.
/// </summary>
internal sealed class SqliteConnectionPragmas(int busyTimeoutMs) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={busyTimeoutMs}; PRAGMA foreign_keys=ON;";
        command.ExecuteNonQuery();
        if (connection is SqliteConnection sqlite)
        {
            sqlite.CreateFunction<string?, string?>(DirectoryDbFunctions.FoldName, value => value is null ? null : ContactRules.Fold(value), isDeterministic: true);
        }
    }
}
