using System.Globalization;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Groups;

namespace CustomerDirectory.App.Components.Groups;

/// <summary>How the group pages write numbers, times and kinds.</summary>
internal static class GroupText
{
    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string When(MerchantOptions merchant, DateTime utc) =>
        merchant.ToLocal(utc).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);

    public static string Day(MerchantOptions merchant, DateTime utc) =>
        merchant.ToLocal(utc).ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Kind(GroupKind kind) => kind == GroupKind.Automated ? "Automated" : "Manual";

    /// <summary>"+37 entered, −12 left" (typographic minus, as the preview writes it).</summary>
    public static string Movement(int entered, int left, string enterVerb, string leaveVerb) =>
        $"+{Number(entered)} {enterVerb}, −{Number(left)} {leaveVerb}";
}
