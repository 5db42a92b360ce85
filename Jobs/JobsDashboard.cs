using System.Collections.Concurrent;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Jobs;
using CustomerDirectory.Domain.Staff;
using Quartz;

namespace CustomerDirectory.Jobs;

/// <summary>A scheduled job as the Jobs page shows it: <c>Schedule</c> for people ("every day at 03:00"), <c>ScheduleDetail</c> exact.</summary>
public sealed record JobView(
    string Key, string Name, string Description, string Schedule, string ScheduleDetail, DateTime? NextRunUtc, DateTime? PreviousRunUtc,
    bool Paused, bool Running, double? Progress);

/// <summary>What is scheduled, what is running (with progress), the last runs; pause, resume, run now.</summary>
public sealed class JobsDashboard(IServiceProvider services, JobRunLog log, JobsOptions options, ChangeFeed changes, StaffAccess access)
{
    private readonly ChangeFeed _changes = changes;

    private readonly ConcurrentDictionary<string, double> _progress = new(StringComparer.Ordinal);

    private static readonly (JobKey Key, string Name)[] Known =
    [
        (TimeSweepJob.Key, "Time sweep"),
        (BackstopJob.Key, "Nightly full evaluation"),
    ];

    /// <summary>Jobs report their progress (0 to 1) here while they run.</summary>
    internal IProgress<double> ProgressFor(string name) => new Progress(this, name);

    internal void Started(string name)
    {
        _progress[name] = 0;
        _changes.Publish(ChangeKind.JobsChanged);
    }

    internal void Done(string name)
    {
        _progress.TryRemove(name, out _);
        _changes.Publish(ChangeKind.JobsChanged);
    }

    private bool IsRunning(string name) => _progress.ContainsKey(name);

    private async Task<IScheduler?> SchedulerAsync(CancellationToken ct)
    {
        if (!options.Enabled || services.GetService(typeof(ISchedulerFactory)) is not ISchedulerFactory factory)
        {
            return null;
        }

        return await factory.GetScheduler(ct);
    }

    public async Task<IReadOnlyList<JobView>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageSettings, ct);
        var scheduler = await SchedulerAsync(ct);
        if (scheduler is null)
        {
            return [];
        }

        var views = new List<JobView>();
        foreach (var (key, name) in Known)
        {
            var detail = await scheduler.GetJobDetail(key, ct);
            if (detail is null)
            {
                continue;
            }

            var triggers = await scheduler.GetTriggersOfJob(key, ct);
            var trigger = triggers.FirstOrDefault(t => t.Key.Name == key.Name);
            var paused = trigger is not null && await scheduler.GetTriggerState(trigger.Key, ct) == TriggerState.Paused;
            var (schedule, exact) = trigger switch
            {
                ICronTrigger cron => (Daily(cron.CronExpressionString) ?? $"cron {cron.CronExpressionString}", $"cron {cron.CronExpressionString} ({cron.TimeZone.Id})"),
                ISimpleTrigger simple => ($"every {Every(simple.RepeatInterval)}", $"every {simple.RepeatInterval}"),
                _ => ("on demand", "on demand"),
            };
            views.Add(new JobView(key.ToString(), name, detail.Description ?? "", schedule, exact,
                trigger?.NextFireTimeUtc?.UtcDateTime, trigger?.PreviousFireTimeUtc?.UtcDateTime,
                paused, IsRunning(name), _progress.TryGetValue(name, out var p) ? p : null));
        }

        return views;
    }

    public async Task<IReadOnlyList<JobRun>> RecentRunsAsync(int take = 50, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageSettings, ct);
        return await log.RecentAsync(null, take, ct);
    }

    public async Task PauseAsync(string key, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageSettings, ct);
        var (scheduler, job) = await FindAsync(key, ct);
        await scheduler.PauseJob(job, ct);
        _changes.Publish(ChangeKind.JobsChanged);
    }

    public async Task ResumeAsync(string key, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageSettings, ct);
        var (scheduler, job) = await FindAsync(key, ct);
        await scheduler.ResumeJob(job, ct);
        _changes.Publish(ChangeKind.JobsChanged);
    }

    /// <summary>Runs the job now; false when it is already running (one run at a time: the click joins it).</summary>
    public async Task<bool> RunNowAsync(string key, string who, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageSettings, ct);
        var (scheduler, job) = await FindAsync(key, ct);
        if (IsRunning(Known.Single(k => k.Key.Equals(job)).Name))
        {
            return false;
        }

        await scheduler.TriggerJob(job, new JobDataMap { [DirectoryJob.RunNowKey] = who }, ct);
        return true;
    }

    private async Task<(IScheduler Scheduler, JobKey Job)> FindAsync(string key, CancellationToken ct)
    {
        var scheduler = await SchedulerAsync(ct) ?? throw new Domain.DomainException("Background jobs are turned off (Jobs:Enabled).");
        var job = Known.Select(k => k.Key).FirstOrDefault(k => k.ToString() == key)
            ?? throw new Domain.NotFoundException("This job does not exist.");
        return (scheduler, job);
    }

    /// <summary>"0 30 3 * * ?" reads "every day at 03:30"; null for any other expression.</summary>
    private static string? Daily(string? cron)
    {
        var parts = cron?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return parts is ["0", var m, var h, "*", "*", "?"] && int.TryParse(m, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minute) && int.TryParse(h, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var hour) && minute is >= 0 and < 60 && hour is >= 0 and < 24
            ? $"every day at {hour:00}:{minute:00}"
            : null;
    }

    private static string Every(TimeSpan interval) => interval.TotalSeconds < 120
        ? $"{interval.TotalSeconds:F0} s"
        : interval.TotalMinutes < 120 ? $"{interval.TotalMinutes:F0} min" : $"{interval.TotalHours:F0} h";

    private sealed class Progress(JobsDashboard dashboard, string name) : IProgress<double>
    {
        public void Report(double value)
        {
            dashboard._progress[name] = value;
            dashboard._changes.Publish(ChangeKind.JobsChanged);
        }
    }
}
