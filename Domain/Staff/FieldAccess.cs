using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.Domain.Staff;

/// <summary>
/// Which profile fields a person may see. Without <see cref="Permission.ViewContactDetails"/> the contact fields, and
/// without <see cref="Permission.ViewFinancials"/> the money, order and donation fields (not loyalty points: the counter
/// gives and spends them), are masked everywhere data flows: rows
/// and profiles come back without them, the filter bar does not offer them, and a filter, sort or search that would
/// use them is refused, so no count can reveal them either.
/// </summary>
public sealed record FieldAccess(bool Contact, bool Financials)
{
    public static FieldAccess Everything { get; } = new(true, true);

    private static readonly HashSet<string> ContactFields =
    [
        FilterFields.Email, FilterFields.Phone, FilterFields.AddressLine, FilterFields.PostalCode, FilterFields.City, FilterFields.Country,
    ];

    private static readonly HashSet<string> FinancialFields =
    [
        FilterFields.OrderCount, FilterFields.TotalSpent, FilterFields.FirstOrderAt, FilterFields.LastOrderAt, FilterFields.OrdersInLast,
        FilterFields.SpentInLast, FilterFields.DonationCount, FilterFields.DonationTotal, FilterFields.LastDonationAt,
        FilterFields.DonationsInLast,
    ];

    public static FieldAccess Of(IReadOnlySet<Permission> permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return new(permissions.Contains(Permission.ViewContactDetails), permissions.Contains(Permission.ViewFinancials));
    }

    public bool SeesAll => Contact && Financials;

    public bool MaySee(string? fieldKey) => fieldKey is null
        || ((Contact || !ContactFields.Contains(fieldKey)) && (Financials || !FinancialFields.Contains(fieldKey)));

    public bool MaySort(CustomerSort sort) => sort switch
    {
        CustomerSort.Email => Contact,
        CustomerSort.TotalSpent or CustomerSort.OrderCount or CustomerSort.LastOrderAt => Financials,
        _ => true,
    };

    /// <summary>The catalog without the fields this person may not see (what their filter bar offers).</summary>
    public FilterCatalog Narrow(FilterCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return SeesAll ? catalog : new FilterCatalog([.. catalog.Fields.Where(f => MaySee(f.Key))]);
    }

    /// <summary>Refuses a filter that uses a field this person may not see.</summary>
    public void Check(FilterDefinition? filter)
    {
        if (!SeesAll && filter?.Root is { } root && FirstHidden(root) is { } field)
        {
            throw new ForbiddenException($"You may not filter on {Describe(field)}.");
        }
    }

    /// <summary>Refuses a sort on a field this person may not see.</summary>
    public void Check(CustomerSort sort)
    {
        if (!MaySort(sort))
        {
            throw new ForbiddenException("You may not sort by a field you cannot see.");
        }
    }

    public CustomerRow Mask(CustomerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var masked = Contact ? row : row with { Email = null, Phone = null };
        return Financials ? masked : masked with { TotalSpentMinor = 0, OrderCount = 0, LastOrderAt = null };
    }

    public CustomerDetails Mask(CustomerDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var masked = Contact ? details : details with { Email = null, Phone = null, AddressLine = null, PostalCode = null, City = null, Country = null };
        return Financials ? masked : masked with
        {
            Engagement = masked.Engagement with
            {
                OrderCount = 0, TotalSpentMinor = 0, FirstOrderAt = null, LastOrderAt = null, DonationCount = 0, DonationTotalMinor = 0,
                LastDonationAt = null,
                Prior = masked.Engagement.Prior is not { } prior ? null : prior with { Orders = 0, SpentMinor = 0, LastOrderAt = null, Donations = 0, DonatedMinor = 0, LastDonationAt = null },
            },
        };
    }

    private string? FirstHidden(FilterNode node) =>
        !MaySee(node.Field) ? node.Field : (node.Items ?? []).Select(FirstHidden).FirstOrDefault(f => f is not null);

    private static string Describe(string field) => ContactFields.Contains(field) ? "contact details" : "financials";
}
