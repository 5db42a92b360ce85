using System.Diagnostics;
using System.Globalization;
using CustomerDirectory.Domain.Audiences;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Benchmarks;

/// <summary>
/// The audiences' figures (issue #10) on a seeded folder: the live count of three audiences (everyone; two groups in,
/// one out; a group, a filter and a group out), each the median of 20 runs on the in-memory index; then a snapshot
/// frozen (read from the database, written) and exported as CSV. Run on a copy: it adds the predefined groups, an
/// audience and a snapshot.
/// </summary>
internal static class AudienceHarness
{
    public static async Task RunAsync(IServiceProvider provider)
    {
        var index = provider.GetRequiredService<ProfileIndex>();
        var engine = provider.GetRequiredService<GroupEngine>();
        var groups = provider.GetRequiredService<GroupService>();
        var audiences = provider.GetRequiredService<AudienceService>();
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        var watch = Stopwatch.StartNew();
        await index.BuildAsync();
        Console.WriteLine(Invariant($"index built: {index.Count:N0} profiles in {watch.Elapsed.TotalSeconds:F1} s"));
        await engine.EnsureLoadedAsync();

        watch.Restart();
        await groups.EnsurePredefinedAsync();
        await engine.EvaluateAllAsync(MembershipCause.Rule, "bench");
        var byName = (await audiences.GroupsAsync()).ToDictionary(g => g.Name, g => g);
        Console.WriteLine(Invariant($"predefined groups evaluated in {watch.Elapsed.TotalSeconds:F1} s: {string.Join(", ", byName.Values.Select(g => $"{g.Name} {g.Members:N0}"))}"));
        int Id(string name) => byName[name].Id;

        var cases = new (string Name, AudienceRule Rule)[]
        {
            ("everyone", new AudienceRule()),
            ("All customers + Loyalty participants, minus Lapsed", new AudienceRule { Include = [Id("All customers"), Id("Loyalty participants")], Exclude = [Id("Lapsed")] }),
            ("Email subscribers, visited 2+ times, minus SMS subscribers", new AudienceRule
            {
                Include = [Id("Email subscribers")], Exclude = [Id("SMS subscribers")],
                Filter = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.VisitCount, FilterOperator.GreaterOrEqual, "2")) },
            }),
        };
        foreach (var (name, rule) in cases)
        {
            var times = new List<double>();
            AudienceCounts? counts = null;
            for (var i = 0; i < 20; i++)
            {
                watch.Restart();
                counts = await audiences.CountAsync(rule);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine(Invariant($"count “{name}”: median {times[10]:F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms; taken {counts!.Taken:N0}; email sendable {counts.Email.Sendable:N0} (out: {Outs(counts.Email)}); SMS sendable {counts.Sms.Sendable:N0} (out: {Outs(counts.Sms)})"));
        }

        var id = await audiences.SaveAsync(null, new AudienceInput($"Bench {Guid.NewGuid():N}", cases[1].Rule with { Channel = ConsentChannel.Email }));
        watch.Restart();
        var snapshot = await audiences.FreezeAsync(id);
        Console.WriteLine(Invariant($"freeze: {snapshot.Size:N0} people in {watch.Elapsed.TotalSeconds:F2} s"));
        watch.Restart();
        var result = await audiences.WriteSnapshotCsvAsync(snapshot.Id, false, Stream.Null);
        Console.WriteLine(Invariant($"snapshot export: {result.Rows:N0} rows in {watch.Elapsed.TotalSeconds:F2} s"));
    }

    private static string Outs(ChannelReach reach) =>
        string.Join(", ", Enum.GetValues<AudienceReason>().Select(r => Invariant($"{r} {reach.OutFor(r):N0}")));

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
