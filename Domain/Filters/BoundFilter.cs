namespace CustomerDirectory.Domain.Filters;

// A filter after binding: every field resolved to a column, every value parsed and folded, every relative date turned
// into an instant. Both evaluators (the SQL translation and the in-memory index) read only this form, so they cannot
// disagree about what a condition means, only about how to compute it (which the differential test checks).

/// <summary>A bound filter node; evaluates to a set of profiles.</summary>
internal abstract record Bound;

internal sealed record BoundConstant(bool Value) : Bound;

internal sealed record BoundGroup(bool Any, IReadOnlyList<Bound> Items) : Bound;

internal sealed record BoundNot(Bound Inner) : Bound;

/// <summary>Columns of the profile itself that conditions test.</summary>
internal enum Column
{
    FirstName,
    LastName,
    Email,
    Phone,
    AddressLine,
    PostalCode,
    City,
    Country,
    Birthday,
    CreatedAt,
    Source,
    HasAccount,
    PhotoUploaded,
    VisitCount,
    FirstVisitAt,
    LastVisitAt,
    OrderCount,
    TotalSpent,
    FirstOrderAt,
    LastOrderAt,
    DonationCount,
    DonationTotal,
    LastDonationAt,
    ActiveMemberships,
    EmailConsent,
    SmsConsent,
    LoyaltyEnrolled,
    LoyaltyPoints,

    /// <summary>In the loyalty programme with points at 90 % or more of their reward threshold.</summary>
    RewardInSight,
}

internal enum TextMatch
{
    Equals,
    Contains,
    StartsWith,
}

/// <summary>Text column matches (folded; phone compares digit keys). False when the column is empty.</summary>
internal sealed record BoundText(Column Column, TextMatch Match, string Value) : Bound;

/// <summary>The column (or custom field) has no value.</summary>
internal sealed record BoundIsNull(Column Column) : Bound;

/// <summary>Whole-number column (counts, points, minor units) within [Min, Max].</summary>
internal sealed record BoundRange(Column Column, long Min, long Max) : Bound;

/// <summary>Moment column within [From, To) (UTC, whole seconds); false when empty.</summary>
internal sealed record BoundMoment(Column Column, DateTime? From, DateTime? To) : Bound;

/// <summary>Date column within [From, To], inclusive; false when empty.</summary>
internal sealed record BoundDate(Column Column, DateOnly? From, DateOnly? To) : Bound;

internal sealed record BoundFlag(Column Column) : Bound;

/// <summary>Enumeration column equals one of the values (as their numbers).</summary>
internal sealed record BoundEnumIn(Column Column, IReadOnlyList<int> Values) : Bound;

internal enum SetKind
{
    Tags,
    Lists,
    MembershipPlans,
    MembershipStatuses,

    /// <summary>Customer groups (ids); membership is the group's open ledger intervals.</summary>
    Groups,
}

/// <summary>
/// Has any (or all) of the values; with no values, has at least one at all. Tags and lists are ids; membership
/// plans are plan names; statuses are <see cref="Activity.MembershipStatus"/> numbers.
/// </summary>
internal sealed record BoundSet(SetKind Kind, IReadOnlyList<int> Ids, IReadOnlyList<string> Names, bool All) : Bound;

internal enum ActivityKind
{
    Visits,
    Orders,
    Donations,
    Spending,
}

/// <summary>Count (or sum of order amounts, in minor units) of activity at or after <see cref="Since"/> is ≥ Threshold.</summary>
internal sealed record BoundActivity(ActivityKind Kind, DateTime Since, long Threshold) : Bound;

/// <summary>A custom field has a value (for a multiple choice: at least one option).</summary>
internal sealed record BoundCustomHasValue(int FieldId) : Bound;

internal sealed record BoundCustomFlag(int FieldId) : Bound;

/// <summary>A choice field holds any (or, for multiple choice, all) of the options.</summary>
internal sealed record BoundCustomOptions(int FieldId, IReadOnlyList<int> OptionIds, bool All) : Bound;

internal sealed record BoundCustomText(int FieldId, TextMatch Match, string Value) : Bound;

/// <summary>Number within the bounds; a null bound is open.</summary>
internal sealed record BoundCustomNumber(int FieldId, double? Min, bool MinInclusive, double? Max, bool MaxInclusive) : Bound;

internal sealed record BoundCustomDate(int FieldId, DateOnly? From, DateOnly? To) : Bound;

/// <summary>A current member of the group who entered within [From, To) (UTC); with both null, any current member.</summary>
internal sealed record BoundGroupJoined(int GroupId, DateTime? From, DateTime? To) : Bound;

/// <summary>
/// The profiles with these ids: what group conditions become just before the in-memory index evaluates them (the
/// index keeps no group memberships itself; see <see cref="Groups.GroupEngine"/>). Never bound from a filter.
/// </summary>
internal sealed record BoundIds(Groups.IdSet Ids) : Bound;
