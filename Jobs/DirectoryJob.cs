using CustomerDirectory.Domain.Jobs;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerDirectory.Jobs;

/// <summary>What a run did: groups looked at, people moved, and (backstop) drift found.</summary>
public sealed record JobOutcome(int Items, int Changes, int? Drift = null);

/// <summary>
/// The base of Directory's jobs: thin, calling a Domain service, and recording each run in the
/// <see cref="JobRunLog"/> with why it ran (on schedule, run now, catch-up after downtime, recovery after a crash).
/// </summary>
[DisallowConcurrentExecution]
public abstract class DirectoryJob(JobRunLog log, JobsDashboard dashboard, ILogger logger) : IJob
{
    /// <summary>The job data key a "run now" trigger sets, so the run says who asked.</summary>
    public const string RunNowKey = "runNow";

    public abstract string Name { get; }

    protected abstract Task<JobOutcome> RunAsync(IJobExecutionContext context, CancellationToken ct);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var _ = StaffAccess.AsSystem(); // a job is Directory itself, whoever pressed "run now"
        var reason = Reason(context);
        var id = await log.StartAsync(Name, reason, cancellationToken);
        dashboard.Started(Name);
        try
        {
            var outcome = await RunAsync(context, cancellationToken);
            await log.FinishAsync(id, outcome.Items, outcome.Changes, outcome.Drift, null, CancellationToken.None);
            context.Result = outcome;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "{Job} failed ({Reason})", Name, reason);
            await log.FinishAsync(id, 0, 0, null, e is OperationCanceledException ? "Stopped before it finished." : e.Message, CancellationToken.None);
            throw new JobExecutionException(e);
        }
        finally
        {
            dashboard.Done(Name);
        }
    }

    /// <summary>Where the job reports its progress (0 to 1) for the Jobs page.</summary>
    protected IProgress<double> Progress => dashboard.ProgressFor(Name);

    private static string Reason(IJobExecutionContext context)
    {
        if (context.Recovering)
        {
            return "recovery after a crash";
        }

        if (context.MergedJobDataMap.TryGetString(RunNowKey, out var who) && who is not null)
        {
            return who.Length == 0 ? "run now" : $"run now by {who}";
        }

        // Fired well after its slot: the app was down (the store fires a missed slot once, not once per slot).
        var late = (context.FireTimeUtc - (context.ScheduledFireTimeUtc ?? context.FireTimeUtc)).TotalSeconds;
        return late > 5 ? $"catch-up ({Late(late)} late)" : "on schedule";

        static string Late(double seconds) => seconds < 120 ? $"{seconds:F0} s" : seconds < 7200 ? $"{seconds / 60:F0} min" : $"{seconds / 3600:F1} h";
    }
}
