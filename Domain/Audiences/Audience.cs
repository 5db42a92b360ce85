using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Audiences;

/// <summary>
/// A saved audience for a campaign: the groups it takes people from, the groups it leaves out, an optional extra
/// filter and the channel (email or SMS). Who is in it is computed live; a <see cref="AudienceSnapshot"/> freezes it.
/// Names are unique regardless of case and accents.
/// </summary>
public sealed class Audience
{
    public const int NameMaxLength = 80;
    public const int ActorMaxLength = 200;

    private Audience() { }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Folded name; unique.</summary>
    public string NameKey { get; private set; } = "";

    public ConsentChannel Channel { get; private set; }

    /// <summary>The rule as <see cref="AudienceRule.ToJson"/> wrote it (groups and filter; the channel is its own column).</summary>
    public string RuleJson { get; private set; } = "";

    public string CreatedBy { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    internal static Audience Create(string cleanedName, AudienceRule rule, string createdBy, DateTime nowUtc)
    {
        var audience = new Audience { CreatedBy = Trim(createdBy), CreatedAt = nowUtc };
        audience.Replace(cleanedName, rule, nowUtc);
        return audience;
    }

    internal void Replace(string cleanedName, AudienceRule rule, DateTime nowUtc)
    {
        Name = cleanedName;
        NameKey = Key(cleanedName);
        Channel = rule.Channel;
        RuleJson = rule.ToJson();
        UpdatedAt = nowUtc;
    }

    /// <summary>Trims and checks an audience name; throws a <see cref="DomainException"/> saying what is wrong.</summary>
    public static string CleanName(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Name the audience.", "Name");
        if (cleaned.Length > NameMaxLength)
        {
            throw new DomainException($"An audience name can be at most {NameMaxLength} characters.", "Name");
        }

        if (cleaned.Any(char.IsControl))
        {
            throw new DomainException("The audience name contains characters that are not allowed.", "Name");
        }

        return cleaned;
    }

    public static string Key(string cleanedName) => ContactRules.Fold(cleanedName);

    internal static string Trim(string actor) => actor.Length > ActorMaxLength ? actor[..ActorMaxLength] : actor;
}

/// <summary>
/// An audience frozen at one moment: who was sendable, with the address used, when, by whom, and the rule as it was.
/// Never changes: the service has no path to update or delete it, and database triggers refuse both.
/// </summary>
public sealed class AudienceSnapshot
{
    public const int AudienceNameMaxLength = Audience.NameMaxLength;
    public const int RuleMaxLength = 300 * 1024;

    private AudienceSnapshot() { }

    public int Id { get; private set; }

    /// <summary>The audience it was taken from; kept as a plain number (no foreign key) so deleting the audience leaves its snapshots.</summary>
    public int AudienceId { get; private set; }

    /// <summary>The audience's name at the time.</summary>
    public string AudienceName { get; private set; } = "";

    public ConsentChannel Channel { get; private set; }

    /// <summary>The rule at that moment (<see cref="AudienceRule.FrozenJson"/>: groups with their names, the filter and its sentence).</summary>
    public string RuleJson { get; private set; } = "";

    public DateTime TakenAt { get; private set; }

    public string TakenById { get; private set; } = "";

    public string TakenBy { get; private set; } = "";

    /// <summary>How many people it holds.</summary>
    public int Size { get; private set; }

    internal static AudienceSnapshot Create(Audience audience, string frozenRule, DateTime nowUtc, Staff.StaffActor actor, int size) => new()
    {
        AudienceId = audience.Id,
        AudienceName = audience.Name,
        Channel = audience.Channel,
        RuleJson = frozenRule,
        TakenAt = nowUtc,
        TakenById = Audience.Trim(actor.Id),
        TakenBy = Audience.Trim(actor.Name),
        Size = size,
    };
}

/// <summary>One person in a snapshot, with the address the campaign would use (email or phone as stored then).</summary>
public sealed class AudienceSnapshotMember
{
    public int SnapshotId { get; set; }

    public int CustomerId { get; set; }

    public string Address { get; set; } = "";
}
