namespace CustomerDirectory.Domain.Customers;

/// <summary>A profile as the profile page shows it; <see cref="Version"/> goes back with the next save.</summary>
public sealed record CustomerDetails(
    int Id,
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version)
{
    public string FullName => $"{FirstName} {LastName}";

    public CustomerInput ToInput() => new() { FirstName = FirstName, LastName = LastName, Email = Email, Phone = Phone };
}
