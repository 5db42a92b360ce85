using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Views;

/// <summary>What to save as a view: its name, the filter (as JSON), and optionally the search text and sort.</summary>
public sealed record SavedViewInput(string? Name, string? FilterJson, string? Text = null, CustomerSort? Sort = null, bool Descending = false);
