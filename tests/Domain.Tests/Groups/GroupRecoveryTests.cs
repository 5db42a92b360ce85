using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Jobs;
using Microsoft.EntityFrameworkCore;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Groups;

public sealed class GroupRecoveryTests : DatabaseTest
{
    [Fact]
    public async Task An_evaluation_cut_off_midway_is_completed_by_the_next_run_and_then_equals_the_oracle()
    {
        var groups = Db.Get<GroupService>();
        var engine = Db.Get<GroupEngine>();
        var ids = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var id = await Db.Customers.CreateAsync(ACustomer().Build());
            await Db.Get<ActivityService>().RecordVisitAsync(id, new VisitInput { At = Db.Clock.GetUtcNow().UtcDateTime.AddDays(-i) });
            ids.Add(id);
        }

        var created = new List<int>();
        foreach (var days in new[] { 2, 4, 6 })
        {
            var rule = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.LastVisitAt, FilterOperator.WithinLast, days.ToString(System.Globalization.CultureInfo.InvariantCulture), "days")) };
            created.Add(await groups.CreateAsync(new GroupInput($"Within {days} days", null, GroupKind.Automated, rule), "test"));
        }

        await engine.WhenIdleAsync();
        Db.Clock.Advance(TimeSpan.FromDays(3)); // every group is now stale; nothing has evaluated them

        // The run is cut off after the first group (as a crash or a shutdown would), then run again.
        using var cut = new CancellationTokenSource();
        var progress = new SynchronousProgress(_ => cut.Cancel());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.EvaluateAllAsync(progress, cut.Token));
        Assert.NotEqual(await OracleAsync(created[2]), await PersistedAsync(created[2]));

        var summary = await engine.EvaluateAllAsync(null, CancellationToken.None);
        Assert.Equal(3, summary.Groups.Count);
        Assert.Equal(0, summary.Drift); // only clock-dependent groups changed: that is time passing, not drift
        foreach (var groupId in created)
        {
            Assert.Equal(await OracleAsync(groupId), await PersistedAsync(groupId));
        }

        // Idempotent: running it again changes nothing.
        Assert.Equal(0, (await engine.EvaluateAllAsync(null, CancellationToken.None)).Entered);
    }

    [Fact]
    public async Task Update_now_requests_made_while_a_run_waits_or_runs_share_that_run()
    {
        var groups = Db.Get<GroupService>();
        var engine = Db.Get<GroupEngine>();
        var rule = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, "0")) };
        var group = await groups.CreateAsync(new GroupInput("Visitors", null, GroupKind.Automated, rule), "test");
        var before = engine.GroupRuns;

        Task<(int Entered, int Left)>[] clicks;
        using (await engine.HoldAsync())
        {
            // Five people press "update now" while another evaluation holds the engine.
            clicks = [.. Enumerable.Range(0, 5).Select(_ => groups.UpdateNowAsync(group, "five clicks"))];
            await Task.Delay(1000); // time for every click to reach the engine (each reads the group first)
            Assert.All(clicks, c => Assert.False(c.IsCompleted));
        }

        await Task.WhenAll(clicks);
        Assert.Equal(before + 1, engine.GroupRuns);

        // A request after that run finished is a new run.
        await groups.UpdateNowAsync(group, "later");
        Assert.Equal(before + 2, engine.GroupRuns);
    }

    [Fact]
    public async Task Runs_left_running_by_a_stopped_process_are_marked_interrupted()
    {
        var log = Db.Get<JobRunLog>();
        var done = await log.StartAsync("Time sweep", "on schedule");
        await log.FinishAsync(done, 3, 1, null, null);
        await log.StartAsync("Nightly full evaluation", "on schedule"); // the process stops here

        Assert.Equal(1, await log.MarkInterruptedAsync());
        var runs = await log.RecentAsync();
        Assert.Equal([JobRunStatus.Interrupted, JobRunStatus.Succeeded], runs.Select(r => r.Status));
        Assert.Equal((3, 1), (runs[1].Items, runs[1].Changes));
    }

    private async Task<int[]> PersistedAsync(int groupId)
    {
        await using var db = Db.NewContext();
        return await db.GroupMembers.Where(m => m.GroupId == groupId && m.LeftAt == null).Select(m => m.CustomerId).OrderBy(id => id).ToArrayAsync();
    }

    private async Task<int[]> OracleAsync(int groupId)
    {
        var group = await Db.Get<GroupService>().GetAsync(groupId);
        return await Db.Customers.SqlMatchingIdsAsync(await Db.Customers.BindAsync(group.Rule, default), null);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool, too late to cut the run).</summary>
    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
