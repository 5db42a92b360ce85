namespace CustomerDirectory.Domain.Activity;

/// <summary>The "record a visit" form. <see cref="At"/> is UTC; empty means now.</summary>
public sealed class VisitInput
{
    public DateTime? At { get; set; }

    public string? Location { get; set; }
}

/// <summary>The "record an order" form. <see cref="At"/> is UTC; empty means now.</summary>
public sealed class OrderInput
{
    public DateTime? At { get; set; }

    public decimal? Amount { get; set; }

    public OrderKind Kind { get; set; }
}

public enum ActivityKind
{
    Visit,
    Order,
    Donation,
}

/// <summary>One line of a profile's timeline.</summary>
public sealed record ActivityEntry(ActivityKind Kind, int Id, DateTime At, string? Location, long? AmountMinor, string? Currency, OrderKind? OrderKind);

public sealed record ActivityPage(IReadOnlyList<ActivityEntry> Entries, int Total);
