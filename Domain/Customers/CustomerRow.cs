namespace CustomerDirectory.Domain.Customers;

/// <summary>One line of the directory grid.</summary>
public sealed record CustomerRow(
    int Id,
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    DateTime CreatedAt,
    long TotalSpentMinor,
    int OrderCount,
    DateTime? LastOrderAt,
    DateTime? LastVisitAt,
    DateTime? EmailSubscribedAt);
