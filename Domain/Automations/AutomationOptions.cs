using System.Net;
using Microsoft.Extensions.Configuration;

namespace CustomerDirectory.Domain.Automations;

/// <summary>
/// <c>Automations:*</c>: the hosts or addresses webhooks may reach although they are loopback or private
/// (<c>AllowedHosts</c>, e.g. <c>["127.0.0.1"]</c> for a receiver on the same machine), the time a receiver has to
/// answer, and how long a failing delivery is retried.
/// </summary>
public sealed record AutomationOptions(IReadOnlySet<string> AllowedHosts, TimeSpan Timeout, TimeSpan RetryFor)
{
    public static AutomationOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Automations");
        var hosts = section.GetSection("AllowedHosts").Get<string[]>() ?? [];
        var timeout = section.GetValue("TimeoutSeconds", 10);
        var retryHours = section.GetValue("RetryHours", 24.0);
        if (timeout is < 1 or > 120)
        {
            throw new InvalidOperationException($"Automations:TimeoutSeconds must be between 1 and 120, not {timeout}.");
        }

        return new AutomationOptions(
            hosts.Select(h => h.Trim()).Where(h => h.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase),
            TimeSpan.FromSeconds(timeout),
            TimeSpan.FromHours(retryHours));
    }

    /// <summary>Whether the host name, or the address it resolved to, is on the allow-list.</summary>
    public bool Allows(string host, IPAddress? address) =>
        AllowedHosts.Contains(host.Trim('[', ']')) || (address is not null && (AllowedHosts.Contains(address.ToString())
            || (address.IsIPv4MappedToIPv6 && AllowedHosts.Contains(address.MapToIPv4().ToString()))));
}
