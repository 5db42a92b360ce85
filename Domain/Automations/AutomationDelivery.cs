namespace CustomerDirectory.Domain.Automations;

/// <summary>Where a delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting to be sent (first time or a retry at <see cref="AutomationDelivery.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>Part of a storm (more than the automation's threshold from one write): waits for someone to confirm.</summary>
    Held,

    Delivered,

    /// <summary>Retried for a day without a 2xx answer; can be resent by hand.</summary>
    Failed,

    /// <summary>A held delivery the merchant chose not to send.</summary>
    Discarded,
}

/// <summary>
/// One event to deliver: the outbox row, written in the same transaction as the ledger entry that caused it, so an
/// entry is never lost nor sent for a write that rolled back. Its <see cref="EventId"/> is the receiver's idempotency key.
/// </summary>
public sealed class AutomationDelivery
{
    public const int ErrorMaxLength = 500;
    public const int PayloadMaxLength = 8000;

    public long Id { get; set; }

    public int AutomationId { get; set; }

    public string EventId { get; set; } = "";

    public int GroupId { get; set; }

    public int CustomerId { get; set; }

    public AutomationTrigger Type { get; set; }

    /// <summary>The ledger's cause by name, or "Backfill" for a member sent when the automation was created.</summary>
    public string Cause { get; set; } = "";

    public DateTime OccurredAt { get; set; }

    public DeliveryStatus Status { get; set; }

    /// <summary>The storm a held delivery belongs to: confirmed or discarded together.</summary>
    public string? HoldBatch { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    /// <summary>When retrying stops and the delivery is marked failed (a day after it became due).</summary>
    public DateTime GiveUpAt { get; set; }

    public DateTime? LastAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTime? DeliveredAt { get; set; }

    /// <summary>The body, frozen at the first attempt so that every retry and resend sends the same event.</summary>
    public string? Payload { get; set; }
}

/// <summary>One try at sending a delivery: when, what came back, how long it took.</summary>
public sealed class DeliveryAttempt
{
    public long Id { get; set; }

    public long DeliveryId { get; set; }

    public DateTime At { get; set; }

    public int? StatusCode { get; set; }

    public string? Error { get; set; }

    public int DurationMs { get; set; }
}
