using System.Diagnostics;
using System.Globalization;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Benchmarks;

/// <summary>
/// The groups' figures (issue #5) on a seeded folder: 50 automated groups; a full re-evaluation of all of them with
/// the diff persisted; one profile change reflected in every group's persisted membership; a bulk change of 100,000
/// profiles; and the naive SQL approach (each rule as a SQL query) for comparison. Run on a copy: it adds groups.
/// </summary>
internal static class GroupHarness
{
    public static async Task RunAsync(IServiceProvider provider)
    {
        var index = provider.GetRequiredService<ProfileIndex>();
        var engine = provider.GetRequiredService<GroupEngine>();
        var groups = provider.GetRequiredService<GroupService>();
        var customers = provider.GetRequiredService<CustomerService>();
        var watch = Stopwatch.StartNew();
        await index.BuildAsync();
        Console.WriteLine(Invariant($"index built: {index.Count:N0} profiles in {watch.Elapsed.TotalSeconds:F1} s"));

        watch.Restart();
        await engine.EnsureLoadedAsync();
        Console.WriteLine(Invariant($"memberships loaded in {watch.Elapsed.TotalSeconds:F1} s"));
        var existing = (await groups.ListAsync()).Where(g => g.Name.StartsWith("Bench ", StringComparison.Ordinal)).ToList();
        var rules = Rules().ToList();
        if (existing.Count < rules.Count)
        {
            watch.Restart();
            var members = 0;
            foreach (var (name, rule) in rules.Skip(existing.Count))
            {
                var id = await groups.CreateAsync(new GroupInput($"Bench {name}", null, GroupKind.Automated, rule), "bench");
                members += await engine.CountAsync(id);
            }

            Console.WriteLine(Invariant($"created {rules.Count - existing.Count} automated groups with {members:N0} memberships in {watch.Elapsed.TotalSeconds:F1} s (first evaluation, every entry written to the ledger)"));
        }

        var ids = (await groups.ListAsync()).Where(g => g.Name.StartsWith("Bench ", StringComparison.Ordinal)).Select(g => g.Id).ToArray();
        Console.WriteLine(Invariant($"{ids.Length} automated groups; {(await Task.WhenAll(ids.Select(id => engine.CountAsync(id)))).Sum():N0} memberships in all"));

        await Timing.MeasureAsync("full re-evaluation of every automated group, diff persisted", () => engine.EvaluateAllAsync(MembershipCause.Rule, null), runs: 5);

        // The time sweep (every minute by default): only the groups whose rules depend on the clock.
        var timeDependent = (await engine.EvaluateTimeDependentAsync()).Groups.Count;
        await Timing.MeasureAsync(Invariant($"time sweep: the {timeDependent} clock-dependent groups re-evaluated, diff persisted"), () => engine.EvaluateTimeDependentAsync(), runs: 5);

        // One profile change: from the committed write to every group's persisted membership.
        var random = new Random(7);
        var maxId = index.Count;
        var passes = new List<(double Evaluate, double Total)>();
        await Timing.MeasureAsync("one profile edited (read, save, index, groups) → all groups' membership persisted", async () =>
        {
            var id = random.Next(1, maxId);
            var details = await customers.GetAsync(id);
            var input = details.ToInput();
            input.City = input.City == "Lyon" ? "Paris" : "Lyon";
            await customers.UpdateAsync(id, input, details.Version);
            await engine.WhenIdleAsync();
            passes.Add((engine.LastPass.EvaluateMs, engine.LastPass.TotalMs));
        }, runs: 50);
        static double P(IEnumerable<double> values, double q)
        {
            var sorted = values.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * q) - 1)];
        }

        Console.WriteLine(Invariant($"  the group pass after the commit (every group evaluated for that profile, diff written): p50 {P(passes.Select(p => p.Total), 0.5):F2} ms, p95 {P(passes.Select(p => p.Total), 0.95):F2} ms; evaluation alone p50 {P(passes.Select(p => p.Evaluate), 0.5):F2} ms"));

        // A rule edit that moves a hundred thousand people: evaluation and the ledger diff written.
        var spent = (await groups.ListAsync()).Single(g => g.Name == "Bench spent ≥ 100");
        foreach (var threshold in new[] { "300", "100" })
        {
            var details = await groups.GetAsync(spent.Id);
            var before = await engine.CountAsync(spent.Id);
            var rule = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, threshold)) };
            watch.Restart();
            await groups.UpdateAsync(spent.Id, new GroupInput(details.Name, null, GroupKind.Automated, rule), details.Version, "bench");
            var elapsed = watch.Elapsed.TotalMilliseconds;
            Console.WriteLine(Invariant($"rule edit (spent ≥ {threshold}): {before:N0} → {await engine.CountAsync(spent.Id):N0} members; evaluated and the diff written to the ledger in {elapsed:F0} ms"));
        }

        // A bulk change: 100,000 profiles re-evaluated for every group (an import, a consent campaign).
        var bulk = Enumerable.Range(0, 100_000).Select(_ => random.Next(1, maxId)).Distinct().ToArray();
        await Timing.MeasureAsync(Invariant($"bulk: {bulk.Length:N0} changed profiles → all groups consistent"), async () =>
        {
            engine.Enqueue(bulk, MembershipCause.Import);
            await engine.WhenIdleAsync();
        }, runs: 3);

        // The group page of the largest group: stats, first and a deep page of members by name, by date entered, a search.
        var sizes = new Dictionary<int, int>();
        foreach (var id in ids)
        {
            sizes[id] = await engine.CountAsync(id);
        }

        var largest = sizes.MaxBy(s => s.Value).Key;
        Console.WriteLine(Invariant($"group page of the largest group ({await engine.CountAsync(largest):N0} members):"));
        await Timing.MeasureAsync("  stats (members, reachable by email / SMS, entered / left 7 and 30 days)", () => groups.StatsAsync(largest), runs: 10);
        await Timing.MeasureAsync("  members: first page by name", () => groups.MembersAsync(largest, new GroupMemberQuery()), runs: 10);
        await Timing.MeasureAsync("  members: page 2,000 by name", () => groups.MembersAsync(largest, new GroupMemberQuery(Skip: 100_000)), runs: 10);
        await Timing.MeasureAsync("  members: newest entries first", () => groups.MembersAsync(largest, new GroupMemberQuery(Sort: GroupMemberSort.EnteredAt, Descending: true)), runs: 10);
        await Timing.MeasureAsync("  members: search \"dupont\"", () => groups.MembersAsync(largest, new GroupMemberQuery(Text: "dupont")), runs: 10);

        // The naive approach: every rule as its own SQL query over the tables.
        var sqlWatch = Stopwatch.StartNew();
        foreach (var (name, rule) in rules.Take(5))
        {
            var one = Stopwatch.StartNew();
            var sql = await CountBySqlAsync(customers, rule);
            Console.WriteLine(Invariant($"  naive SQL: {name,-40} {sql:N0} matches in {one.Elapsed.TotalMilliseconds:F0} ms"));
        }

        Console.WriteLine(Invariant($"naive SQL, 5 of the {rules.Count} rules (count only, nothing persisted): {sqlWatch.Elapsed.TotalSeconds:F1} s"));
    }

    private static async Task<int> CountBySqlAsync(CustomerService customers, FilterDefinition rule)
    {
        var bound = await customers.BindAsync(rule, default);
        return await customers.SqlCountAsync(bound, null);
    }

    private static IEnumerable<(string Name, FilterDefinition Rule)> Rules()
    {
        static FilterDefinition R(params FilterNode[] items) => new() { Root = FilterNode.All(items) };
        static FilterNode C(string field, FilterOperator op, params string[] values) => FilterNode.Condition(field, op, values);
        string[] cities = ["Lyon", "Paris", "Marseille", "Lille", "Nantes", "Bordeaux", "Toulouse", "Nice", "Rennes", "Strasbourg"];
        for (var i = 0; i < 10; i++)
        {
            yield return ($"city {cities[i]}", R(C(FilterFields.City, FilterOperator.Is, cities[i])));
        }

        for (var weeks = 2; weeks <= 20; weeks += 2)
        {
            yield return ($"regular {weeks}w", R(C(FilterFields.VisitCount, FilterOperator.Greater, "3"), C(FilterFields.LastVisitAt, FilterOperator.WithinLast, S(weeks), "weeks")));
        }

        for (var weeks = 4; weeks <= 40; weeks += 4)
        {
            yield return ($"lapsed {weeks}w", R(C(FilterFields.VisitCount, FilterOperator.Greater, "2"), C(FilterFields.LastVisitAt, FilterOperator.MoreThanAgo, S(weeks), "weeks")));
        }

        for (var spent = 100; spent <= 1000; spent += 100)
        {
            yield return ($"spent ≥ {spent}", R(C(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, S(spent))));
        }

        yield return ("email subscribers", R(C(FilterFields.EmailConsent, FilterOperator.AnyOf, nameof(ConsentStatus.Subscribed))));
        yield return ("sms subscribers", R(C(FilterFields.SmsConsent, FilterOperator.AnyOf, nameof(ConsentStatus.Subscribed))));
        yield return ("loyalty", R(C(FilterFields.LoyaltyEnrolled, FilterOperator.IsTrue)));
        yield return ("visited twice in a year", R(C(FilterFields.VisitsInLast, FilterOperator.AtLeast, "2", "365")));
        yield return ("ordered 3 times in 90 days", R(C(FilterFields.OrdersInLast, FilterOperator.AtLeast, "3", "90")));
        yield return ("gmail", R(C(FilterFields.Email, FilterOperator.Contains, "gmail")));
        yield return ("no phone", R(C(FilterFields.Phone, FilterOperator.IsEmpty)));
        yield return ("created this year", R(C(FilterFields.CreatedAt, FilterOperator.WithinLast, "1", "years")));
        yield return ("lyon or paris spenders", R(FilterNode.Any(C(FilterFields.City, FilterOperator.Is, "Lyon"), C(FilterFields.City, FilterOperator.Is, "Paris")), C(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "200")));
        yield return ("not subscribed, visited recently", R(C(FilterFields.EmailConsent, FilterOperator.NoneOf, nameof(ConsentStatus.Subscribed)), C(FilterFields.LastVisitAt, FilterOperator.WithinLast, "30", "days")));
    }

    private static string S(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
