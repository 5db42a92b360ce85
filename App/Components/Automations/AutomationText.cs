using System.Globalization;
using CustomerDirectory.Domain.Automations;

namespace CustomerDirectory.App.Components.Automations;

/// <summary>How the automation pages put an automation's choices into words, so the merchant sees what it will do.</summary>
internal static class AutomationText
{
    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Trigger(AutomationTrigger trigger) => trigger == AutomationTrigger.Entered ? "enters" : "leaves";

    public static string EventType(AutomationTrigger trigger) => trigger == AutomationTrigger.Entered ? "group.entered" : "group.left";

    /// <summary>The automation's semantics, one sentence each.</summary>
    public static IReadOnlyList<string> Explain(AutomationInput input, string? groupName, bool creating)
    {
        ArgumentNullException.ThrowIfNull(input);
        var group = string.IsNullOrWhiteSpace(groupName) ? "the group" : $"“{groupName}”";
        var lines = new List<string>
        {
            $"When someone {Trigger(input.Trigger)} {group}, a signed {EventType(input.Trigger)} webhook goes to the URL (within a second, retried for a day if it fails).",
        };
        if (input.Trigger == AutomationTrigger.Entered && creating)
        {
            lines.Add(input.IncludeCurrentMembers
                ? "The people already in the group are sent once, now; then everyone who enters."
                : "Only people who enter from now on are sent; the current members are not.");
        }

        lines.Add(input.Reentry switch
        {
            ReentryPolicy.Always => "Someone who comes back is sent again, every time.",
            ReentryPolicy.AfterCooldown => $"Someone already sent is sent again only {Number(input.CooldownDays)} days or more after the last time.",
            _ => "Each person is sent once, ever.",
        });
        lines.Add(input.CountRuleEdits
            ? "People moved by an edit of the group's rule are sent too."
            : "People moved by an edit of the group's rule are not sent.");
        lines.Add(input.CountImports
            ? "People moved by an import are sent too."
            : "People moved by an import are not sent (imports never fire automations unless you ask).");
        lines.Add($"If more than {Number(input.HoldThreshold)} would be sent at once (a rule edit, an import, a backfill), they are held until you send or discard them.");
        return lines;
    }

    public static string Status(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "Pending",
        DeliveryStatus.Held => "Held",
        DeliveryStatus.Delivered => "Delivered",
        DeliveryStatus.Failed => "Failed",
        _ => "Discarded",
    };

    public static Radzen.BadgeStyle StatusStyle(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Delivered => Radzen.BadgeStyle.Success,
        DeliveryStatus.Failed => Radzen.BadgeStyle.Danger,
        DeliveryStatus.Held => Radzen.BadgeStyle.Warning,
        DeliveryStatus.Pending => Radzen.BadgeStyle.Info,
        _ => Radzen.BadgeStyle.Light,
    };

    /// <summary>"rule_edit" → "rule edit": the cause as the log shows it.</summary>
    public static string Cause(string cause) => WebhookDispatcher.CauseName(cause).Replace('_', ' ');
}
