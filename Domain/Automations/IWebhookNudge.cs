namespace CustomerDirectory.Domain.Automations;

/// <summary>Asks the delivery job to run now (Jobs implements it with Quartz; without jobs, nothing runs it early).</summary>
public interface IWebhookNudge
{
    void Nudge();
}

/// <summary>The nudge of a host without the jobs: deliveries wait for whoever runs the dispatcher.</summary>
internal sealed class NoWebhookNudge : IWebhookNudge
{
    public void Nudge()
    {
    }
}
