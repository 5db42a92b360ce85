using System.ComponentModel.DataAnnotations;

namespace CustomerDirectory.Domain.Customers;

/// <summary>
/// What a person types into the profile form. Validation runs the same <see cref="ContactRules"/>
/// that <see cref="Customer"/> enforces again on save, so the form shows exactly the errors the server would.
/// </summary>
public sealed class CustomerInput : IValidatableObject
{
    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? AddressLine { get; set; }

    public string? PostalCode { get; set; }

    public string? City { get; set; }

    public string? Country { get; set; }

    public DateOnly? Birthday { get; set; }

    /// <summary>A copy with the profile's current contact details in place of this input's.</summary>
    internal CustomerInput WithContactOf(Customer customer) => new()
    {
        FirstName = FirstName,
        LastName = LastName,
        Email = customer.Email,
        Phone = customer.Phone,
        AddressLine = customer.AddressLine,
        PostalCode = customer.PostalCode,
        City = customer.City,
        Country = customer.Country,
        Birthday = Birthday,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Errors().Select(e => new ValidationResult(e.Message, [e.Field]));

    /// <summary>Every broken rule, each with the field it belongs to.</summary>
    public IEnumerable<(string Field, string Message)> Errors()
    {
        if (ContactRules.NameError("First name", FirstName) is { } first)
        {
            yield return (nameof(FirstName), first);
        }

        if (ContactRules.NameError("Last name", LastName) is { } last)
        {
            yield return (nameof(LastName), last);
        }

        if (ContactRules.EmailError(Email) is { } email)
        {
            yield return (nameof(Email), email);
        }

        if (ContactRules.PhoneError(Phone) is { } phone)
        {
            yield return (nameof(Phone), phone);
        }

        if (ContactRules.TextError("Address", AddressLine, ContactRules.AddressLineMaxLength) is { } address)
        {
            yield return (nameof(AddressLine), address);
        }

        if (ContactRules.TextError("Postal code", PostalCode, ContactRules.PostalCodeMaxLength) is { } postalCode)
        {
            yield return (nameof(PostalCode), postalCode);
        }

        if (ContactRules.TextError("City", City, ContactRules.CityMaxLength) is { } city)
        {
            yield return (nameof(City), city);
        }

        if (ContactRules.TextError("Country", Country, ContactRules.CountryMaxLength) is { } country)
        {
            yield return (nameof(Country), country);
        }

        if (ContactRules.BirthdayError(Birthday, ContactRules.LatestBirthday()) is { } birthday)
        {
            yield return (nameof(Birthday), birthday);
        }
    }

    /// <summary>Throws the first broken rule as a <see cref="DomainException"/>.</summary>
    public void EnsureValid()
    {
        foreach (var (field, message) in Errors())
        {
            throw new DomainException(message, field);
        }
    }
}
