using System.Globalization;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.Domain.Groups;

/// <summary>The merchant's trade; it decides what "Regulars" and "Lapsed" mean (Square's table).</summary>
public enum BusinessType
{
    CharityEducation,
    ContractorsRepairLeisure,
    FoodDrink,
    HealthBeauty,
    HealthServices,
    Individuals,
    Retail,
    Services,
    Transport,
}

/// <summary>The predefined groups' names and rules.</summary>
/// <remarks>
/// Boundaries, which the seed's table ("&gt; 3 visits, last visit &lt; 8 weeks ago" / "≥ 8 weeks ago") leaves open:
/// <list type="bullet">
/// <item>"&gt; 3 visits" is strictly more: 4 visits or more (all time). Exactly 3 is not enough.</item>
/// <item>Weeks are 7 × 24 hours counted back from now, to the second. A last visit exactly 8 weeks ago is still
/// "within the last 8 weeks", so the person is a regular; one second later they are lapsed. The two groups never
/// overlap and, for people with enough visits, never leave a gap.</item>
/// <item>For contractors and transport the table asks more visits to be lapsed (&gt; 3) than to be regular (&gt; 2): someone
/// with exactly 3 visits whose last visit is 6 weeks old or more is in neither group. Kept as the table says.</item>
/// </list>
/// </remarks>
public static class PredefinedGroups
{
    public static string Label(BusinessType type) => type switch
    {
        BusinessType.CharityEducation => "Charity & education",
        BusinessType.ContractorsRepairLeisure => "Contractors, repair & leisure",
        BusinessType.FoodDrink => "Food & drink",
        BusinessType.HealthBeauty => "Health & beauty",
        BusinessType.HealthServices => "Health services",
        BusinessType.Individuals => "Individuals",
        BusinessType.Retail => "Retail",
        BusinessType.Services => "Services",
        _ => "Transport",
    };

    /// <summary>(more than N visits to be regular, weeks, more than N visits to be lapsed).</summary>
    public static (int RegularVisits, int Weeks, int LapsedVisits) Thresholds(BusinessType type) => type switch
    {
        BusinessType.ContractorsRepairLeisure or BusinessType.Transport => (2, 6, 3),
        BusinessType.HealthBeauty => (3, 6, 3),
        _ => (3, 8, 3),
    };

    public static string Name(PredefinedGroup group) => group switch
    {
        PredefinedGroup.Regulars => "Regulars",
        PredefinedGroup.Lapsed => "Lapsed",
        PredefinedGroup.AllCustomers => "All customers",
        PredefinedGroup.EmailSubscribers => "Email subscribers",
        PredefinedGroup.SmsSubscribers => "SMS subscribers",
        PredefinedGroup.LoyaltyParticipants => "Loyalty participants",
        _ => "Loyalty reward in sight",
    };

    public static string Description(PredefinedGroup group, BusinessType type)
    {
        var (regular, weeks, lapsed) = Thresholds(type);
        return group switch
        {
            PredefinedGroup.Regulars => $"More than {regular} visits, the last one within the last {weeks} weeks ({Label(type)}).",
            PredefinedGroup.Lapsed => $"More than {lapsed} visits, the last one more than {weeks} weeks ago ({Label(type)}).",
            PredefinedGroup.AllCustomers => "Visited more than once in the last 12 months.",
            PredefinedGroup.EmailSubscribers => "Subscribed to email marketing (unsubscribed and bounced addresses are out).",
            PredefinedGroup.SmsSubscribers => "Subscribed to SMS marketing (unsubscribed and bounced numbers are out).",
            PredefinedGroup.LoyaltyParticipants => "In the loyalty programme.",
            _ => "Loyalty points at 90 % or more of their reward threshold.",
        };
    }

    public static FilterDefinition Rule(PredefinedGroup group, BusinessType type)
    {
        var (regular, weeks, lapsed) = Thresholds(type);
        static string S(int n) => n.ToString(CultureInfo.InvariantCulture);
        var root = group switch
        {
            PredefinedGroup.Regulars => FilterNode.All(
                FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, S(regular)),
                FilterNode.Condition(FilterFields.LastVisitAt, FilterOperator.WithinLast, S(weeks), "weeks")),
            PredefinedGroup.Lapsed => FilterNode.All(
                FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, S(lapsed)),
                FilterNode.Condition(FilterFields.LastVisitAt, FilterOperator.MoreThanAgo, S(weeks), "weeks")),
            PredefinedGroup.AllCustomers => FilterNode.All(
                FilterNode.Condition(FilterFields.VisitsInLast, FilterOperator.AtLeast, "2", "365")),
            PredefinedGroup.EmailSubscribers => FilterNode.All(
                FilterNode.Condition(FilterFields.EmailConsent, FilterOperator.AnyOf, nameof(ConsentStatus.Subscribed))),
            PredefinedGroup.SmsSubscribers => FilterNode.All(
                FilterNode.Condition(FilterFields.SmsConsent, FilterOperator.AnyOf, nameof(ConsentStatus.Subscribed))),
            PredefinedGroup.LoyaltyParticipants => FilterNode.All(
                FilterNode.Condition(FilterFields.LoyaltyEnrolled, FilterOperator.IsTrue)),
            _ => FilterNode.All(
                FilterNode.Condition(FilterFields.RewardInSight, FilterOperator.IsTrue)),
        };
        return new FilterDefinition { Root = root };
    }
}
