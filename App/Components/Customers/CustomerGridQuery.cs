using CustomerDirectory.Domain.Customers;
using Radzen;

namespace CustomerDirectory.App.Components.Customers;

/// <summary>Turns what the grid asks for (page, sorted column) into a directory search.</summary>
internal static class CustomerGridQuery
{
    public static CustomerSearch ToSearch(string? text, LoadDataArgs args)
    {
        var sort = args.Sorts?.FirstOrDefault(s => s.SortOrder is not null);
        var by = sort?.Property switch
        {
            nameof(CustomerRow.Email) => CustomerSort.Email,
            nameof(CustomerRow.CreatedAt) => CustomerSort.CreatedAt,
            nameof(CustomerRow.TotalSpentMinor) => CustomerSort.TotalSpent,
            nameof(CustomerRow.OrderCount) => CustomerSort.OrderCount,
            nameof(CustomerRow.LastOrderAt) => CustomerSort.LastOrderAt,
            nameof(CustomerRow.LastVisitAt) => CustomerSort.LastVisitAt,
            nameof(CustomerRow.EmailSubscribedAt) => CustomerSort.SubscribedAt,
            _ => CustomerSort.Name,
        };
        return new CustomerSearch(
            Text: text,
            Sort: by,
            Descending: sort?.SortOrder == SortOrder.Descending,
            Skip: args.Skip ?? 0,
            Take: args.Top ?? CustomerSearch.DefaultPageSize);
    }
}
