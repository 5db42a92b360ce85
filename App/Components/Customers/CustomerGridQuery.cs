using CustomerDirectory.Domain.Customers;
using Radzen;

namespace CustomerDirectory.App.Components.Customers;

/// <summary>Turns what the grid asks for (page, sorted column) into a directory search, and back and forth to the URL.</summary>
internal static class CustomerGridQuery
{
    // Short, stable names for the address bar ("?sort=spent&desc=1&page=3").
    private static readonly Dictionary<string, string> UrlNames = new(StringComparer.Ordinal)
    {
        [nameof(CustomerRow.LastName)] = "name",
        [nameof(CustomerRow.Email)] = "email",
        [nameof(CustomerRow.CreatedAt)] = "created",
        [nameof(CustomerRow.TotalSpentMinor)] = "spent",
        [nameof(CustomerRow.OrderCount)] = "orders",
        [nameof(CustomerRow.LastOrderAt)] = "lastorder",
        [nameof(CustomerRow.LastVisitAt)] = "lastvisit",
        [nameof(CustomerRow.EmailSubscribedAt)] = "subscribed",
    };

    // The directory sort each sortable column asks for.
    private static readonly Dictionary<string, CustomerSort> Sorts = new(StringComparer.Ordinal)
    {
        [nameof(CustomerRow.LastName)] = CustomerSort.Name,
        [nameof(CustomerRow.Email)] = CustomerSort.Email,
        [nameof(CustomerRow.CreatedAt)] = CustomerSort.CreatedAt,
        [nameof(CustomerRow.TotalSpentMinor)] = CustomerSort.TotalSpent,
        [nameof(CustomerRow.OrderCount)] = CustomerSort.OrderCount,
        [nameof(CustomerRow.LastOrderAt)] = CustomerSort.LastOrderAt,
        [nameof(CustomerRow.LastVisitAt)] = CustomerSort.LastVisitAt,
        [nameof(CustomerRow.EmailSubscribedAt)] = CustomerSort.SubscribedAt,
    };

    /// <summary>The directory sort a URL sort name stands for; null when none is chosen (or it is unknown).</summary>
    public static CustomerSort? SortOf(string? urlName) => ColumnFor(urlName) is { } column ? Sorts[column] : null;

    /// <summary>The URL sort name of a directory sort (a saved view's); null for none.</summary>
    public static string? UrlNameOf(CustomerSort? sort) =>
        sort is { } s && Sorts.FirstOrDefault(p => p.Value == s).Key is { } column ? UrlNames[column] : null;

    /// <summary>The grid column a URL sort name stands for; null for the default (name) or anything unknown.</summary>
    public static string? ColumnFor(string? urlName) =>
        UrlNames.FirstOrDefault(p => string.Equals(p.Value, urlName, StringComparison.OrdinalIgnoreCase)).Key;

    /// <summary>The URL state of a grid request: sort name (null = default), descending, 1-based page.</summary>
    public static (string? Sort, bool Descending, int Page) ToUrl(LoadDataArgs args)
    {
        var sort = args.Sorts?.FirstOrDefault(s => s.SortOrder is not null);
        var name = sort?.Property is { } property && UrlNames.TryGetValue(property, out var n) ? n : null;
        var take = args.Top is > 0 ? args.Top.Value : CustomerSearch.DefaultPageSize;
        return (name, sort?.SortOrder == SortOrder.Descending, ((args.Skip ?? 0) / take) + 1);
    }

    public static CustomerSearch ToSearch(string? text, LoadDataArgs args)
    {
        var sort = args.Sorts?.FirstOrDefault(s => s.SortOrder is not null);
        var by = sort?.Property is { } property && Sorts.TryGetValue(property, out var s) ? s : CustomerSort.Name;
        return new CustomerSearch(
            Text: text,
            Sort: by,
            Descending: sort?.SortOrder == SortOrder.Descending,
            Skip: args.Skip ?? 0,
            Take: args.Top ?? CustomerSearch.DefaultPageSize);
    }
}
