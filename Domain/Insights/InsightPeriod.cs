using System.Globalization;

namespace CustomerDirectory.Domain.Insights;

/// <summary>The periods a ranking can cover, each in the merchant's time zone (see <see cref="InsightPeriods"/>).</summary>
public enum PeriodKind
{
    /// <summary>The previous whole week, Monday to Sunday.</summary>
    LastWeek,

    /// <summary>The previous whole calendar month.</summary>
    LastMonth,

    /// <summary>The previous whole calendar quarter (January–March, April–June, July–September, October–December).</summary>
    LastQuarter,

    /// <summary>From the first day of the current quarter to now.</summary>
    QuarterToDate,

    /// <summary>The previous whole calendar year.</summary>
    LastYear,

    /// <summary>From 1 January to now.</summary>
    YearToDate,

    /// <summary>From one day to another, both included (to now when the last day is today).</summary>
    Custom,
}

/// <summary>
/// A resolved period: the merchant's calendar days it covers (<see cref="FirstDay"/> to <see cref="LastDay"/>, both
/// included) and the UTC instants the queries use, half-open: <see cref="FromUtc"/> ≤ t &lt; <see cref="ToUtc"/>.
/// <see cref="EndsNow"/> is true when the period runs to the moment it was resolved (so far), not to the end of its last day.
/// </summary>
public sealed record InsightPeriod(PeriodKind Kind, DateOnly FirstDay, DateOnly LastDay, DateTime FromUtc, DateTime ToUtc, bool EndsNow)
{
    /// <summary>How a ranking's name says it: "last month", "year to date", "1 Mar 2026 – 15 Mar 2026".</summary>
    public string Name => Kind switch
    {
        PeriodKind.LastWeek => "last week",
        PeriodKind.LastMonth => "last month",
        PeriodKind.LastQuarter => "last quarter",
        PeriodKind.QuarterToDate => "quarter to date",
        PeriodKind.LastYear => "last year",
        PeriodKind.YearToDate => "year to date",
        _ => Dates,
    };

    /// <summary>The exact days covered: "1 Oct 2026 – 31 Oct 2026", with "(so far)" when it runs to now.</summary>
    public string Dates => FirstDay == LastDay
        ? Day(FirstDay) + (EndsNow ? " (so far)" : "")
        : $"{Day(FirstDay)} – {Day(LastDay)}{(EndsNow ? " (so far)" : "")}";

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
