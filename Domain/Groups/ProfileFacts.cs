using System.Globalization;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Groups;

/// <summary>One person's values, as an explanation shows them next to each condition ("Last visit: 3 Oct 2026").</summary>
internal sealed class ProfileFacts
{
    private readonly Customer _customer;
    private readonly MerchantOptions _merchant;
    private readonly DateTime _now;
    private readonly IReadOnlyList<string> _tags;
    private readonly IReadOnlyList<string> _lists;
    private readonly IReadOnlyList<string> _groups;
    private readonly IReadOnlyList<(string Plan, string Status)> _memberships;
    private readonly Dictionary<int, List<CustomFields.CustomFieldValue>> _custom;
    private readonly List<DateTime> _visits;
    private readonly List<(DateTime At, long Amount)> _orders;
    private readonly List<DateTime> _donations;
    private readonly Dictionary<int, DateTime> _joined;

    private ProfileFacts(Customer customer, MerchantOptions merchant, DateTime now, IReadOnlyList<string> tags, IReadOnlyList<string> lists,
        IReadOnlyList<string> groups, IReadOnlyList<(string, string)> memberships, Dictionary<int, List<CustomFields.CustomFieldValue>> custom,
        List<DateTime> visits, List<(DateTime, long)> orders, List<DateTime> donations, Dictionary<int, DateTime> joined)
    {
        (_customer, _merchant, _now, _tags, _lists, _groups, _memberships, _custom) = (customer, merchant, now, tags, lists, groups, memberships, custom);
        (_visits, _orders, _donations, _joined) = (visits, orders, donations, joined);
    }

    public static async Task<ProfileFacts> LoadAsync(IDbContextFactory<DirectoryDbContext> dbFactory, int customerId, MerchantOptions merchant, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == customerId, ct) ?? throw NotFoundException.Profile();
        var tags = await (from ct2 in db.CustomerTags where ct2.CustomerId == customerId join t in db.Tags on ct2.TagId equals t.Id orderby t.NameKey select t.Name).ToListAsync(ct);
        var lists = await (from s in db.ListSubscriptions where s.CustomerId == customerId join l in db.MailingLists on s.ListId equals l.Id orderby l.NameKey select l.Name).ToListAsync(ct);
        var stays = await (from m in db.GroupMembers where m.CustomerId == customerId && m.LeftAt == null join g in db.Groups on m.GroupId equals g.Id select new { g.Id, g.Name, m.EnteredAt }).ToListAsync(ct);
        var memberships = (await db.Memberships.AsNoTracking().Where(m => m.CustomerId == customerId).Select(m => new { m.Plan, m.Status }).ToListAsync(ct))
            .Select(m => (m.Plan, m.Status.ToString())).ToList();
        var custom = (await db.CustomFieldValues.AsNoTracking().Where(v => v.CustomerId == customerId).ToListAsync(ct))
            .GroupBy(v => v.FieldId).ToDictionary(g => g.Key, g => g.ToList());
        var visits = await db.Visits.AsNoTracking().Where(v => v.CustomerId == customerId).Select(v => v.VisitedAt).ToListAsync(ct);
        var orders = (await db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId).Select(o => new { o.OrderedAt, o.AmountMinor }).ToListAsync(ct))
            .Select(o => (o.OrderedAt, o.AmountMinor)).ToList();
        var donations = await db.Donations.AsNoTracking().Where(d => d.CustomerId == customerId).Select(d => d.DonatedAt).ToListAsync(ct);
        return new ProfileFacts(customer, merchant, now, tags, lists, [.. stays.OrderBy(s => s.Name).Select(s => s.Name)], memberships, custom,
            visits, orders, donations, stays.ToDictionary(s => s.Id, s => s.EnteredAt));
    }

    /// <summary>The person's value for the condition's field, written for people; "—" when they have none.</summary>
    public string ValueOf(FilterNode condition, FilterCatalog catalog)
    {
        var field = catalog.Find(condition.Field);
        if (field is null)
        {
            return "(field deleted)";
        }

        var c = _customer;
        if (field.GroupId is { } groupId)
        {
            return _joined.TryGetValue(groupId, out var at) ? Moment(at) : "not a member";
        }

        if (field.CustomFieldId is { } fieldId)
        {
            return Custom(field, _custom.GetValueOrDefault(fieldId) ?? []);
        }

        int Days() => int.TryParse(condition.Values is { Count: > 1 } v ? v[1] : "0", NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d : 0;
        var since = _now.AddDays(-Days());
        return field.Key switch
        {
            FilterFields.FirstName => c.FirstName,
            FilterFields.LastName => c.LastName,
            FilterFields.Email => c.Email ?? "—",
            FilterFields.Phone => c.Phone ?? "—",
            FilterFields.AddressLine => c.AddressLine ?? "—",
            FilterFields.PostalCode => c.PostalCode ?? "—",
            FilterFields.City => c.City ?? "—",
            FilterFields.Country => c.Country ?? "—",
            FilterFields.Birthday => c.Birthday?.ToString("d MMM yyyy", CultureInfo.InvariantCulture) ?? "—",
            FilterFields.CreatedAt => Moment(c.CreatedAt),
            FilterFields.Source => field.LabelOf(c.Source.ToString()) ?? c.Source.ToString(),
            FilterFields.HasAccount => YesNo(c.HasAccount),
            FilterFields.PhotoUploaded => YesNo(c.PhotoUploaded),
            FilterFields.Tags => Names(_tags),
            FilterFields.Lists => Names(_lists),
            FilterFields.Groups => Names(_groups),
            FilterFields.VisitCount => N(c.VisitCount),
            FilterFields.FirstVisitAt => Moment(c.FirstVisitAt),
            FilterFields.LastVisitAt => Moment(c.LastVisitAt),
            FilterFields.VisitsInLast => $"{N(_visits.Count(v => v >= since))} in the last {Days()} days",
            FilterFields.OrderCount => N(c.OrderCount),
            FilterFields.TotalSpent => Money(c.TotalSpentMinor),
            FilterFields.FirstOrderAt => Moment(c.FirstOrderAt),
            FilterFields.LastOrderAt => Moment(c.LastOrderAt),
            FilterFields.OrdersInLast => $"{N(_orders.Count(o => o.At >= since))} in the last {Days()} days",
            FilterFields.SpentInLast => $"{Money(_orders.Where(o => o.At >= since).Sum(o => o.Amount))} in the last {Days()} days",
            FilterFields.DonationCount => N(c.DonationCount),
            FilterFields.DonationTotal => Money(c.DonationTotalMinor),
            FilterFields.LastDonationAt => Moment(c.LastDonationAt),
            FilterFields.DonationsInLast => $"{N(_donations.Count(d => d >= since))} in the last {Days()} days",
            FilterFields.EmailConsent => field.LabelOf(c.EmailConsent.Status.ToString()) ?? c.EmailConsent.Status.ToString(),
            FilterFields.SmsConsent => field.LabelOf(c.SmsConsent.Status.ToString()) ?? c.SmsConsent.Status.ToString(),
            FilterFields.LoyaltyEnrolled => YesNo(c.LoyaltyEnrolled),
            FilterFields.LoyaltyPoints => N(c.LoyaltyPoints),
            FilterFields.RewardInSight => c.LoyaltyRewardThreshold is { } t ? $"{N(c.LoyaltyPoints)} of {N(t)} points" : "no reward threshold",
            FilterFields.ActiveMemberships => N(c.ActiveMembershipCount),
            FilterFields.MembershipPlan => Names([.. _memberships.Select(m => m.Plan).Distinct()]),
            FilterFields.MembershipStatus => Names([.. _memberships.Select(m => m.Status).Distinct()]),
            _ => "—",
        };
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    private string Money(long minor) => $"{(minor / 100m).ToString("N2", CultureInfo.InvariantCulture)} {_merchant.Currency}";

    private string Moment(DateTime? utc)
    {
        if (utc is not { } at)
        {
            return "never";
        }

        var days = (int)Math.Floor((_now - at).TotalDays);
        var ago = days switch { 0 => "today", 1 => "1 day ago", _ when days > 0 => $"{N(days)} days ago", _ => "in the future" };
        return $"{_merchant.ToLocal(at).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture)} ({ago})";
    }

    private static string Custom(FilterField field, List<CustomFields.CustomFieldValue> values)
    {
        if (values.Count == 0)
        {
            return field.Type == FilterFieldType.Boolean ? "no" : "—";
        }

        var v = values[0];
        return field.Type switch
        {
            FilterFieldType.Boolean => YesNo(v.Flag == true),
            FilterFieldType.Choice or FilterFieldType.Set => Names([.. values.Select(x => field.LabelOf(x.OptionId?.ToString(CultureInfo.InvariantCulture) ?? "") ?? "?")]),
            FilterFieldType.Number => v.Number?.ToString(CultureInfo.InvariantCulture) ?? "—",
            FilterFieldType.Date => v.Date?.ToString("d MMM yyyy", CultureInfo.InvariantCulture) ?? "—",
            _ => v.Text ?? "—",
        };
    }
}
