using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.Domain.Groups;

/// <summary>What a person types to create or edit a group. Rules are for automated groups only.</summary>
public sealed record GroupInput(string? Name, string? Description, GroupKind Kind, FilterDefinition? Rule = null, FilterDefinition? StayRule = null);

/// <summary>Where an automated group stands.</summary>
public enum GroupStatus
{
    /// <summary>A manual group: it changes only when someone changes it.</summary>
    Manual,
    UpToDate,
    Computing,

    /// <summary>No full evaluation within the expected interval (a scheduled run was missed).</summary>
    Late,
    Paused,

    /// <summary>The last evaluation failed; <see cref="GroupSummary.LastError"/> says why.</summary>
    Failed,
}

public sealed record GroupSummary(
    int Id, string Name, string? Description, GroupKind Kind, PredefinedGroup? Predefined, int Members,
    GroupStatus Status, double? Progress, DateTime? LastEvaluatedAt, string? LastError, string? RuleSentence);

public sealed record GroupDetails(
    int Id, string Name, string? Description, GroupKind Kind, PredefinedGroup? Predefined,
    string? RuleJson, string? StayRuleJson, int RuleVersion, bool Paused, int Version,
    GroupStatus Status, double? Progress, DateTime? LastEvaluatedAt, int? LastEvaluationMs, string? LastError,
    DateTime CreatedAt, string CreatedBy, string? RuleSentence, string? StayRuleSentence)
{
    public FilterDefinition? Rule => RuleJson is null ? null : FilterDefinition.FromJson(RuleJson);

    public FilterDefinition? StayRule => StayRuleJson is null ? null : FilterDefinition.FromJson(StayRuleJson);
}

public sealed record GroupStats(int Members, int ReachableByEmail, int ReachableBySms, int EnteredLast7Days, int LeftLast7Days, int EnteredLast30Days, int LeftLast30Days);

/// <summary>A person, as lists of people show them.</summary>
public sealed record PersonRef(int Id, string Name, string? Email);

/// <summary>What saving a rule would do, computed by the engine and written nowhere.</summary>
public sealed record GroupPreview(int Members, int Entering, int Leaving, IReadOnlyList<PersonRef> SomeEntering, IReadOnlyList<PersonRef> SomeLeaving);

public enum GroupMemberSort
{
    Name,
    Email,
    EnteredAt,
}

public sealed record GroupMemberQuery(string? Text = null, GroupMemberSort Sort = GroupMemberSort.Name, bool Descending = false, int Skip = 0, int Take = 50);

/// <summary>A member as the group page lists them; <c>Override</c> is true when always included.</summary>
public sealed record GroupMemberRow(int CustomerId, string FirstName, string LastName, string? Email, DateTime EnteredAt, ConsentStatus EmailConsent, ConsentStatus SmsConsent, bool? Override);

public sealed record GroupMemberPage(IReadOnlyList<GroupMemberRow> Rows, int Total);

/// <summary>One stay in a group, from the ledger.</summary>
public sealed record LedgerEntry(
    long Id, int GroupId, string GroupName, int CustomerId, string? CustomerName,
    DateTime EnteredAt, MembershipCause EnterCause, int? EnterRuleVersion, string? EnteredBy,
    DateTime? LeftAt, MembershipCause? LeaveCause, int? LeaveRuleVersion, string? LeftBy);

/// <summary>A group a person is in now.</summary>
public sealed record ProfileGroup(int GroupId, string Name, GroupKind Kind, DateTime EnteredAt, MembershipCause Cause, bool? Override);

public sealed record GroupOverrideRow(int CustomerId, string Name, bool Include, DateTime At, string By);

/// <summary>"Why is this person (not) in this group?"</summary>
public sealed record GroupExplanation(
    int GroupId, string GroupName, GroupKind Kind, bool IsMember, DateTime? MemberSince, bool? Override,
    ExplanationNode? Rule, ExplanationNode? Stay, DateTime? LastEvaluatedAt, DateTime ComputedAt, string Summary);

/// <summary>One condition or group of a rule, for one person: does it hold, and what their value is.</summary>
public sealed record ExplanationNode(string Text, bool Passes, string? Actual, IReadOnlyList<ExplanationNode> Children);

/// <summary>What one evaluation did to one group.</summary>
public sealed record GroupEvaluation(int GroupId, bool TimeDependent, int Entered, int Left);

/// <summary>What an evaluation of several groups did.</summary>
public sealed record EvaluationSummary(IReadOnlyList<GroupEvaluation> Groups)
{
    public int Entered => Groups.Sum(g => g.Entered);

    public int Left => Groups.Sum(g => g.Left);

    /// <summary>
    /// Changes to groups whose rules do not depend on the clock: these should have been made when the data changed,
    /// so after the incremental pass and the sweep work, a backstop finds none. More than zero is drift.
    /// </summary>
    public int Drift => Groups.Where(g => !g.TimeDependent).Sum(g => g.Entered + g.Left);
}

/// <summary>Plain-language names of ledger causes.</summary>
public static class MembershipCauses
{
    /// <summary>Why someone entered (<paramref name="entering"/>) or left: "Matched the rule (version 2)", "Removed by hand"…</summary>
    public static string Describe(MembershipCause cause, int? ruleVersion = null, bool entering = true)
    {
        var version = ruleVersion is { } v ? $" (version {v})" : "";
        return cause switch
        {
            MembershipCause.Rule => (entering ? "Matched the rule" : "No longer matched the rule") + version,
            MembershipCause.RuleEdit => $"Rule edited{version}",
            MembershipCause.ManualAdd => "Added by hand",
            MembershipCause.ManualRemove => "Removed by hand",
            MembershipCause.OverrideInclude => "Always include",
            MembershipCause.OverrideExclude => "Always exclude",
            MembershipCause.Import => "Import",
            MembershipCause.Merge => "Merged profiles",
            MembershipCause.ConsentChange => "Consent changed",
            _ => "Profile deleted",
        };
    }
}
