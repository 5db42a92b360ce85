namespace CustomerDirectory.Domain.Groups;

/// <summary>Why someone entered or left a group.</summary>
public enum MembershipCause
{
    /// <summary>The rule (at <see cref="GroupMember.EnterRuleVersion"/>) started or stopped holding after their data changed or time passed.</summary>
    Rule,

    /// <summary>The rule itself was edited.</summary>
    RuleEdit,

    ManualAdd,
    ManualRemove,

    /// <summary>"Always include" was set, or "always exclude" cleared.</summary>
    OverrideInclude,

    /// <summary>"Always exclude" was set, or "always include" cleared.</summary>
    OverrideExclude,

    Import,
    Merge,

    /// <summary>Their email or SMS consent changed (subscribed, unsubscribed, bounced).</summary>
    ConsentChange,

    ProfileDeleted,
}

/// <summary>
/// One stay of one profile in one group: the membership ledger. The open interval (<see cref="LeftAt"/> null) is the
/// current membership; re-entering opens a new one. No foreign key to the profile: the history outlives it.
/// </summary>
public sealed class GroupMember
{
    public const int ActorMaxLength = 200;

    public long Id { get; private set; }

    public int GroupId { get; private set; }

    public int CustomerId { get; private set; }

    public DateTime EnteredAt { get; private set; }

    public MembershipCause EnterCause { get; private set; }

    public int? EnterRuleVersion { get; private set; }

    public string? EnteredBy { get; private set; }

    public DateTime? LeftAt { get; private set; }

    public MembershipCause? LeaveCause { get; private set; }

    public int? LeaveRuleVersion { get; private set; }

    public string? LeftBy { get; private set; }
}

/// <summary>A person always in, or always out of, an automated group whatever its rule says.</summary>
public sealed class GroupOverride
{
    public int GroupId { get; set; }

    public int CustomerId { get; set; }

    /// <summary>True: always include; false: always exclude.</summary>
    public bool Include { get; set; }

    public DateTime At { get; set; }

    public string By { get; set; } = "";
}

/// <summary>A merchant-wide setting, by key (business type, whether the predefined groups were created…).</summary>
public sealed class MerchantSetting
{
    public const int KeyMaxLength = 100;
    public const int ValueMaxLength = 4000;

    public string Key { get; set; } = "";

    public string Value { get; set; } = "";
}
