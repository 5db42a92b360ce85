using System.Globalization;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Insights;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Benchmarks;

/// <summary>
/// The insights page's figures (issue #10): every ranking over every period, the weekly charts and the weekday/hour
/// chart, on a copy of a seeded folder (the first run builds the insights indexes: the migration's time is printed).
/// </summary>
internal static class InsightsHarness
{
    private static readonly PeriodKind[] Periods =
        [PeriodKind.LastWeek, PeriodKind.LastMonth, PeriodKind.LastQuarter, PeriodKind.QuarterToDate, PeriodKind.LastYear, PeriodKind.YearToDate];

    public static async Task RunAsync(IServiceProvider provider)
    {
        var insights = provider.GetRequiredService<InsightsService>();
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        foreach (var period in Periods)
        {
            var resolved = await insights.PeriodAsync(period, null, null);
            Console.WriteLine(Invariant($"{period}: {resolved.Dates}"));
            foreach (var metric in Enum.GetValues<RankingMetric>())
            {
                Ranking? last = null;
                await Timing.MeasureAsync(Invariant($"  rank top 100 by {InsightsService.Describe(metric)}, {resolved.Name}"),
                    async () => last = await insights.RankAsync(new RankingQuery(metric, period, Top: 100)), runs: 3);
                var first = last!.Rows.Count > 0 ? last.Rows[0] : null;
                Console.WriteLine(Invariant($"      first: #{first?.CustomerId} with {first?.Visits} visits, {first?.Orders} orders, {first?.SpentMinor / 100m:N2} spent"));
            }

            await Timing.MeasureAsync(Invariant($"  visits by weekday and hour, {resolved.Name}"), () => insights.VisitPatternAsync(period, null, null), runs: 3);
        }

        foreach (var weeks in new[] { 12, 52 })
        {
            NewVsReturning? result = null;
            await Timing.MeasureAsync(Invariant($"new vs returning, {weeks} weeks"), async () => result = await insights.NewVsReturningAsync(weeks), runs: 2);
            var latest = result!.Weeks[^2];
            Console.WriteLine(Invariant($"      last full week: {latest.New:N0} new, {latest.Returning:N0} returning"));
        }

        var groups = (await provider.GetRequiredService<GroupService>().ListAsync()).OrderByDescending(g => g.Members).Take(3).ToList();
        foreach (var weeks in new[] { 12, 52 })
        {
            await Timing.MeasureAsync(Invariant($"group sizes, {weeks} weeks, 3 largest groups ({string.Join(", ", groups.Select(g => $"{g.Name} {g.Members:N0}"))})"),
                () => insights.GroupSizesAsync([.. groups.Select(g => g.Id)], weeks), runs: 3);
        }
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
