using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Data;

/// <summary>Functions the database runs for us; each provider maps them (SQLite: a function registered per connection).</summary>
public static class DirectoryDbFunctions
{
    /// <summary>SQL name of <see cref="Fold"/>.</summary>
    public const string FoldName = "dir_fold";

    /// <summary><see cref="ContactRules.Fold"/> inside a query: lower case, accents removed.</summary>
    public static string Fold(string value) => ContactRules.Fold(value);

    /// <summary>SQL name of <see cref="Likely"/>: SQLite's built-in <c>likely(X)</c>.</summary>
    public const string LikelyName = "likely";

    /// <summary>
    /// The condition, unchanged, marked for the query planner as usually true. A date range that covers most of a table
    /// is cheaper read by a full scan in another index's order than through its own index (insights: a year of visits
    /// grouped by customer, 1.8 s instead of 5.9 s at 6.6 million visits); without statistics the planner cannot know.
    /// </summary>
    public static bool Likely(bool condition) => condition;

    /// <summary>SQL name of <see cref="StoredTimeText"/>: SQLite's built-in <c>substr</c>.</summary>
    public const string StoredTimeTextName = "substr";

    /// <summary>
    /// Inside a query, the first <paramref name="length"/> characters of a stored time from <paramref name="start"/>
    /// (1-based): SQLite keeps a <see cref="DateTime"/> as text, <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, so (1, 16) is its
    /// minute, <c>yyyy-MM-dd HH:mm</c>, read without parsing a full time per row (insights: visits by weekday and hour).
    /// SQLite only: another provider maps it to its own formatting.
    /// </summary>
    public static string StoredTimeText(DateTime storedAt, int start, int length) =>
        storedAt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture).Substring(start - 1, length);
}
