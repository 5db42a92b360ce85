using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Data;

/// <summary>
/// Brings the database to the latest migration and its phone keys to the merchant's country, then creates what every
/// directory starts with (the default staff roles).
/// SQLite is single-instance, so the app does this at start-up.
/// </summary>
public sealed class DatabaseMigrator(IDbContextFactory<DirectoryDbContext> dbFactory, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (db.Database.IsSqlite())
        {
            // WAL lets readers go on while one writer commits; the mode is stored in the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
        }

        await PhoneKeyMigration.EnsureAsync(db, logger, ct);
        await Staff.DefaultRoleSeeder.EnsureAsync(db, ct);
    }
}
