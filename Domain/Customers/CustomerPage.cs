namespace CustomerDirectory.Domain.Customers;

/// <summary>The rows of one page and how many match in all.</summary>
public sealed record CustomerPage(IReadOnlyList<CustomerRow> Rows, int Total);
