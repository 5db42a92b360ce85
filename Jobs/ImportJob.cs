using CustomerDirectory.Domain.Jobs;
using CustomerDirectory.Domain.Transfer.Import;
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
        var trigger = TriggerBuilder.Create()
            .ForJob(ImportJob.Key)
            .WithIdentity($"import-{importId}", "imports")
            .UsingJobData(ImportJob.ImportIdKey, importId)
            .StartNow()
            .Build();
        await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), ct);
    }
}
