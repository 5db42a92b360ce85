namespace CustomerDirectory.Domain.Automations;

/// <summary>What the merchant types in the automation editor.</summary>
public sealed record AutomationInput
{
    public string? Name { get; init; }

    public int GroupId { get; init; }

    public AutomationTrigger Trigger { get; init; }

    public string? Url { get; init; }

    /// <summary>Send the group's current members once, now (only when creating).</summary>
    public bool IncludeCurrentMembers { get; init; }

    public ReentryPolicy Reentry { get; init; } = ReentryPolicy.AfterCooldown;

    public int CooldownDays { get; init; } = Automation.DefaultCooldownDays;

    public bool CountRuleEdits { get; init; }

    public bool CountImports { get; init; }

    public int HoldThreshold { get; init; } = Automation.DefaultHoldThreshold;

    public bool Paused { get; init; }
}

/// <summary>An automation as the list shows it, with its delivery counts.</summary>
public sealed record AutomationSummary(
    int Id, string Name, int GroupId, string GroupName, AutomationTrigger Trigger, string Url, bool Paused,
    int Pending, int Held, int Delivered, int Failed, DateTime? LastDeliveredAt);

/// <summary>An automation with everything the editor shows, its secret included (the page needs ManageAutomations).</summary>
public sealed record AutomationDetails(
    int Id, string Name, int GroupId, string GroupName, AutomationTrigger Trigger, string Url, string Secret,
    bool IncludeCurrentMembers, ReentryPolicy Reentry, int CooldownDays, bool CountRuleEdits, bool CountImports,
    int HoldThreshold, bool Paused, DateTime CreatedAt, string CreatedBy, DateTime? SecretRotatedAt)
{
    public AutomationInput ToInput() => new()
    {
        Name = Name, GroupId = GroupId, Trigger = Trigger, Url = Url, IncludeCurrentMembers = IncludeCurrentMembers, Reentry = Reentry,
        CooldownDays = CooldownDays == 0 ? Automation.DefaultCooldownDays : CooldownDays, CountRuleEdits = CountRuleEdits,
        CountImports = CountImports, HoldThreshold = HoldThreshold, Paused = Paused,
    };
}

/// <summary>Deliveries held by the storm guard, by the write that caused them.</summary>
public sealed record HeldBatch(string Batch, int Count, DateTime Since, string Cause);

/// <summary>One line of the delivery log.</summary>
public sealed record DeliveryRow(
    long Id, string EventId, int CustomerId, string? CustomerName, AutomationTrigger Type, string Cause, DateTime OccurredAt,
    DeliveryStatus Status, int Attempts, DateTime? LastAttemptAt, int? LastStatusCode, string? LastError, DateTime? DeliveredAt, DateTime NextAttemptAt);

public sealed record DeliveryPage(IReadOnlyList<DeliveryRow> Rows, int Total);

/// <summary>One try of a delivery.</summary>
public sealed record AttemptRow(DateTime At, int? StatusCode, string? Error, int DurationMs);

/// <summary>What the dispatcher did in one run.</summary>
public sealed record DispatchResult(int Delivered, int Retrying, int Failed);
