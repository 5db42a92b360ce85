namespace CustomerDirectory.Domain.Activity;

/// <summary>One purchase. Amounts are kept in minor units (cents) so sums are exact in any database.</summary>
public sealed class Order
{
    public int Id { get; private set; }

    public int CustomerId { get; private set; }

    public DateTime OrderedAt { get; private set; }

    public long AmountMinor { get; private set; }

    /// <summary>ISO 4217 code, e.g. EUR.</summary>
    public string Currency { get; private set; } = "";

    public OrderKind Kind { get; private set; }

    public DateTime CreatedAt { get; private set; }

    internal static Order Create(int customerId, DateTime orderedAtUtc, long amountMinor, string currency, OrderKind kind, DateTime nowUtc) => new()
    {
        CustomerId = customerId,
        OrderedAt = orderedAtUtc,
        AmountMinor = amountMinor,
        Currency = currency,
        Kind = kind,
        CreatedAt = nowUtc,
    };
}

public enum OrderKind
{
    OneOff,
    Recurring,
}
