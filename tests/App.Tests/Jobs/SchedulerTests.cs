using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Jobs;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.App.Tests.Jobs;

/// <summary>The real Quartz scheduler with its SQLite store, in a worker-like host: no mocked scheduler.</summary>
public sealed class SchedulerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static async Task<int> GroupAsync(JobsHost host, PredefinedGroup predefined)
    {
        var groups = host.Get<GroupService>();
        for (var i = 0; i < 200; i++)
        {
            // Created and then evaluated by the start-up service once the index is built. Waiting for its evaluation
            // too keeps it from running late, on a clock a test has since moved.
            var all = await groups.ListAsync();
            if (all.FirstOrDefault(g => g.Predefined == predefined) is { } group && all.All(g => g.Kind == GroupKind.Manual || g.LastEvaluatedAt is not null))
            {
                return group.Id;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{predefined} was not created and evaluated at start-up.");
    }

    private static async Task<bool> InAsync(JobsHost host, int groupId, int customerId)
    {
        await using var db = host.Get<IDbContextFactory<Domain.Data.DirectoryDbContext>>().CreateDbContext();
        return await db.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.CustomerId == customerId && m.LeftAt == null);
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(25);
        }

        return await condition();
    }

    private static async Task<int> VisitorAsync(JobsHost host, int visits, TimeSpan lastVisitAgo)
    {
        var id = await host.Get<CustomerService>().CreateAsync(new CustomerInput { FirstName = "Val", LastName = "Visitor", Email = $"val{Guid.NewGuid():N}@example.com" });
        var now = host.Clock.GetUtcNow().UtcDateTime;
        for (var i = visits - 1; i >= 0; i--)
        {
            await host.Get<ActivityService>().RecordVisitAsync(id, new VisitInput { At = now - lastVisitAgo - TimeSpan.FromDays(i) });
        }

        return id;
    }

    [Fact]
    public async Task A_visit_moves_the_customer_between_lapsed_and_regulars_within_a_second()
    {
        await using var host = await JobsHost.StartAsync(_folder.Path, new Dictionary<string, string?> { ["Jobs:SweepSeconds"] = "60" });
        var (regulars, lapsed) = (await GroupAsync(host, PredefinedGroup.Regulars), await GroupAsync(host, PredefinedGroup.Lapsed));
        var id = await VisitorAsync(host, 4, TimeSpan.FromDays(70));
        Assert.True(await EventuallyAsync(() => InAsync(host, lapsed, id), TimeSpan.FromSeconds(1)), "lapsed after the visits were recorded");

        var recorded = DateTime.UtcNow;
        await host.Get<ActivityService>().RecordVisitAsync(id, new VisitInput());
        Assert.True(await EventuallyAsync(async () => await InAsync(host, regulars, id) && !await InAsync(host, lapsed, id), TimeSpan.FromSeconds(1)),
            "a visit moves them back to Regulars within a second");
        Assert.True(DateTime.UtcNow - recorded < TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task Crossing_eight_weeks_without_a_visit_moves_a_regular_to_lapsed_at_the_next_sweep()
    {
        // Quartz runs on the same clock, so the jump below makes the triggers two days late. The sweep's misfire is
        // noticed within the (short) threshold. The nightly backstop would rightly catch up on the night it "missed"
        // and make the move itself, so it is scheduled out of the way.
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:SweepSeconds"] = "1",
            ["Jobs:MisfireThresholdSeconds"] = "1",
            ["Jobs:BackstopCron"] = "0 0 3 1 1 ? 2099",
        };
        await using var host = await JobsHost.StartAsync(_folder.Path, settings);
        var (regulars, lapsed) = (await GroupAsync(host, PredefinedGroup.Regulars), await GroupAsync(host, PredefinedGroup.Lapsed));
        var id = await VisitorAsync(host, 4, TimeSpan.FromDays(55));
        Assert.True(await EventuallyAsync(() => InAsync(host, regulars, id), TimeSpan.FromSeconds(3)));

        await host.Get<GroupEngine>().WhenIdleAsync(); // the visits' own passes are done: from here on only sweeps move anyone

        // No data changes: only time passes (two days on the merchant's clock), and the sweep notices.
        host.Clock.Advance(TimeSpan.FromDays(2));
        Assert.True(await EventuallyAsync(async () => await InAsync(host, lapsed, id) && !await InAsync(host, regulars, id), TimeSpan.FromSeconds(4)),
            "moved to Lapsed by the next sweep");
        // The sweeps made the move (a sweep running across the clock change may make half of it, the next the rest).
        // A run is logged when it ends, a moment after its ledger writes are visible.
        var log = host.Get<JobRunLog>();
        Assert.True(await EventuallyAsync(async () => (await log.RecentAsync("Time sweep", 50)).Where(r => r.Status == JobRunStatus.Succeeded).Sum(r => r.Changes) >= 2,
            TimeSpan.FromSeconds(2)), await LedgerAndSweepsAsync(host, id));
        // Once start-up has made the predefined groups, every sweep covers the three that depend on time (Regulars,
        // Lapsed, All customers); a sweep that ran before had nothing to sweep (a 1 s sweep can beat start-up).
        var sweeps = (await log.RecentAsync("Time sweep", 50)).Where(r => r.Status == JobRunStatus.Succeeded).OrderBy(r => r.StartedAt)
            .SkipWhile(r => r.Items == 0).ToList();
        Assert.NotEmpty(sweeps);
        Assert.All(sweeps, r => Assert.Equal(3, r.Items));
    }

    /// <summary>A failure message: the customer's ledger rows and the recent sweeps.</summary>
    private static async Task<string> LedgerAndSweepsAsync(JobsHost host, int id)
    {
        await using var db = host.Get<IDbContextFactory<Domain.Data.DirectoryDbContext>>().CreateDbContext();
        var rows = await db.GroupMembers.Where(m => m.CustomerId == id).ToListAsync();
        var runs = await host.Get<JobRunLog>().RecentAsync("Time sweep", 50);
        return string.Join("\n", rows.Select(r => $"{r.GroupId} {r.EnteredAt:O} {r.LeftAt:O} {r.EnterCause} {r.LeaveCause}"))
            + "\n" + string.Join("\n", runs.Select(r => $"{r.StartedAt:O} {r.FinishedAt:O} {r.Status} {r.Items} {r.Changes}"));
    }

    [Fact]
    public async Task Slots_missed_while_the_app_was_down_run_once_at_start_up()
    {
        // The backstop every 5 seconds; the app is down across two or three slots.
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:SweepSeconds"] = "3600",
            ["Jobs:BackstopCron"] = "0/5 * * * * ?",
            ["Jobs:MisfireThresholdSeconds"] = "1",
        };
        await using (var first = await JobsHost.StartAsync(_folder.Path, settings))
        {
            Assert.True(await EventuallyAsync(async () => (await first.Get<JobRunLog>().RecentAsync("Nightly full evaluation")).Count > 0, TimeSpan.FromSeconds(8)));
        }

        await Task.Delay(TimeSpan.FromSeconds(11));
        while (DateTime.UtcNow.Second % 5 != 1)
        {
            await Task.Delay(50); // restart just after a slot, so no regular slot falls in the window we count
        }

        var restarted = DateTime.UtcNow;
        await using var second = await JobsHost.StartAsync(_folder.Path, settings);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var runs = (await second.Get<JobRunLog>().RecentAsync("Nightly full evaluation")).Where(r => r.StartedAt >= restarted).ToList();
        Assert.Single(runs);
        Assert.Equal(JobRunStatus.Succeeded, runs[0].Status);
        Assert.Equal(0, runs[0].Drift);
    }
}
