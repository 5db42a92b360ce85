using Microsoft.Extensions.Configuration;

namespace CustomerDirectory.Domain;

/// <summary>Facts about the merchant that rules and screens depend on (<c>Merchant:*</c>).</summary>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="TimeZone">The merchant's clock.</param>
/// <param name="Country">
/// ISO 3166 code of the country whose phone numbers are written without a country code (see <see cref="Customers.ContactRules.PhoneKey"/>).
/// </param>
public sealed record MerchantOptions(string Currency, TimeZoneInfo TimeZone, string Country = Customers.ContactRules.DefaultPhoneRegion)
{
    public static MerchantOptions From(IConfiguration configuration)
    {
        var currency = (configuration["Merchant:Currency"] ?? "EUR").Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw new InvalidOperationException($"Merchant:Currency must be a three-letter ISO 4217 code such as EUR, not '{currency}'.");
        }

        var zoneId = configuration["Merchant:TimeZone"];
        TimeZoneInfo zone;
        try
        {
            zone = string.IsNullOrWhiteSpace(zoneId) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(zoneId.Trim());
        }
        catch (TimeZoneNotFoundException)
        {
            throw new InvalidOperationException($"Merchant:TimeZone '{zoneId}' is not a known time zone; use an IANA name such as Europe/Paris.");
        }

        var country = (configuration["Merchant:Country"] ?? Customers.ContactRules.DefaultPhoneRegion).Trim().ToUpperInvariant();
        if (!Customers.ContactRules.IsPhoneRegion(country))
        {
            throw new InvalidOperationException($"Merchant:Country must be a two-letter ISO 3166 country code such as FR, not '{country}'.");
        }

        return new MerchantOptions(currency, zone, country);
    }

    /// <summary>A stored UTC time as the merchant's clock on the wall shows it.</summary>
    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone);

    /// <summary>A time typed on the merchant's clock, as UTC for storage.</summary>
    public DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZone);
}
