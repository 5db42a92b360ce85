using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Data;

/// <summary>Functions the database runs for us; each provider maps them (SQLite: a function registered per connection).</summary>
public static class DirectoryDbFunctions
{
    /// <summary>SQL name of <see cref="Fold"/>.</summary>
    public const string FoldName = "dir_fold";

    /// <summary><see cref="ContactRules.Fold"/> inside a query: lower case, accents removed.</summary>
    public static string Fold(string value) => ContactRules.Fold(value);
}
