using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Audiences;

/// <summary>
/// The one definition of "can be sent to on this channel", shared by the in-memory count (<see cref="Filters.Index.ProfileIndex"/>)
/// and the database path (snapshots, and counts while the index is not ready): an address that <see cref="ContactRules"/>
/// accepts, then a subscribed consent. Duplicates are decided by the caller, on <see cref="ContactRules.NormalizeEmail"/>
/// (email) or <see cref="ContactRules.PhoneKey"/> (phone).
/// </summary>
public static class AudienceRules
{
    /// <summary>Missing, invalid or usable, as stored per profile in the index.</summary>
    public const byte Missing = 0, Invalid = 1, Usable = 2;

    public static byte EmailState(string? email) =>
        ContactRules.Clean(email) is null ? Missing : ContactRules.EmailError(email) is null ? Usable : Invalid;

    public static byte PhoneState(string? phone) =>
        ContactRules.Clean(phone) is null ? Missing : ContactRules.PhoneError(phone) is null && ContactRules.PhoneKey(phone) is { Length: > 0 } ? Usable : Invalid;

    /// <summary>The first reason that keeps someone out (before duplicates, which need the others), or null when they can be sent to.</summary>
    public static AudienceReason? Check(byte addressState, ConsentStatus consent) =>
        addressState != Usable ? AudienceReason.NoAddress
        : consent switch
        {
            ConsentStatus.Subscribed => null,
            ConsentStatus.Unsubscribed => AudienceReason.Unsubscribed,
            ConsentStatus.Bounced => AudienceReason.Bounced,
            _ => AudienceReason.NeverConsented,
        };

    /// <summary>How the page names each reason.</summary>
    public static string Describe(AudienceReason reason, ConsentChannel channel) => reason switch
    {
        AudienceReason.ExcludedGroup => "In an excluded group",
        AudienceReason.NoAddress => channel == ConsentChannel.Email ? "No email, or not a valid one" : "No phone, or not a valid one",
        AudienceReason.Unsubscribed => "Unsubscribed",
        AudienceReason.Bounced => channel == ConsentChannel.Email ? "Bounced" : "Bounced (undeliverable)",
        AudienceReason.NeverConsented => "Never consented",
        _ => "Duplicate address (one message per address)",
    };
}
