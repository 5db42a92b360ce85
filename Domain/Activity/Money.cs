using System.Globalization;

namespace CustomerDirectory.Domain.Activity;

/// <summary>Amounts in minor units (cents), shown the way a merchant reads them.</summary>
public static class Money
{
    public static long ToMinor(decimal amount) => (long)decimal.Round(amount * 100m, 0, MidpointRounding.AwayFromZero);

    public static decimal FromMinor(long minor) => minor / 100m;

    public static string Format(long minor, string currency)
    {
        var symbol = currency switch
        {
            "EUR" => "€",
            "GBP" => "£",
            "USD" => "$",
            _ => null,
        };
        var amount = FromMinor(minor).ToString("#,0.00", CultureInfo.InvariantCulture);
        return symbol is null ? $"{amount} {currency}" : $"{symbol}{amount}";
    }
}
