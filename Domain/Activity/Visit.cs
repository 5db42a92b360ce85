namespace CustomerDirectory.Domain.Activity;

/// <summary>One time a person came in.</summary>
public sealed class Visit
{
    public int Id { get; private set; }

    public int CustomerId { get; private set; }

    public DateTime VisitedAt { get; private set; }

    /// <summary>Which shop, room or counter, when the merchant has several.</summary>
    public string? Location { get; private set; }

    public DateTime CreatedAt { get; private set; }

    internal static Visit Create(int customerId, DateTime visitedAtUtc, string? location, DateTime nowUtc) => new()
    {
        CustomerId = customerId,
        VisitedAt = visitedAtUtc,
        Location = location,
        CreatedAt = nowUtc,
    };
}
