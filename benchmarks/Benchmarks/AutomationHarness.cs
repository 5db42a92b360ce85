using System.Globalization;
using CustomerDirectory.Domain.Automations;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Demo;
using CustomerDirectory.Domain.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Benchmarks;

/// <summary>
/// The webhook outbox's cost inside the group engine (issue #10): 10,000 people entering a group in one ledger write,
/// in a group no automation watches (the engine as before: one dictionary lookup per batch), then in a group watched
/// by one automation (every entry also writes its outbox row in the same transaction), with and without the re-entry
/// check. Nothing is sent (no delivery job runs here). Run on a copy: it adds groups, automations and deliveries.
/// </summary>
internal static class AutomationHarness
{
    private const int Entries = 10_000;

    public static async Task RunAsync(IServiceProvider provider)
    {
        var customers = provider.GetRequiredService<CustomerService>();
        if ((await customers.SearchAsync(new CustomerSearch(Take: 1))).Total < Entries)
        {
            await provider.GetRequiredService<DemoDataSeeder>().SeedAsync(Entries, progress: null);
        }

        await using (var db = await provider.GetRequiredService<IDbContextFactory<DirectoryDbContext>>().CreateDbContextAsync())
        {
            var ids = await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).Take(Entries).ToArrayAsync();
            var groups = provider.GetRequiredService<GroupService>();
            var engine = provider.GetRequiredService<GroupEngine>();
            var automations = provider.GetRequiredService<AutomationService>();
            var stamp = DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture);
            var plain = await groups.CreateAsync(new GroupInput($"Bench plain {stamp}", null, GroupKind.Manual), "bench");
            var always = await groups.CreateAsync(new GroupInput($"Bench watched {stamp}", null, GroupKind.Manual), "bench");
            var cooled = await groups.CreateAsync(new GroupInput($"Bench watched cooldown {stamp}", null, GroupKind.Manual), "bench");
            var input = new AutomationInput { Name = "Bench", Url = "https://93.184.216.34/hook", HoldThreshold = AutomationService.MaxHoldThreshold };
            await automations.CreateAsync(input with { GroupId = always, Reentry = ReentryPolicy.Always });
            await automations.CreateAsync(input with { GroupId = cooled, Reentry = ReentryPolicy.AfterCooldown, CooldownDays = 1 });

            foreach (var (name, group) in new[] { ("no automation watches the group", plain), ("one automation, re-entry always (outbox insert)", always), ("one automation, 1-day cooldown (outbox insert + re-entry lookup)", cooled) })
            {
                // Each run: everyone enters (measured), then everyone leaves (not measured).
                var times = new List<double>();
                for (var run = 0; run < 6; run++)
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    await engine.ApplyManualAsync(group, ids, add: true, MembershipCause.ManualAdd, "bench", CancellationToken.None);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                    await engine.ApplyManualAsync(group, ids, add: false, MembershipCause.ManualRemove, "bench", CancellationToken.None);
                }

                times.RemoveAt(0); // warm-up
                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Entries:N0} entries in one ledger write, {name,-62} p50 {times[times.Count / 2],8:F1} ms   max {times[^1],8:F1} ms   (5 runs)"));
            }

            var outbox = await db.AutomationDeliveries.CountAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"outbox rows written: {outbox:N0}"));
        }
    }
}
