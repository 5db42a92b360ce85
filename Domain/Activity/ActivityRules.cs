using System.Globalization;

namespace CustomerDirectory.Domain.Activity;

/// <summary>Limits for recorded activity; the forms and the service both use them.</summary>
public static class ActivityRules
{
    /// <summary>Clocks drift; a visit "in the future" by less than this is accepted as now-ish.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Nothing before this is a real visit or order in a directory started this century.</summary>
    public static readonly DateTime Earliest = new(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public const int LocationMaxLength = 100;

    /// <summary>1,000,000.00 in the merchant's currency: anything above is a typing mistake.</summary>
    public const decimal MaxAmount = 1_000_000m;

    public static string? WhenError(string what, DateTime? atUtc, DateTime nowUtc)
    {
        if (atUtc is null)
        {
            return $"Enter the date and time of the {what}.";
        }

        if (atUtc > nowUtc + FutureTolerance)
        {
            return $"The {what} date is in the future.";
        }

        return atUtc < Earliest ? $"The {what} date is too far in the past." : null;
    }

    public static string? AmountError(decimal? amount) => amount switch
    {
        null => "Enter the amount.",
        < 0 => "The amount cannot be negative.",
        > MaxAmount => $"The amount can be at most {MaxAmount.ToString("N0", CultureInfo.InvariantCulture)}.",
        _ when decimal.Round(amount.Value, 2) != amount.Value => "The amount can have at most two decimals.",
        _ => null,
    };

    public static string? LocationError(string? location) =>
        Customers.ContactRules.Clean(location) is { Length: > LocationMaxLength }
            ? $"Location can be at most {LocationMaxLength} characters."
            : null;
}
