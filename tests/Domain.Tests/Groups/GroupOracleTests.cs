using System.Globalization;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Groups;

/// <summary>
/// The randomised oracle test: after any sequence of adds, edits, visits, orders, tags, consent changes, rule edits,
/// overrides, pauses and manual edits, the persisted membership of every automated group that is not paused equals
/// what SQL computes from the rule on the same data (with the overrides applied). The engine runs on the in-memory
/// index here, so the two evaluators are independent. Seed with DIRECTORY_GROUP_SEED to replay a failure.
/// </summary>
public sealed class GroupOracleTests(ITestOutputHelper output) : DatabaseTest
{
    private static readonly string[] Cities = ["Lyon", "Paris", "Nice", "Lille"];

    [Fact]
    public async Task Persisted_membership_always_equals_the_sql_oracle()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("DIRECTORY_GROUP_SEED"), out var s) ? s : Environment.TickCount;
        output.WriteLine($"DIRECTORY_GROUP_SEED={seed}");
        var random = new Random(seed);
        await Db.Get<ProfileIndex>().BuildAsync();
        var groups = Db.Get<GroupService>();
        var engine = Db.Get<GroupEngine>();
        var activity = Db.Get<ActivityService>();
        var tags = Db.Get<TagService>();
        var consent = Db.Get<ConsentService>();
        var staff = new StaffActor("1", "oracle");
        const string actor = "oracle";

        var people = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            people.Add(await CreateAsync(random));
        }

        static FilterDefinition Rule(FilterNode root) => new() { Root = root };
        static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
        FilterNode City() => FilterNode.Condition(FilterFields.City, FilterOperator.Is, Cities[random.Next(Cities.Length)]);

        var manual = await groups.CreateAsync(new GroupInput("Hand-picked", null, GroupKind.Manual), actor);
        var byCity = await groups.CreateAsync(new GroupInput("By city", null, GroupKind.Automated, Rule(FilterNode.All(City()))), actor);
        var spenders = await groups.CreateAsync(new GroupInput("Spenders or VIP", null, GroupKind.Automated, Rule(FilterNode.Any(
            FilterNode.Condition(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "50"),
            FilterNode.Condition(FilterFields.Tags, FilterOperator.HasAny, Id((await tags.AddToCustomerAsync(people[0], "VIP")).Id))))), actor);
        var dependent = await groups.CreateAsync(new GroupInput("City regulars", null, GroupKind.Automated, Rule(FilterNode.All(
            FilterNode.Condition(FilterFields.Groups, FilterOperator.HasAny, Id(byCity)),
            FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, "1")))), actor);
        var mixed = await groups.CreateAsync(new GroupInput("Picked or subscribed", null, GroupKind.Automated, Rule(FilterNode.Any(
            FilterNode.Condition(FilterFields.Groups, FilterOperator.HasAny, Id(manual)),
            FilterNode.Condition(FilterFields.EmailConsent, FilterOperator.AnyOf, nameof(ConsentStatus.Subscribed))))), actor);
        var recent = await groups.CreateAsync(new GroupInput("Recent", null, GroupKind.Automated, Rule(FilterNode.All(
            FilterNode.Condition(FilterFields.LastVisitAt, FilterOperator.WithinLast, "3", "days")))), actor);
        int[] automated = [byCity, spenders, dependent, mixed, recent];

        for (var round = 0; round < 12; round++)
        {
            for (var step = 0; step < 25; step++)
            {
                var who = people[random.Next(people.Count)];
                switch (random.Next(12))
                {
                    case 0:
                        people.Add(await CreateAsync(random));
                        break;
                    case 1:
                        var details = await Db.Customers.GetAsync(who);
                        var input = details.ToInput();
                        input.City = Cities[random.Next(Cities.Length)];
                        await Db.Customers.UpdateAsync(who, input, details.Version);
                        break;
                    case 2:
                        await activity.RecordVisitAsync(who, new VisitInput { At = Db.Clock.GetUtcNow().UtcDateTime.AddDays(-random.Next(6)) });
                        break;
                    case 3:
                        await activity.RecordOrderAsync(who, new OrderInput { Amount = random.Next(1, 40) });
                        break;
                    case 4:
                        if (random.Next(2) == 0)
                        {
                            await tags.AddToCustomerAsync(who, "VIP");
                        }
                        else if (await tags.ForCustomerAsync(who) is { Count: > 0 } held)
                        {
                            await tags.RemoveFromCustomerAsync(who, held[0].Id);
                        }

                        break;
                    case 5:
                        await consent.SetByStaffAsync(who, ConsentChannel.Email, (ConsentStatus)random.Next(1, 4), staff);
                        break;
                    case 6:
                        var g = await groups.GetAsync(byCity);
                        await groups.UpdateAsync(byCity, new GroupInput(g.Name, null, GroupKind.Automated, Rule(FilterNode.Any(City(), City()))), g.Version, actor);
                        break;
                    case 7:
                        await groups.SetOverrideAsync(automated[random.Next(automated.Length)], who, random.Next(3) switch { 0 => true, 1 => false, _ => null }, actor);
                        break;
                    case 8:
                        var target = automated[random.Next(automated.Length)];
                        await groups.SetPausedAsync(target, !(await groups.GetAsync(target)).Paused, actor);
                        break;
                    case 9:
                        if (random.Next(2) == 0)
                        {
                            await groups.AddMembersAsync(manual, [who, people[random.Next(people.Count)]], actor);
                        }
                        else
                        {
                            await groups.RemoveMembersAsync(manual, [who], actor);
                        }

                        break;
                    case 10:
                        Db.Clock.Advance(TimeSpan.FromHours(random.Next(1, 30)));
                        await groups.UpdateNowAsync(recent, actor); // time passing is the jobs' business; here, "update now"
                        break;
                    default:
                        if (random.Next(4) == 0)
                        {
                            await engine.WhenIdleAsync(); // sometimes let the engine catch up mid-round
                        }

                        break;
                }
            }

            await engine.WhenIdleAsync();
            foreach (var groupId in automated)
            {
                var group = await groups.GetAsync(groupId);
                if (group.Paused)
                {
                    continue;
                }

                if (groupId == recent)
                {
                    await groups.UpdateNowAsync(recent, actor); // its rule depends on the clock
                    await engine.WhenIdleAsync();
                }

                var (oracle, persisted) = (await OracleAsync(groupId), await PersistedAsync(groupId));
                Assert.True(oracle.SequenceEqual(persisted),
                    $"Group {group.Name} differs from the oracle in round {round} (DIRECTORY_GROUP_SEED={seed}): oracle [{string.Join(",", oracle)}], persisted [{string.Join(",", persisted)}]");
            }
        }
    }

    private async Task<int> CreateAsync(Random random)
    {
        var input = ACustomer().Build();
        input.City = Cities[random.Next(Cities.Length)];
        return await Db.Customers.CreateAsync(input);
    }

    private async Task<int[]> PersistedAsync(int groupId)
    {
        await using var db = Db.NewContext();
        return await db.GroupMembers.Where(m => m.GroupId == groupId && m.LeftAt == null).Select(m => m.CustomerId).OrderBy(id => id).ToArrayAsync();
    }

    /// <summary>SQL over the rule (group conditions read the ledger), then the overrides. No stay rules here.</summary>
    private async Task<int[]> OracleAsync(int groupId)
    {
        var group = await Db.Get<GroupService>().GetAsync(groupId);
        var bound = await Db.Customers.BindAsync(group.Rule, default);
        var ids = new SortedSet<int>(await Db.Customers.SqlMatchingIdsAsync(bound, null));
        await using var db = Db.NewContext();
        foreach (var o in await db.GroupOverrides.Where(o => o.GroupId == groupId).ToListAsync())
        {
            _ = o.Include ? ids.Add(o.CustomerId) : ids.Remove(o.CustomerId);
        }

        return [.. ids];
    }
}
