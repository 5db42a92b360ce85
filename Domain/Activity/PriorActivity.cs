namespace CustomerDirectory.Domain.Activity;

/// <summary>
/// A customer's history from before Directory, as an import supplies it ("12 visits, the last on 3 May; 5 orders,
/// 300 € in all"): kept on the profile and counted in its totals (<see cref="Customers.Customer.VisitCount"/>…), never
/// as visit or order rows, which Directory only has for what happened since. The totals stay recomputed from the rows,
/// plus this; the activity timeline lists the rows alone.
/// </summary>
public sealed record PriorActivity(
    int Visits = 0,
    DateTime? LastVisitAt = null,
    int Orders = 0,
    long SpentMinor = 0,
    DateTime? LastOrderAt = null,
    int Donations = 0,
    long DonatedMinor = 0,
    DateTime? LastDonationAt = null)
{
    public static readonly PriorActivity None = new();

    public bool IsNone => this == None;

    /// <summary>
    /// The same history, consistent: a last date or an amount means at least one visit, order or donation
    /// (a file that gives "last visit: 3 May" and no count says that they came at least once).
    /// </summary>
    public PriorActivity Normalized() => this with
    {
        Visits = LastVisitAt is null ? Visits : Math.Max(Visits, 1),
        Orders = LastOrderAt is null && SpentMinor == 0 ? Orders : Math.Max(Orders, 1),
        Donations = LastDonationAt is null && DonatedMinor == 0 ? Donations : Math.Max(Donations, 1),
    };

    /// <summary>Why this history cannot be kept, or null.</summary>
    public string? Error()
    {
        if (Visits < 0 || Orders < 0 || Donations < 0)
        {
            return "A number of visits, orders or donations cannot be negative.";
        }

        if (SpentMinor < 0 || DonatedMinor < 0)
        {
            return "An amount spent or donated cannot be negative.";
        }

        return SpentMinor > MaxTotalMinor || DonatedMinor > MaxTotalMinor
            ? "An amount before Directory can be at most 100,000,000."
            : null;
    }

    /// <summary>100,000,000.00: a lifetime total above this is a mistake in the file (a misplaced decimal separator).</summary>
    public const long MaxTotalMinor = 10_000_000_000;
}
