using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Jobs;

/// <summary>The history of background job runs, kept in the directory's database (the last <see cref="Keep"/> runs).</summary>
public sealed class JobRunLog(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes)
{
    public const int Keep = 2000;

    /// <summary>Records that a run started; returns its id for <see cref="FinishAsync"/>.</summary>
    public async Task<long> StartAsync(string job, string reason, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = new JobRun
        {
            Job = Cut(job, JobRun.NameMaxLength),
            Reason = Cut(reason, JobRun.NameMaxLength),
            StartedAt = clock.GetUtcNow().UtcDateTime,
            Status = JobRunStatus.Running,
        };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.JobsChanged);
        return run.Id;
    }

    /// <summary>Records how a run ended (an error makes it failed).</summary>
    public async Task FinishAsync(long id, int items, int changed, int? drift, string? error, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.JobRuns.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (run is null)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        (run.FinishedAt, run.DurationMs, run.Items, run.Changes, run.Drift) = (now, (int)Math.Min(int.MaxValue, (now - run.StartedAt).TotalMilliseconds), items, changed, drift);
        (run.Status, run.Error) = error is null ? (JobRunStatus.Succeeded, null) : (JobRunStatus.Failed, Cut(error, JobRun.ErrorMaxLength));
        await db.SaveChangesAsync(ct);
        await db.JobRuns.Where(r => r.Id <= id - Keep).ExecuteDeleteAsync(ct);
        changes.Publish(ChangeKind.JobsChanged);
    }

    /// <summary>At start-up: runs left "running" by a process that stopped are marked interrupted.</summary>
    public async Task<int> MarkInterruptedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobRuns.Where(r => r.Status == JobRunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, JobRunStatus.Interrupted), ct);
    }

    /// <summary>The latest runs, newest first, of one job or all.</summary>
    public async Task<IReadOnlyList<JobRun>> RecentAsync(string? job = null, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = db.JobRuns.AsNoTracking();
        if (job is not null)
        {
            runs = runs.Where(r => r.Job == job);
        }

        return await runs.OrderByDescending(r => r.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
