namespace CustomerDirectory.Domain.Customers;

public enum CustomerSort
{
    Name,
    Email,
    CreatedAt,
    TotalSpent,
    OrderCount,
    LastOrderAt,
    LastVisitAt,
    SubscribedAt,
}
