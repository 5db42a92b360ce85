using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.Domain.Groups;

/// <summary>Manual groups change only when someone changes them; automated ones follow their rule.</summary>
public enum GroupKind
{
    Manual,
    Automated,
}

/// <summary>The groups the product creates itself; each may be edited or deleted like any other.</summary>
public enum PredefinedGroup
{
    Regulars,
    Lapsed,
    AllCustomers,
    EmailSubscribers,
    SmsSubscribers,
    LoyaltyParticipants,
    RewardInSight,
}

/// <summary>
/// A customer group. An automated group has a rule (a <see cref="FilterDefinition"/>) and optionally a stay rule:
/// people enter when the rule holds, and members stay while the stay rule holds (exit hysteresis); without a stay
/// rule they leave as soon as the rule stops holding. Who is in it is the open intervals of <see cref="GroupMember"/>.
/// </summary>
public sealed class Group
{
    public const int NameMaxLength = 80;
    public const int DescriptionMaxLength = 1000;
    public const int ErrorMaxLength = 2000;

    private Group() { }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Folded name; unique, so "VIPs" and "vips" are one group.</summary>
    public string NameKey { get; private set; } = "";

    public string? Description { get; private set; }

    public GroupKind Kind { get; private set; }

    /// <summary>Automated groups: the entry rule, as <see cref="FilterDefinition.ToJson"/> wrote it.</summary>
    public string? RuleJson { get; private set; }

    /// <summary>Automated groups, optional: members stay while this holds (null: while the entry rule holds).</summary>
    public string? StayRuleJson { get; private set; }

    /// <summary>Increases with every rule change; the ledger records which version let each person in or out.</summary>
    public int RuleVersion { get; private set; }

    public bool Paused { get; private set; }

    public PredefinedGroup? Predefined { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <summary>When the whole group was last evaluated (event-driven updates of single profiles do not count).</summary>
    public DateTime? LastEvaluatedAt { get; private set; }

    public int? LastEvaluationMs { get; private set; }

    /// <summary>Why the last evaluation failed (e.g. the rule uses a field deleted since); null after a success.</summary>
    public string? LastError { get; private set; }

    public DateTime? LastErrorAt { get; private set; }

    /// <summary>Optimistic concurrency: two people editing one group cannot overwrite each other unknowingly.</summary>
    public int Version { get; private set; }

    internal static Group Create(string name, string? description, GroupKind kind, string? ruleJson, string? stayRuleJson, PredefinedGroup? predefined, string createdBy, DateTime nowUtc)
    {
        var group = new Group
        {
            Kind = kind,
            Predefined = predefined,
            CreatedAt = nowUtc,
            CreatedBy = createdBy.Length > 200 ? createdBy[..200] : createdBy,
        };
        group.Describe(name, description, nowUtc);
        if (kind == GroupKind.Automated)
        {
            group.ChangeRule(ruleJson ?? FilterDefinition.Empty.ToJson(), stayRuleJson, nowUtc);
        }

        return group;
    }

    internal void Describe(string cleanedName, string? description, DateTime nowUtc)
    {
        Name = cleanedName;
        NameKey = Key(cleanedName);
        Description = description;
        Touch(nowUtc);
    }

    /// <summary>Returns true when the rule actually changed (and with it the rule version).</summary>
    internal bool ChangeRule(string ruleJson, string? stayRuleJson, DateTime nowUtc)
    {
        if (ruleJson == RuleJson && stayRuleJson == StayRuleJson)
        {
            return false;
        }

        RuleJson = ruleJson;
        StayRuleJson = stayRuleJson;
        RuleVersion++;
        Touch(nowUtc);
        return true;
    }

    internal void Pause(bool paused, DateTime nowUtc)
    {
        Paused = paused;
        Touch(nowUtc);
    }

    internal void Evaluated(DateTime atUtc, int milliseconds)
    {
        LastEvaluatedAt = atUtc;
        LastEvaluationMs = milliseconds;
        LastError = null;
        LastErrorAt = null;
    }

    internal void Failed(string error, DateTime atUtc)
    {
        LastError = error.Length > ErrorMaxLength ? error[..ErrorMaxLength] : error;
        LastErrorAt = atUtc;
    }

    private void Touch(DateTime nowUtc)
    {
        UpdatedAt = nowUtc;
        Version++;
    }

    /// <summary>Trims and checks a group name; throws a <see cref="DomainException"/> saying what is wrong.</summary>
    public static string CleanName(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Name the group.", "Name");
        if (cleaned.Length > NameMaxLength)
        {
            throw new DomainException($"A group name can be at most {NameMaxLength} characters.", "Name");
        }

        if (cleaned.Any(char.IsControl))
        {
            throw new DomainException("The group name contains characters that are not allowed.", "Name");
        }

        return cleaned;
    }

    public static string? CleanDescription(string? description)
    {
        var cleaned = description?.Trim();
        if (string.IsNullOrEmpty(cleaned))
        {
            return null;
        }

        if (cleaned.Length > DescriptionMaxLength)
        {
            throw new DomainException($"A description can be at most {DescriptionMaxLength} characters.", "Description");
        }

        return cleaned;
    }

    public static string Key(string cleanedName) => ContactRules.Fold(cleanedName);
}
