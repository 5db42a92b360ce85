using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Views;

/// <summary>A saved view as lists and menus show it, with what is needed to open it.</summary>
public sealed record SavedViewSummary(
    int Id,
    string Name,
    string FilterJson,
    string? Text,
    CustomerSort? Sort,
    bool Descending,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt);
