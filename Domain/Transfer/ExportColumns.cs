using System.Globalization;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.Domain.Transfer;

/// <summary>
/// Every column an export can have, how each cell is written, and which need contact or financial permission.
/// Cells are plain, locale-free text a spreadsheet and our import both read: times as ISO 8601 UTC
/// ("2026-11-22T10:00:00Z"), days as "2026-11-22", amounts as "12.50" in the merchant's currency (named in the
/// header), yes/no, and several values (tags, lists, multiple choices) joined with ", ".
/// </summary>
internal static class ExportColumns
{
    public const string CustomFieldPrefix = "cf:";

    private const string Profile = "Profile";
    private const string Contact = "Contact";
    private const string Marketing = "Marketing";
    private const string Memberships = "Memberships";
    private const string Activity = "Activity";
    private const string CustomFields = "Custom fields";

    /// <summary>The columns <paramref name="fields"/> may see, in file order: hidden ones do not exist for that person.</summary>
    public static IReadOnlyList<ExportColumnDefinition> For(FieldAccess fields, IReadOnlyList<CustomFieldView> customFields, string currency)
    {
        List<ExportColumnDefinition> all =
        [
            Column("id", "Id", Profile, true, r => Number(r.Profile.Id)),
            Column("first_name", "First name", Profile, true, r => r.Profile.FirstName),
            Column("last_name", "Last name", Profile, true, r => r.Profile.LastName),
            Column("email", "Email", Contact, true, r => r.Profile.Email, Sensitivity.Contact),
            Column("phone", "Phone", Contact, true, r => r.Profile.Phone, Sensitivity.Contact),
            Column("address_line", "Address", Contact, true, r => r.Profile.AddressLine, Sensitivity.Contact),
            Column("postal_code", "Postal code", Contact, true, r => r.Profile.PostalCode, Sensitivity.Contact),
            Column("city", "City", Contact, true, r => r.Profile.City, Sensitivity.Contact),
            Column("country", "Country", Contact, true, r => r.Profile.Country, Sensitivity.Contact),
            Column("birthday", "Birthday", Profile, true, r => Day(r.Profile.Birthday)),
            Column("created_at", "Client since", Profile, true, r => Time(r.Profile.CreatedAt)),
            Column("source", "Source", Profile, false, r => Describe(r.Profile.Source)),
            Column("has_account", "Has account", Profile, false, r => YesNo(r.Profile.HasAccount)),
            Column("photo_uploaded", "Photo uploaded", Profile, true, r => YesNo(r.Profile.PhotoUploaded)),
            Column("email_consent", "Email consent", Marketing, true, r => Describe(r.Profile.EmailConsent)),
            Column("email_consent_at", "Email consent date", Marketing, false, r => Time(r.Profile.EmailConsentAt)),
            Column("sms_consent", "SMS consent", Marketing, true, r => Describe(r.Profile.SmsConsent)),
            Column("sms_consent_at", "SMS consent date", Marketing, false, r => Time(r.Profile.SmsConsentAt)),
            Column("lists", "Lists", Marketing, true, r => Join(r.Lists), needs: ExportNeeds.Lists),
            Column("tags", "Tags", Marketing, true, r => Join(r.Tags), needs: ExportNeeds.Tags),
            Column("memberships", "Memberships", Memberships, true, r => Number(r.Membership?.Count ?? 0), needs: ExportNeeds.Memberships),
            Column("active_memberships", "Active memberships", Memberships, true, r => Number(r.Profile.ActiveMembershipCount)),
            Column("membership_plan", "Membership plan", Memberships, false, r => r.Membership?.Plan, needs: ExportNeeds.Memberships),
            Column("membership_status", "Membership status", Memberships, false, r => Describe(r.Membership?.Status), needs: ExportNeeds.Memberships),
            Column("membership_rate", $"Membership rate ({currency})", Memberships, false, r => Amount(r.Membership?.RateMinor), Sensitivity.Financial, ExportNeeds.Memberships),
            Column("member_since", "Member since", Memberships, false, r => Time(r.Membership?.MemberSince), needs: ExportNeeds.Memberships),
            Column("visits", "Visits", Activity, false, r => Number(r.Profile.VisitCount)),
            Column("last_visit", "Last visit", Activity, false, r => Time(r.Profile.LastVisitAt)),
            Column("orders", "Orders", Activity, false, r => Number(r.Profile.OrderCount), Sensitivity.Financial),
            Column("total_spent", $"Total spent ({currency})", Activity, false, r => Amount(r.Profile.TotalSpentMinor), Sensitivity.Financial),
            Column("last_order", "Last order", Activity, false, r => Time(r.Profile.LastOrderAt), Sensitivity.Financial),
            Column("donations", "Donations", Activity, false, r => Number(r.Profile.DonationCount), Sensitivity.Financial),
            Column("donation_total", $"Donated ({currency})", Activity, false, r => Amount(r.Profile.DonationTotalMinor), Sensitivity.Financial),
            Column("loyalty_points", "Loyalty points", Activity, false, r => r.Profile.LoyaltyEnrolled ? Number(r.Profile.LoyaltyPoints) : null),
        ];

        // A custom field named like a standard column ("Email") must not make two columns with one header.
        var taken = all.Select(c => c.Column.Header).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var field in customFields.OrderBy(f => f.Position).ThenBy(f => f.Id))
        {
            var id = field.Id;
            var header = taken.Add(field.Name) ? field.Name : $"{field.Name} (custom field)";
            all.Add(Column(CustomFieldPrefix + id.ToString(CultureInfo.InvariantCulture), header, CustomFields, true,
                r => r.Custom?.GetValueOrDefault(id), needs: ExportNeeds.CustomValues));
        }

        return [.. all.Where(c => c.Sensitivity switch
        {
            Sensitivity.Contact => fields.Contact,
            Sensitivity.Financial => fields.Financials,
            _ => true,
        })];
    }

    /// <summary>A custom field's value on one profile as a cell (a multi-select's rows joined in option order).</summary>
    public static string? CustomValue(CustomFieldView field, IReadOnlyList<CustomFieldValue> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var first = values[0];
        return field.Type switch
        {
            CustomFieldType.Toggle => first.Flag is { } flag ? YesNo(flag) : null,
            CustomFieldType.Select => field.Options.FirstOrDefault(o => o.Id == first.OptionId)?.Label,
            CustomFieldType.MultiSelect => Join([.. field.Options.Where(o => values.Any(v => v.OptionId == o.Id)).Select(o => o.Label)]),
            CustomFieldType.Text => first.Text,
            CustomFieldType.Number => first.Number is { } n ? ((decimal)n).ToString(CultureInfo.InvariantCulture) : null,
            CustomFieldType.Date => Day(first.Date),
            _ => null,
        };
    }

    private static ExportColumnDefinition Column(string key, string header, string section, bool isDefault, Func<ExportRow, string?> value,
        Sensitivity sensitivity = Sensitivity.None, ExportNeeds needs = ExportNeeds.None) =>
        new(new ExportColumn(key, header, section, isDefault), sensitivity, needs, value);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Amount(long? minor) => minor is { } m ? Money.FromMinor(m).ToString("0.00", CultureInfo.InvariantCulture) : null;

    private static string? Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static string? Join(List<string>? values) => values is null || values.Count == 0 ? null : string.Join(", ", values);

    private static string Describe(ConsentStatus status) => status switch
    {
        ConsentStatus.Subscribed => "subscribed",
        ConsentStatus.Unsubscribed => "unsubscribed",
        ConsentStatus.Bounced => "bounced",
        _ => "never asked",
    };

    private static string? Describe(MembershipStatus? status) => status switch
    {
        MembershipStatus.Active => "active",
        MembershipStatus.Paused => "paused",
        MembershipStatus.Cancelled => "cancelled",
        _ => null,
    };

    private static string Describe(CustomerSource source) => source switch
    {
        CustomerSource.WebsiteSignUp => "website sign-up",
        CustomerSource.Checkout => "checkout",
        CustomerSource.AddedByHand => "added by hand",
        CustomerSource.Imported => "imported",
        CustomerSource.Api => "API",
        _ => "unknown",
    };
}

internal enum Sensitivity
{
    None,
    Contact,
    Financial,
}

/// <summary>What beyond the profile row a column reads, so a chunk queries only the tables the chosen columns need.</summary>
[Flags]
internal enum ExportNeeds
{
    None = 0,
    Tags = 1,
    Lists = 2,
    CustomValues = 4,
    Memberships = 8,
}

internal sealed record ExportColumnDefinition(ExportColumn Column, Sensitivity Sensitivity, ExportNeeds Needs, Func<ExportRow, string?> Value);

/// <summary>One profile as an export reads it: the row, and what the chosen columns need from other tables.</summary>
internal sealed class ExportRow(ExportProfile profile)
{
    public ExportProfile Profile { get; } = profile;

    public List<string>? Tags { get; set; }

    public List<string>? Lists { get; set; }

    public Dictionary<int, string?>? Custom { get; set; }

    public MembershipSummary? Membership { get; set; }
}

/// <summary>The profile's own columns (contact details null for a person who may not see them).</summary>
internal sealed record ExportProfile(
    int Id, string FirstName, string LastName, string? Email, string? Phone, string? AddressLine, string? PostalCode, string? City, string? Country,
    DateOnly? Birthday, CustomerSource Source, bool HasAccount, bool PhotoUploaded, DateTime CreatedAt,
    ConsentStatus EmailConsent, DateTime? EmailConsentAt, ConsentStatus SmsConsent, DateTime? SmsConsentAt,
    int VisitCount, DateTime? LastVisitAt, int OrderCount, long TotalSpentMinor, DateTime? LastOrderAt, int DonationCount, long DonationTotalMinor,
    int ActiveMembershipCount, bool LoyaltyEnrolled, int LoyaltyPoints);

/// <summary>
/// A person's memberships in one cell each: how many (any status); plan, status and rate of the current one (the
/// latest started active one, else the latest started); and member since (the earliest start).
/// </summary>
internal sealed record MembershipSummary(int Count, string Plan, MembershipStatus Status, long RateMinor, DateTime MemberSince)
{
    public static MembershipSummary? Of(IReadOnlyList<(string Plan, MembershipStatus Status, DateTime StartedAt, long RateMinor)> memberships)
    {
        if (memberships.Count == 0)
        {
            return null;
        }

        var current = memberships.OrderByDescending(m => m.Status == MembershipStatus.Active).ThenByDescending(m => m.StartedAt).First();
        return new MembershipSummary(memberships.Count, current.Plan, current.Status, current.RateMinor, memberships.Min(m => m.StartedAt));
    }
}
