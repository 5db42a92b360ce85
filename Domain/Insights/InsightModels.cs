namespace CustomerDirectory.Domain.Insights;

/// <summary>What customers are ranked by. Every one but <see cref="VisitCount"/> is financial (needs ViewFinancials).</summary>
public enum RankingMetric
{
    /// <summary>Visits within the period.</summary>
    VisitCount,

    /// <summary>Orders within the period.</summary>
    PurchaseCount,

    /// <summary>Total of the period's orders divided by their number; people with no order in the period are not ranked.</summary>
    AverageOrderValue,

    /// <summary>Total of the period's orders.</summary>
    TotalSpent,
}

/// <summary>
/// A ranking to compute: <see cref="From"/> and <see cref="To"/> are the first and last days (merchant's calendar, both
/// included) of a custom period, ignored otherwise; <see cref="Top"/> is how many to rank, 1 to <see cref="InsightsService.MaxTop"/>.
/// </summary>
public sealed record RankingQuery(RankingMetric Metric, PeriodKind Period, DateOnly? From = null, DateOnly? To = null, int Top = 25);

/// <summary>
/// One ranked customer with their figures within the period. <see cref="Email"/> is null without ViewContactDetails;
/// the order figures are zero/null without ViewFinancials (and then <see cref="Ranking.FinancialsShown"/> is false).
/// </summary>
public sealed record RankingRow(int Rank, int CustomerId, string FirstName, string LastName, string? Email, int Visits, int Orders, long SpentMinor, long? AverageOrderMinor);

/// <summary>A ranking as computed at <see cref="AtUtc"/>.</summary>
public sealed record Ranking(RankingMetric Metric, InsightPeriod Period, int Top, IReadOnlyList<RankingRow> Rows, bool FinancialsShown, DateTime AtUtc)
{
    /// <summary>The name a group made from it gets: "Top 50 by total spent, last month".</summary>
    public string Title => $"Top {Top} by {InsightsService.Describe(Metric)}, {Period.Name}";
}

/// <summary>
/// One week (Monday to Sunday, merchant's calendar): people who came (visited, or ordered when orders count) that week,
/// split into those whose first visit or order ever was that week (new) and the others (returning).
/// </summary>
public sealed record WeekActivity(DateOnly WeekStart, int New, int Returning)
{
    public int Active => New + Returning;
}

/// <summary>
/// New and returning customers per week. <see cref="CountsOrders"/> is false when the person may not see financials: then
/// only visits count as coming. <see cref="LastWeekEndsNow"/>: the last week is the current one, counted up to now.
/// </summary>
public sealed record NewVsReturning(IReadOnlyList<WeekActivity> Weeks, bool CountsOrders, bool LastWeekEndsNow);

/// <summary>A group's size at the end of each week (the last one: now).</summary>
public sealed record GroupSizeSeries(int GroupId, string Name, IReadOnlyList<GroupSizePoint> Points);

/// <summary>A group's size when the week starting on <see cref="WeekStart"/> (a Monday) ends, or now for the current week.</summary>
public sealed record GroupSizePoint(DateOnly WeekStart, int Size);

/// <summary>Visits in a period by local weekday (Monday first) and by local hour (0–23).</summary>
public sealed record VisitPattern(InsightPeriod Period, IReadOnlyList<int> ByWeekday, IReadOnlyList<int> ByHour)
{
    public int Total => ByWeekday.Sum();
}
