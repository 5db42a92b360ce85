using CustomerDirectory.Domain.Jobs;
using CustomerDirectory.Domain.Transfer.Import;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerDirectory.Jobs;

/// <summary>
/// Runs a started import in the background. Durable and recoverable: if the app stops mid-import, Quartz fires it
/// again at start-up and the import carries on after its last whole batch. One import runs at a time.
/// </summary>
public sealed class ImportJob(ImportService imports, JobsDashboard dashboard, JobRunLog log, ILogger<ImportJob> logger) : DirectoryJob(log, dashboard, logger)
{
    public static readonly JobKey Key = new("import", "imports");

    public const string ImportIdKey = "importId";

    public override string Name => "Import";

    protected override async Task<JobOutcome> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var id = context.MergedJobDataMap.GetInt(ImportIdKey);
        await imports.RunAsync(id, Progress, ct);
        var run = await imports.GetAsync(id, ct);
        return new JobOutcome(run.Created + run.Updated + run.Unchanged + run.Skipped + run.Rejected, run.Created + run.Updated);
    }
}

/// <summary>Starts an import by firing <see cref="ImportJob"/> with its id (kept in the job store until it has run).</summary>
internal sealed class QuartzImportLauncher(ISchedulerFactory schedulers) : IImportLauncher
{
    public async Task EnqueueAsync(int importId, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = new TriggerKey($"import-{importId}", "imports");
        if (await scheduler.GetTrigger(key, ct) is not null)
        {
            return; // already waiting to fire
        }

        var trigger = TriggerBuilder.Create()
            .ForJob(ImportJob.Key)
            .WithIdentity(key)
            .UsingJobData(ImportJob.ImportIdKey, importId)
            .StartNow()
            .Build();
        await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), ct);
    }
}

/// <summary>
/// At start-up: an import the last process left unfinished (stopped with the app, not crashed, so Quartz does not
/// recover it) is started again, and carries on after its last whole batch.
/// </summary>
internal sealed class UnfinishedImportsResumer(ImportService imports, IImportLauncher launcher, ILogger<UnfinishedImportsResumer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var _ = Domain.Staff.StaffAccess.AsSystem();
        foreach (var run in (await imports.ListAsync(cancellationToken)).Where(r => r.IsActive))
        {
            logger.LogInformation("Resuming import {Id} ({File}), left {Status}", run.Id, run.FileName, run.Status);
            await launcher.EnqueueAsync(run.Id, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
