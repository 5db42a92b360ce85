using Microsoft.Extensions.Configuration;

namespace CustomerDirectory.Domain;

/// <summary>Facts about the merchant that rules depend on (<c>Merchant:*</c>).</summary>
public sealed record MerchantOptions(string Currency)
{
    public static MerchantOptions From(IConfiguration configuration)
    {
        var currency = (configuration["Merchant:Currency"] ?? "EUR").Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw new InvalidOperationException($"Merchant:Currency must be a three-letter ISO 4217 code such as EUR, not '{currency}'.");
        }

        return new MerchantOptions(currency);
    }
}
