namespace CustomerDirectory.Domain.Customers;

/// <summary>A profile as the profile page shows it; <see cref="Version"/> goes back with the next save.</summary>
public sealed record CustomerDetails(
    int Id,
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    string? AddressLine,
    string? PostalCode,
    string? City,
    string? Country,
    DateOnly? Birthday,
    CustomerSource Source,
    bool HasAccount,
    bool PhotoUploaded,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version,
    CustomerEngagement Engagement)
{
    public string FullName => $"{FirstName} {LastName}";

    public CustomerInput ToInput() => new()
    {
        FirstName = FirstName,
        LastName = LastName,
        Email = Email,
        Phone = Phone,
        AddressLine = AddressLine,
        PostalCode = PostalCode,
        City = City,
        Country = Country,
        Birthday = Birthday,
    };
}

/// <summary>The activity aggregates, as the profile's summary shows them; <see cref="Prior"/>: what of them is history from before Directory.</summary>
public sealed record CustomerEngagement(
    int VisitCount,
    DateTime? FirstVisitAt,
    DateTime? LastVisitAt,
    int OrderCount,
    long TotalSpentMinor,
    DateTime? FirstOrderAt,
    DateTime? LastOrderAt,
    int DonationCount = 0,
    long DonationTotalMinor = 0,
    DateTime? LastDonationAt = null,
    int ActiveMembershipCount = 0,
    int? LoyaltyPoints = null,
    Activity.PriorActivity? Prior = null)
{
    /// <summary>Derived from the two stored aggregates, so it cannot disagree with them.</summary>
    public long? AverageOrderMinor => OrderCount == 0 ? null : (long)Math.Round((decimal)TotalSpentMinor / OrderCount, MidpointRounding.AwayFromZero);
}
