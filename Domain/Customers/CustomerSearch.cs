using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.Domain.Customers;

/// <summary>A page of the directory: free text (name, email or phone), a filter, a sort and a window.</summary>
public sealed record CustomerSearch(
    string? Text = null,
    CustomerSort Sort = CustomerSort.Name,
    bool Descending = false,
    int Skip = 0,
    int Take = CustomerSearch.DefaultPageSize,
    FilterDefinition? Filter = null)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;
    public const int MaxTextLength = 200;
}
