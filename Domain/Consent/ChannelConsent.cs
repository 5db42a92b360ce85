namespace CustomerDirectory.Domain.Consent;

/// <summary>Where a person stands on one marketing channel, and how they got there.</summary>
public sealed record ChannelConsent
{
    public static readonly ChannelConsent NeverAsked = new();

    public ConsentStatus Status { get; init; } = ConsentStatus.NeverAsked;

    /// <summary>When the status last changed; null while never asked.</summary>
    public DateTime? ChangedAt { get; init; }

    public ConsentOrigin Origin { get; init; } = ConsentOrigin.Unknown;

    /// <summary>Who changed it: a staff member's name, or null when it came from the customer or a system.</summary>
    public string? ChangedBy { get; init; }

    /// <summary>When the current subscription began; null unless subscribed. The directory sorts by it.</summary>
    public DateTime? SubscribedAt { get; init; }

    public bool IsSubscribed => Status == ConsentStatus.Subscribed;
}

public enum ConsentStatus
{
    NeverAsked,
    Subscribed,
    Unsubscribed,
    Bounced,
}

public enum ConsentOrigin
{
    Unknown,
    Website,
    Checkout,
    AddedByHand,
    Imported,
}

public enum ConsentChannel
{
    Email,
    Sms,
}
