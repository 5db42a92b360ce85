using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.App.Components.Customers;

/// <summary>The directory's sorts by their short, stable names in the address bar ("?sort=spent&amp;desc=1&amp;page=3").</summary>
internal static class CustomerGridQuery
{
    private static readonly Dictionary<string, CustomerSort> Sorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = CustomerSort.Name,
        ["email"] = CustomerSort.Email,
        ["created"] = CustomerSort.CreatedAt,
        ["spent"] = CustomerSort.TotalSpent,
        ["orders"] = CustomerSort.OrderCount,
        ["lastorder"] = CustomerSort.LastOrderAt,
        ["lastvisit"] = CustomerSort.LastVisitAt,
        ["subscribed"] = CustomerSort.SubscribedAt,
    };

    /// <summary>The directory sort a URL sort name stands for; null when none is chosen (or it is unknown).</summary>
    public static CustomerSort? SortOf(string? urlName) => urlName is not null && Sorts.TryGetValue(urlName, out var sort) ? sort : null;

    /// <summary>The URL sort name of a directory sort (a saved view's); null for none.</summary>
    public static string? UrlNameOf(CustomerSort? sort) => sort is { } s ? Sorts.First(p => p.Value == s).Key : null;
}
