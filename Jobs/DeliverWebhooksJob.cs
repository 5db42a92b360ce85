using CustomerDirectory.Domain.Automations;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CustomerDirectory.Jobs;

/// <summary>
/// Sends the webhook outbox. Runs every <c>Automations:PollSeconds</c> (10 s: retries that came due, anything left by a
/// stopped process) and is nudged right after every commit that wrote deliveries, so an entry normally goes out within
/// a second. Not recorded in the job run log: it runs all the time and the automation's delivery log is its record.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DeliverWebhooksJob(WebhookDispatcher dispatcher, QuartzWebhookNudge nudge, ILogger<DeliverWebhooksJob> logger) : IJob
{
    public static readonly JobKey Key = new("deliver-webhooks", "automations");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var _ = StaffAccess.AsSystem();
        nudge.Started(); // a commit from now on nudges again
        try
        {
            var result = await dispatcher.DeliverDueAsync(cancellationToken);
            if (result.Delivered + result.Retrying + result.Failed > 0)
            {
                logger.LogInformation("Webhooks: {Delivered} delivered, {Retrying} to retry, {Failed} failed", result.Delivered, result.Retrying, result.Failed);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Delivering webhooks failed");
            throw new JobExecutionException(e);
        }
    }
}

/// <summary>Fires <see cref="DeliverWebhooksJob"/> now; nudges while one is already waiting to start are one.</summary>
public sealed class QuartzWebhookNudge(ISchedulerFactory schedulers, ILogger<QuartzWebhookNudge> logger) : IWebhookNudge
{
    private int _waiting;

    public void Nudge()
    {
        if (Interlocked.Exchange(ref _waiting, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                var scheduler = await schedulers.GetScheduler();
                if (scheduler.Status is not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown))
                {
                    await scheduler.TriggerJob(DeliverWebhooksJob.Key);
                }
                else
                {
                    Started(); // the next scheduled run (at start-up) sends it
                }
            }
            catch (Exception e) when (e is SchedulerException or ObjectDisposedException or InvalidOperationException)
            {
                Started();
                logger.LogWarning(e, "Could not nudge the webhook delivery; the next scheduled run sends it");
            }
        });
    }

    internal void Started() => Interlocked.Exchange(ref _waiting, 0);
}
