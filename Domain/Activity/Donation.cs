namespace CustomerDirectory.Domain.Activity;

/// <summary>A gift to the merchant (a charity, a club). Amounts in minor units, like orders.</summary>
public sealed class Donation
{
    public int Id { get; private set; }

    public int CustomerId { get; private set; }

    public DateTime DonatedAt { get; private set; }

    public long AmountMinor { get; private set; }

    public string Currency { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    internal static Donation Create(int customerId, DateTime donatedAtUtc, long amountMinor, string currency, DateTime nowUtc) => new()
    {
        CustomerId = customerId,
        DonatedAt = donatedAtUtc,
        AmountMinor = amountMinor,
        Currency = currency,
        CreatedAt = nowUtc,
    };
}

/// <summary>A plan a person subscribes to (a gym membership, a salon package).</summary>
public sealed class Membership
{
    public const int PlanMaxLength = 60;

    public int Id { get; private set; }

    public int CustomerId { get; private set; }

    public string Plan { get; private set; } = "";

    public MembershipStatus Status { get; private set; }

    public DateTime StartedAt { get; private set; }

    public bool Recurring { get; private set; }

    /// <summary>What the plan costs per period (recurring) or once, in minor units.</summary>
    public long RateMinor { get; private set; }

    public string Currency { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    internal static Membership Create(int customerId, string plan, DateTime startedAtUtc, bool recurring, long rateMinor, string currency, DateTime nowUtc) => new()
    {
        CustomerId = customerId,
        Plan = plan,
        Status = MembershipStatus.Active,
        StartedAt = startedAtUtc,
        Recurring = recurring,
        RateMinor = rateMinor,
        Currency = currency,
        CreatedAt = nowUtc,
        UpdatedAt = nowUtc,
    };

    internal void SetStatus(MembershipStatus status, DateTime nowUtc)
    {
        Status = status;
        UpdatedAt = nowUtc;
    }
}

public enum MembershipStatus
{
    Active,
    Paused,
    Cancelled,
}

public sealed class DonationInput
{
    public DateTime? At { get; set; }

    public decimal? Amount { get; set; }
}

public sealed class MembershipInput
{
    public string? Plan { get; set; }

    public DateTime? StartedAt { get; set; }

    public bool Recurring { get; set; } = true;

    public decimal? Rate { get; set; }
}

public sealed record MembershipView(int Id, string Plan, MembershipStatus Status, DateTime StartedAt, bool Recurring, long RateMinor, string Currency);

/// <summary>A person's place in the loyalty programme.</summary>
public sealed record LoyaltyView(bool Enrolled, DateTime? EnrolledAt, int Points, int? RewardThreshold)
{
    public bool RewardReached => Enrolled && RewardThreshold is { } threshold && Points >= threshold;
}
