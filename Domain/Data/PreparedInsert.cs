using System.Data.Common;

namespace CustomerDirectory.Domain.Data;

/// <summary>
/// A parameterised INSERT prepared once and executed per row, bypassing EF's change tracking: the demo seeder's and the
/// import's bulk writes (<see cref="Command"/> makes the import's other statements the same way). Column lists are the
/// callers' (the import reads them from the EF model).
/// </summary>
internal static class PreparedInsert
{
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string table, params string[] columns)
    {
        var command = Command(connection, $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) "
            + $"VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})", columns.Length);
        command.Transaction = transaction;
        if (transaction is not null)
        {
            command.Prepare();
        }

        return command;
    }

    /// <summary>A command with <paramref name="parameters"/> positional parameters named @p0, @p1…</summary>
    public static DbCommand Command(DbConnection connection, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static void Execute(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }
}
