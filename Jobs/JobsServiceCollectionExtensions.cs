using CustomerDirectory.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CustomerDirectory.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Directory's scheduled jobs on Quartz.NET, for any host (the web app today; a worker process or several nodes
    /// later). The schedule lives in its own SQLite file (<c>jobs.db</c> in the data folder), so the scheduler's
    /// writes never wait on the directory's. Slots missed while the app was down fire once at start-up, not once
    /// per slot; a run cut off by a crash is run again (recovery); one job never runs twice at once.
    /// </summary>
    public static IServiceCollection AddDirectoryJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = JobsOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton<JobsDashboard>();
        if (!options.Enabled)
        {
            return services;
        }

        var storage = StorageOptions.From(configuration);
        var merchant = MerchantOptions.From(configuration);
        var connectionString = configuration.GetConnectionString("Jobs") ?? $"Data Source={Path.Combine(storage.DataFolder, "jobs.db")}";
        services.Configure<QuartzOptions>(o =>
        {
            // Triggers declared here replace the stored ones (so a new cron in appsettings applies) but keep their
            // firing history, so a slot missed while the app was down is still seen as missed.
            o.Scheduling.OverwriteExistingData = true;
            o.Scheduling.ScheduleTriggerRelativeToReplacedTrigger = true;
        });
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(s =>
            {
                s.UseSqlite(connectionString);
                s.ProvisionSchema();
                s.ConfigureStore(o => o.MisfireThreshold = options.MisfireThreshold);
            });

            q.AddJob<TimeSweepJob>(j => j.WithIdentity(TimeSweepJob.Key).StoreDurably().RequestRecovery().WithDescription("Re-evaluates the groups whose rules depend on the clock"));
            q.AddTrigger(t => t.ForJob(TimeSweepJob.Key).WithIdentity("time-sweep", "groups")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(options.SweepInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

            q.AddJob<BackstopJob>(j => j.WithIdentity(BackstopJob.Key).StoreDurably().RequestRecovery().WithDescription("Evaluates every automated group in full and reports drift"));
            q.AddTrigger(t => t.ForJob(BackstopJob.Key).WithIdentity("backstop", "groups")
                .WithCronSchedule(options.BackstopCron, c => c.InTimeZone(merchant.TimeZone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                // A failed night is retried after 1, 2, 4, 8 and 16 minutes; the sweep needs none (it runs again in a minute).
                .WithRetryPolicy(RetryPolicy.Exponential(5, TimeSpan.FromMinutes(1), 2, TimeSpan.FromMinutes(30))));

            q.AddJob<ImportJob>(j => j.WithIdentity(ImportJob.Key).StoreDurably().RequestRecovery().WithDescription("Runs the imports people start, one at a time"));

            // The webhook outbox: polled (retries, deliveries left by a stopped process) and nudged after each commit.
            q.AddJob<DeliverWebhooksJob>(j => j.WithIdentity(DeliverWebhooksJob.Key).StoreDurably().WithDescription("Sends automation webhooks"));
            q.AddTrigger(t => t.ForJob(DeliverWebhooksJob.Key).WithIdentity("deliver-webhooks", "automations")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Automations:PollSeconds", 10), 1, 3600)))
                    .RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        services.AddSingleton<Domain.Transfer.Import.IImportLauncher, QuartzImportLauncher>();
        services.AddSingleton<QuartzWebhookNudge>();
        services.AddSingleton<Domain.Automations.IWebhookNudge>(sp => sp.GetRequiredService<QuartzWebhookNudge>());
        services.AddHostedService<InterruptedRunsMarker>(); // before the scheduler starts running anything
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<UnfinishedImportsResumer>(); // after it: the launcher schedules on the started scheduler
        return services;
    }
}
