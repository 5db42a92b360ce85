using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using CustomerDirectory.App.Account;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Jobs;
using CustomerDirectory.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using JobsPage = CustomerDirectory.App.Components.Pages.Jobs;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>A clock the test sets, so run times and durations are known.</summary>
internal sealed class SetClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2025, 1, 15, 2, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Settings → Jobs with background jobs turned off: the page says so, and still shows the run history, live.</summary>
public sealed class JobsPageTests : ComponentTestContext
{
    private readonly SetClock _clock = new();

    public JobsPageTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:Enabled"] = "false", ["Merchant:TimeZone"] = "Europe/Paris" })
            .Build();
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(MerchantOptions.From(configuration)); // not the machine's zone, so local times are tested
        Services.AddDirectoryJobs(configuration);
        AddAuthorization().SetAuthorized("claire@example.com");
    }

    private JobRunLog Log => Services.GetRequiredService<JobRunLog>();

    /// <summary>Logs a run that started now and lasted <paramref name="ms"/>.</summary>
    private async Task RunAsync(string job, string reason, int ms, int items, int changes, int? drift, string? error = null)
    {
        var id = await Log.StartAsync(job, reason);
        _clock.Now = _clock.Now.AddMilliseconds(ms);
        await Log.FinishAsync(id, items, changes, drift, error);
        _clock.Now = _clock.Now.AddMinutes(1);
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<JobsPage> cut) => cut.FindAll("[data-testid=run-row]");

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    [Fact]
    public void JobsTurnedOff_SaysSo_AndShowsNoJobsToAct()
    {
        var cut = Render<JobsPage>();

        cut.WaitForAssertion(() => Assert.Contains("Background jobs are turned off", cut.Find("[data-testid=jobs-off]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=job-grid]"));
        Assert.Empty(cut.FindAll("[data-testid=job-run-now]"));
        Assert.Contains("No runs yet.", cut.Find("[data-testid=run-grid]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastRuns_ListsRunsNewestFirst_WithLocalTimesDurationsAndCounts()
    {
        await RunAsync("Time sweep", "on schedule", 83_500, items: 4, changes: 12, drift: null); // 02:00 UTC = 03:00 in Paris
        await RunAsync("Nightly full evaluation", "run now by Claire", 850, items: 9, changes: 0, drift: 0);

        var cut = Render<JobsPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        var (nightly, sweep) = (Rows(cut)[0], Rows(cut)[1]);
        Assert.Equal("Nightly full evaluation", Cell(nightly, "run-job"));
        Assert.Equal("run now by Claire", Cell(nightly, "run-reason"));
        Assert.Equal("850 ms", Cell(nightly, "run-duration"));
        Assert.Equal("9", Cell(nightly, "run-items"));
        Assert.Equal("0", Cell(nightly, "run-drift"));
        Assert.Null(nightly.QuerySelector(".rz-badge-warning")); // drift 0 is healthy: not highlighted
        Assert.Equal("Succeeded", nightly.QuerySelector("[data-testid=run-status]")!.GetAttribute("data-status"));

        Assert.Equal("Time sweep", Cell(sweep, "run-job"));
        Assert.Equal("15 Jan 2025 03:00:00", Cell(sweep, "run-started"));
        Assert.Equal("1 min 23 s", Cell(sweep, "run-duration"));
        Assert.Equal("4", Cell(sweep, "run-items"));
        Assert.Equal("12", Cell(sweep, "run-changes"));
        Assert.Equal("—", Cell(sweep, "run-drift")); // the sweep does not measure drift
        Assert.Empty(cut.FindAll("[data-testid=run-error]"));
    }

    [Fact]
    public async Task LastRuns_FailedRunShowsItsError_AndDriftIsHighlighted()
    {
        await RunAsync("Nightly full evaluation", "on schedule", 2_000, items: 9, changes: 7, drift: 5);
        await RunAsync("Time sweep", "catch-up (3 min late)", 10, items: 0, changes: 0, drift: null, error: "database is locked");

        var cut = Render<JobsPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        var (failed, drifted) = (Rows(cut)[0], Rows(cut)[1]);
        Assert.Equal("Failed", failed.QuerySelector("[data-testid=run-status]")!.GetAttribute("data-status"));
        Assert.Equal("database is locked", Cell(failed, "run-error"));
        var drift = drifted.QuerySelector("[data-testid=run-drift]")!;
        Assert.Equal("5", drift.GetAttribute("data-drift"));
        Assert.Contains("rz-badge-warning", drift.ClassName, StringComparison.Ordinal);
        Assert.Equal("5", drift.TextContent.Trim());
        Assert.Null(drifted.QuerySelector("[data-testid=run-error]"));
    }

    [Fact]
    public async Task LastRuns_FollowRunsAsTheyStartAndFinish_WithoutAReload()
    {
        var cut = Render<JobsPage>();
        cut.WaitForAssertion(() => Assert.Contains("No runs yet.", cut.Find("[data-testid=run-grid]").TextContent, StringComparison.Ordinal));

        var id = await Log.StartAsync("Time sweep", "on schedule");

        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));
        Assert.Equal("Running", Rows(cut)[0].QuerySelector("[data-testid=run-status]")!.GetAttribute("data-status"));
        Assert.Equal("running…", Cell(Rows(cut)[0], "run-duration"));
        Assert.Equal("—", Cell(Rows(cut)[0], "run-changes")); // not known until it ends

        _clock.Now = _clock.Now.AddSeconds(3);
        await Log.FinishAsync(id, 4, 2, null, null);

        cut.WaitForAssertion(() => Assert.Equal("Succeeded", Rows(cut)[0].QuerySelector("[data-testid=run-status]")!.GetAttribute("data-status")));
        Assert.Equal("3 s", Cell(Rows(cut)[0], "run-duration"));
        Assert.Equal("2", Cell(Rows(cut)[0], "run-changes"));
    }
}

/// <summary>Settings → Jobs with the real Quartz schedule (in its own SQLite file; the scheduler is never started, so nothing runs).</summary>
public sealed class JobsPageScheduleTests : ComponentTestContext
{
    private readonly TempFolder _jobsFolder = new();

    public JobsPageScheduleTests()
    {
        Directory.CreateDirectory(_jobsFolder.Path);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Jobs:Enabled"] = "true",
                ["Storage:DataFolder"] = _jobsFolder.Path,
                ["Merchant:TimeZone"] = "Asia/Tokyo", // the cron runs at 03:00 Tokyo time and the page shows Tokyo time
            })
            .Build();
        Services.AddSingleton(MerchantOptions.From(configuration));
        Services.AddDirectoryJobs(configuration);
        var auth = AddAuthorization();
        auth.SetAuthorized("claire@example.com");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "me"), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, "Claire"));
    }

    private JobsDashboard Dashboard => Services.GetRequiredService<JobsDashboard>();

    private IRenderedComponent<JobsPage> RenderJobs()
    {
        var cut = Render<JobsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=job-row]").Count), TimeSpan.FromSeconds(10));
        return cut;
    }

    private static IElement Row(IRenderedComponent<JobsPage> cut, JobKey key) => cut.Find($"[data-testid=job-row][data-job='{key}']");

    private static string State(IRenderedComponent<JobsPage> cut, JobKey key) =>
        Row(cut, key).QuerySelector("[data-testid=job-state]")!.GetAttribute("data-state")!;

    [Fact]
    public void ListsBothJobs_WithWhatTheyDoTheirScheduleAndState()
    {
        var cut = RenderJobs();

        var sweep = Row(cut, TimeSweepJob.Key);
        Assert.Equal("Time sweep", sweep.QuerySelector("[data-testid=job-name]")!.TextContent);
        Assert.Equal("every 60 s", sweep.QuerySelector("[data-testid=job-schedule]")!.TextContent);
        Assert.Equal("scheduled", State(cut, TimeSweepJob.Key));
        var nightly = Row(cut, BackstopJob.Key);
        Assert.Equal("Nightly full evaluation", nightly.QuerySelector("[data-testid=job-name]")!.TextContent);
        Assert.Equal("Evaluates every automated group in full and reports drift", nightly.QuerySelector("[data-testid=job-description]")!.TextContent);
        Assert.Equal("every day at 03:00", nightly.QuerySelector("[data-testid=job-schedule]")!.TextContent);
        Assert.EndsWith("03:00:00", nightly.QuerySelector("[data-testid=job-next]")!.TextContent, StringComparison.Ordinal); // local time
        Assert.Empty(cut.FindAll("[data-testid=jobs-off]"));
    }

    [Fact]
    public void ARunningJob_ShowsItsProgressLive_AndRunNowJoinsItInsteadOfStartingAnother()
    {
        var cut = RenderJobs();

        Dashboard.Started("Time sweep");
        Dashboard.ProgressFor("Time sweep").Report(0.5);
        cut.WaitForAssertion(() => Assert.Equal("running", State(cut, TimeSweepJob.Key)));
        Assert.NotNull(Row(cut, TimeSweepJob.Key).QuerySelector("[data-testid=job-progress]"));

        Row(cut, TimeSweepJob.Key).QuerySelector("[data-testid=job-run-now]")!.Click();
        cut.WaitForAssertion(() => Assert.Contains("already running", cut.Find("[data-testid=jobs-message]").TextContent, StringComparison.Ordinal));

        Dashboard.Done("Time sweep");
        cut.WaitForAssertion(() => Assert.Equal("scheduled", State(cut, TimeSweepJob.Key)));
    }

    [Fact]
    public void ARunningJobsRow_StaysPutWhileItsProgressChanges_SoAClickMeanwhileLandsOnTheSameButton()
    {
        var cut = RenderJobs();
        string Progress() => Row(cut, TimeSweepJob.Key).QuerySelector("[data-testid=job-progress]")!.TextContent.Trim();
        Radzen.Blazor.RadzenButton[] Buttons() => [.. cut.FindComponents<Radzen.Blazor.RadzenButton>().Select(b => b.Instance)];
        Dashboard.Started("Time sweep");
        Dashboard.ProgressFor("Time sweep").Report(0.25);
        cut.WaitForAssertion(() => Assert.StartsWith("25%", Progress(), StringComparison.Ordinal));
        var before = Buttons();

        Dashboard.ProgressFor("Time sweep").Report(0.75);

        cut.WaitForAssertion(() => Assert.StartsWith("75%", Progress(), StringComparison.Ordinal));
        // The same Pause and Run now buttons, updated in place (RadzenDataGrid made new ones for the changed row, so a
        // click between mousedown and mouseup on them was lost); and the other job's, of course.
        var after = Buttons();
        Assert.Equal(4, after.Length);
        Assert.All(before.Zip(after), pair => Assert.Same(pair.First, pair.Second));
        Dashboard.Done("Time sweep");
    }

    [Fact]
    public async Task PauseThenResume_ChangesTheStoredScheduleAndTheButtons()
    {
        var cut = RenderJobs();

        Row(cut, BackstopJob.Key).QuerySelector("[data-testid=job-pause]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal("paused", State(cut, BackstopJob.Key)));
        Assert.True((await Dashboard.ListAsync()).Single(j => j.Key == BackstopJob.Key.ToString()).Paused);
        Assert.Equal("scheduled", State(cut, TimeSweepJob.Key));
        Assert.Equal("—", Row(cut, BackstopJob.Key).QuerySelector("[data-testid=job-next]")!.TextContent);
        Assert.Contains("is paused", cut.Find("[data-testid=jobs-message]").TextContent, StringComparison.Ordinal);

        Row(cut, BackstopJob.Key).QuerySelector("[data-testid=job-resume]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal("scheduled", State(cut, BackstopJob.Key)));
        Assert.False((await Dashboard.ListAsync()).Single(j => j.Key == BackstopJob.Key.ToString()).Paused);
        Assert.NotNull(Row(cut, BackstopJob.Key).QuerySelector("[data-testid=job-pause]"));
    }

    [Fact]
    public void RunNow_AsksTheSchedulerAndSaysSo()
    {
        var cut = RenderJobs();

        Row(cut, TimeSweepJob.Key).QuerySelector("[data-testid=job-run-now]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal("Time sweep starts now; its run appears below.", cut.Find("[data-testid=jobs-message]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=jobs-error]"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _jobsFolder.Dispose();
        }
    }
}
