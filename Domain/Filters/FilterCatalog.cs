using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Filters;

/// <summary>
/// Every field a filter can use right now: the built-in ones, plus one per custom field, with the current tags and
/// mailing lists as options. Built by <see cref="FilterCatalogService"/> from the database; a new custom field is
/// in the next catalog, a deleted one is gone from it.
/// </summary>
public sealed class FilterCatalog
{
    private readonly Dictionary<string, FilterField> _byKey;

    public FilterCatalog(IReadOnlyList<FilterField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = fields;
        _byKey = fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
    }

    public IReadOnlyList<FilterField> Fields { get; }

    public FilterField? Find(string? key) => key is not null && _byKey.TryGetValue(key, out var field) ? field : null;

    /// <summary>The key of a custom field in filters.</summary>
    public static string CustomFieldKey(int fieldId) => $"custom.{fieldId}";

    /// <summary>The key of "joined group X" in filters.</summary>
    public static string GroupJoinedKey(int groupId) => $"joined.{groupId}";

    public static FilterCatalog Build(IEnumerable<CustomFieldView> customFields, IEnumerable<FilterOption> tags, IEnumerable<FilterOption> lists, IReadOnlyList<FilterOption>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(customFields);
        groups ??= [];
        var fields = new List<FilterField>(BuiltIn(tags, lists));
        fields.Add(new FilterField(FilterFields.Groups, "In groups", "Groups", FilterFieldType.Set, groups) { CanBeEmpty = true });
        foreach (var group in groups)
        {
            // "Joined Regulars within the last 7 days"; "is not empty": a member now.
            fields.Add(new FilterField(GroupJoinedKey(int.Parse(group.Value, System.Globalization.CultureInfo.InvariantCulture)), $"Joined {group.Label}", "Groups", FilterFieldType.Moment, [])
            {
                GroupId = int.Parse(group.Value, System.Globalization.CultureInfo.InvariantCulture),
                CanBeEmpty = true,
            });
        }

        foreach (var custom in customFields.OrderBy(f => f.Position).ThenBy(f => f.Id))
        {
            var options = custom.Options.Select(o => new FilterOption(o.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Label)).ToList();
            var type = custom.Type switch
            {
                CustomFieldType.Toggle => FilterFieldType.Boolean,
                CustomFieldType.Select => FilterFieldType.Choice,
                CustomFieldType.MultiSelect => FilterFieldType.Set,
                CustomFieldType.Number => FilterFieldType.Number,
                CustomFieldType.Date => FilterFieldType.Date,
                _ => FilterFieldType.Text,
            };
            // A toggle that was never set reads as "no"; every other custom field can be blank.
            fields.Add(new FilterField(CustomFieldKey(custom.Id), custom.Name, "Custom fields", type, options)
            {
                CustomFieldId = custom.Id,
                CanBeEmpty = type != FilterFieldType.Boolean,
            });
        }

        return new FilterCatalog(fields);
    }

    private static IEnumerable<FilterField> BuiltIn(IEnumerable<FilterOption> tags, IEnumerable<FilterOption> lists)
    {
        const string profile = "Profile", contact = "Contact", activity = "Activity", marketing = "Marketing", loyalty = "Loyalty & memberships";
        FilterField F(string key, string label, string category, FilterFieldType type, bool canBeEmpty = false, IReadOnlyList<FilterOption>? options = null) =>
            new(key, label, category, type, options ?? []) { CanBeEmpty = canBeEmpty };

        yield return F(FilterFields.FirstName, "First name", profile, FilterFieldType.Text);
        yield return F(FilterFields.LastName, "Last name", profile, FilterFieldType.Text);
        yield return F(FilterFields.Birthday, "Birthday", profile, FilterFieldType.Date, canBeEmpty: true);
        yield return F(FilterFields.CreatedAt, "Customer since", profile, FilterFieldType.Moment);
        yield return F(FilterFields.Source, "Came from", profile, FilterFieldType.Choice, options: EnumOptions<CustomerSource>(SourceLabel));
        yield return F(FilterFields.HasAccount, "Has an online account", profile, FilterFieldType.Boolean);
        yield return F(FilterFields.PhotoUploaded, "Photo uploaded", profile, FilterFieldType.Boolean);
        yield return F(FilterFields.Tags, "Tags", profile, FilterFieldType.Set, canBeEmpty: true, options: [.. tags]);

        yield return F(FilterFields.Email, "Email", contact, FilterFieldType.Text, canBeEmpty: true);
        yield return F(FilterFields.Phone, "Phone", contact, FilterFieldType.Text, canBeEmpty: true);
        yield return F(FilterFields.AddressLine, "Address", contact, FilterFieldType.Text, canBeEmpty: true);
        yield return F(FilterFields.PostalCode, "Postal code", contact, FilterFieldType.Text, canBeEmpty: true);
        yield return F(FilterFields.City, "City", contact, FilterFieldType.Text, canBeEmpty: true);
        yield return F(FilterFields.Country, "Country", contact, FilterFieldType.Text, canBeEmpty: true);

        yield return F(FilterFields.VisitCount, "Number of visits", activity, FilterFieldType.Number);
        yield return F(FilterFields.FirstVisitAt, "First visit", activity, FilterFieldType.Moment, canBeEmpty: true);
        yield return F(FilterFields.LastVisitAt, "Last visit", activity, FilterFieldType.Moment, canBeEmpty: true);
        yield return F(FilterFields.VisitsInLast, "Visits in the last days", activity, FilterFieldType.Activity);
        yield return F(FilterFields.OrderCount, "Number of orders", activity, FilterFieldType.Number);
        yield return F(FilterFields.TotalSpent, "Total spent", activity, FilterFieldType.Money);
        yield return F(FilterFields.FirstOrderAt, "First order", activity, FilterFieldType.Moment, canBeEmpty: true);
        yield return F(FilterFields.LastOrderAt, "Last order", activity, FilterFieldType.Moment, canBeEmpty: true);
        yield return F(FilterFields.OrdersInLast, "Orders in the last days", activity, FilterFieldType.Activity);
        yield return F(FilterFields.SpentInLast, "Spent in the last days", activity, FilterFieldType.Spending);
        yield return F(FilterFields.DonationCount, "Number of donations", activity, FilterFieldType.Number);
        yield return F(FilterFields.DonationTotal, "Total donated", activity, FilterFieldType.Money);
        yield return F(FilterFields.LastDonationAt, "Last donation", activity, FilterFieldType.Moment, canBeEmpty: true);
        yield return F(FilterFields.DonationsInLast, "Donations in the last days", activity, FilterFieldType.Activity);

        yield return F(FilterFields.EmailConsent, "Email marketing", marketing, FilterFieldType.Choice, options: EnumOptions<ConsentStatus>(ConsentLabel));
        yield return F(FilterFields.SmsConsent, "SMS marketing", marketing, FilterFieldType.Choice, options: EnumOptions<ConsentStatus>(ConsentLabel));
        yield return F(FilterFields.Lists, "Mailing lists", marketing, FilterFieldType.Set, canBeEmpty: true, options: [.. lists]);

        yield return F(FilterFields.LoyaltyEnrolled, "In the loyalty programme", loyalty, FilterFieldType.Boolean);
        yield return F(FilterFields.LoyaltyPoints, "Loyalty points", loyalty, FilterFieldType.Number);
        yield return F(FilterFields.RewardInSight, "Reward in sight (90 % of the threshold)", loyalty, FilterFieldType.Boolean);
        yield return F(FilterFields.ActiveMemberships, "Active memberships", loyalty, FilterFieldType.Number);
        yield return F(FilterFields.MembershipPlan, "Membership plan", loyalty, FilterFieldType.Set, canBeEmpty: true);
        yield return F(FilterFields.MembershipStatus, "Membership status", loyalty, FilterFieldType.Set, options: EnumOptions<MembershipStatus>(s => s.ToString()));
    }

    private static FilterOption[] EnumOptions<TEnum>(Func<TEnum, string> label)
        where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Select(v => new FilterOption(v.ToString(), label(v)))];

    private static string SourceLabel(CustomerSource source) => source switch
    {
        CustomerSource.WebsiteSignUp => "Website sign-up",
        CustomerSource.AddedByHand => "Added by hand",
        CustomerSource.Api => "API",
        _ => source.ToString(),
    };

    private static string ConsentLabel(ConsentStatus status) => status switch
    {
        ConsentStatus.NeverAsked => "Never asked",
        _ => status.ToString(),
    };
}

/// <summary>The keys of the built-in fields, as stored in filters. Never rename one: saved filters use them.</summary>
public static class FilterFields
{
    public const string FirstName = "firstName";
    public const string LastName = "lastName";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string AddressLine = "address";
    public const string PostalCode = "postalCode";
    public const string City = "city";
    public const string Country = "country";
    public const string Birthday = "birthday";
    public const string CreatedAt = "createdAt";
    public const string Source = "source";
    public const string HasAccount = "hasAccount";
    public const string PhotoUploaded = "photoUploaded";
    public const string Tags = "tags";
    public const string VisitCount = "visitCount";
    public const string FirstVisitAt = "firstVisit";
    public const string LastVisitAt = "lastVisit";
    public const string VisitsInLast = "visitsInLast";
    public const string OrderCount = "orderCount";
    public const string TotalSpent = "totalSpent";
    public const string FirstOrderAt = "firstOrder";
    public const string LastOrderAt = "lastOrder";
    public const string OrdersInLast = "ordersInLast";
    public const string SpentInLast = "spentInLast";
    public const string DonationCount = "donationCount";
    public const string DonationTotal = "donationTotal";
    public const string LastDonationAt = "lastDonation";
    public const string DonationsInLast = "donationsInLast";
    public const string EmailConsent = "emailConsent";
    public const string SmsConsent = "smsConsent";
    public const string Lists = "lists";
    public const string LoyaltyEnrolled = "loyaltyEnrolled";
    public const string LoyaltyPoints = "loyaltyPoints";
    public const string RewardInSight = "rewardInSight";
    public const string ActiveMemberships = "activeMemberships";
    public const string MembershipPlan = "membershipPlan";
    public const string MembershipStatus = "membershipStatus";
    public const string Groups = "groups";
}
