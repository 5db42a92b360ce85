using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Jobs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerDirectory.Jobs;

/// <summary>
/// The time sweep: every minute (Jobs:SweepSeconds), the automated groups whose rules depend on the clock are
/// re-evaluated, so "last visit within 8 weeks" moves people as time passes with no data change. No group is more
/// than one interval stale.
/// </summary>
public sealed class TimeSweepJob(GroupEngine engine, JobsDashboard dashboard, JobRunLog log, ILogger<TimeSweepJob> logger) : DirectoryJob(log, dashboard, logger)
{
    public static readonly JobKey Key = new("time-sweep", "groups");

    public override string Name => "Time sweep";

    protected override async Task<JobOutcome> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var summary = await engine.EvaluateTimeDependentAsync(Progress, ct);
        return new JobOutcome(summary.Groups.Count, summary.Entered + summary.Left);
    }
}

/// <summary>
/// The backstop: nightly (Jobs:BackstopCron), and once at start-up when a night was missed, every automated group
/// is evaluated in full. When the change-driven updates and the sweep work it changes nothing in rules that do
/// not depend on the clock; anything it does change there is drift, recorded on the run and logged as a warning.
/// </summary>
public sealed class BackstopJob(GroupEngine engine, JobsDashboard dashboard, JobRunLog log, ILogger<BackstopJob> logger) : DirectoryJob(log, dashboard, logger)
{
    public static readonly JobKey Key = new("backstop", "groups");

    private readonly ILogger<BackstopJob> _logger = logger;

    public override string Name => "Nightly full evaluation";

    protected override async Task<JobOutcome> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var summary = await engine.EvaluateAllAsync(Progress, ct);
        if (summary.Drift > 0)
        {
            _logger.LogWarning("The backstop found and fixed {Drift} membership changes the event-driven updates had missed", summary.Drift);
        }

        return new JobOutcome(summary.Groups.Count, summary.Entered + summary.Left, summary.Drift);
    }
}
