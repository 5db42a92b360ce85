using System.Security.Cryptography;

namespace CustomerDirectory.Domain.Automations;

/// <summary>What an automation watches: people entering its group, or leaving it.</summary>
public enum AutomationTrigger
{
    Entered,
    Left,
}

/// <summary>Whether someone this automation already sent can fire it again.</summary>
public enum ReentryPolicy
{
    /// <summary>Every entry (or exit) is sent.</summary>
    Always,

    /// <summary>Sent again only when the last delivery for this person is older than the cooldown.</summary>
    AfterCooldown,

    /// <summary>Once per person, ever.</summary>
    Never,
}

/// <summary>
/// "When someone enters (leaves) group X, send a signed webhook to this URL", with the merchant's choices about who
/// counts. The outbox rows it creates are <see cref="AutomationDelivery"/>.
/// </summary>
public sealed class Automation
{
    public const int NameMaxLength = 200;
    public const int UrlMaxLength = 2000;
    public const int SecretMaxLength = 100;
    public const int DefaultHoldThreshold = 500;
    public const int DefaultCooldownDays = 30;

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    public int GroupId { get; private set; }

    public AutomationTrigger Trigger { get; private set; }

    public string Url { get; private set; } = "";

    /// <summary>The HMAC key the receiver verifies signatures with; shown to the merchant, rotatable, never audited.</summary>
    public string Secret { get; private set; } = "";

    /// <summary>Whether the group's members at creation were sent (a backfill), or only people entering afterwards.</summary>
    public bool IncludeCurrentMembers { get; private set; }

    public ReentryPolicy Reentry { get; private set; }

    public int CooldownDays { get; private set; }

    /// <summary>Whether people moved by an edit of the group's rule count (<see cref="Groups.MembershipCause.RuleEdit"/>).</summary>
    public bool CountRuleEdits { get; private set; }

    /// <summary>Whether people moved by an import count (<see cref="Groups.MembershipCause.Import"/>); off unless the merchant asks.</summary>
    public bool CountImports { get; private set; }

    /// <summary>More deliveries than this from one ledger write are held until someone confirms them.</summary>
    public int HoldThreshold { get; private set; }

    public bool Paused { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public DateTime? SecretRotatedAt { get; private set; }

    public static Automation Create(AutomationInput input, int groupId, DateTime now, string actor)
    {
        var automation = new Automation { GroupId = groupId, CreatedAt = now, CreatedBy = actor, Secret = NewSecret(),
            IncludeCurrentMembers = input.IncludeCurrentMembers && input.Trigger == AutomationTrigger.Entered }; // exits have no backfill
        automation.Apply(input);
        return automation;
    }

    /// <summary>Applies what can change after creation (the group and the backfill are fixed: they decide what was sent).</summary>
    public void Apply(AutomationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Name = input.Name!.Trim();
        Trigger = input.Trigger;
        Url = input.Url!.Trim();
        Reentry = input.Reentry;
        CooldownDays = input.Reentry == ReentryPolicy.AfterCooldown ? input.CooldownDays : 0;
        CountRuleEdits = input.CountRuleEdits;
        CountImports = input.CountImports;
        HoldThreshold = input.HoldThreshold;
        Paused = input.Paused;
    }

    public void RotateSecret(DateTime now)
    {
        Secret = NewSecret();
        SecretRotatedAt = now;
    }

    /// <summary>32 random bytes, hex, with a prefix that says what it is when it turns up in a config file.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
