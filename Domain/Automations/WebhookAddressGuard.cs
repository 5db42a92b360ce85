using System.Net;
using System.Net.Sockets;

namespace CustomerDirectory.Domain.Automations;

/// <summary>
/// Keeps webhooks away from the machine and its network (SSRF): only http(s), and no loopback, private, link-local,
/// multicast or unspecified address unless <c>Automations:AllowedHosts</c> names it. Checked when an automation is
/// saved (the URL's host resolved) and again at every connection, on the address actually dialled, so a name that
/// later resolves somewhere else (DNS rebinding) is refused too.
/// </summary>
public sealed class WebhookAddressGuard(AutomationOptions options)
{
    /// <summary>What is wrong with the URL in words, or null when it may be used.</summary>
    public async Task<string?> ProblemWithAsync(string? url, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Enter the URL that receives the webhook.";
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "The URL must start with https:// (or http://) and name a host.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Put no user name or password in the URL; the signature proves who is calling.";
        }

        if (url.Trim().Length > Automation.UrlMaxLength)
        {
            return $"The URL is longer than {Automation.UrlMaxLength} characters.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, ct);
        }
        catch (SocketException)
        {
            return $"The host “{uri.Host}” cannot be found.";
        }

        if (addresses.Length == 0)
        {
            return $"The host “{uri.Host}” cannot be found.";
        }

        var refused = addresses.FirstOrDefault(a => !IsAllowed(uri.DnsSafeHost, a));
        return refused is null ? null
            : $"“{uri.Host}” is {(refused.ToString() == uri.DnsSafeHost ? "" : $"at {refused}, ")}a {Describe(refused)} address: webhooks go to the internet only (an administrator can allow it with Automations:AllowedHosts).";
    }

    /// <summary>Whether a connection to <paramref name="address"/> (for <paramref name="host"/>) may be made.</summary>
    public bool IsAllowed(string host, IPAddress address) => options.Allows(host, address) || Describe(address) is null;

    /// <summary>The kind of internal address (loopback, private…), or null for a public one.</summary>
    public static string? Describe(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => "unspecified",
                10 => "private",
                100 when b[1] is >= 64 and < 128 => "private", // carrier-grade NAT
                169 when b[1] == 254 => "link-local",
                172 when b[1] is >= 16 and < 32 => "private",
                192 when b[1] == 168 => "private",
                >= 224 and < 240 => "multicast",
                >= 240 => "reserved",
                _ => null,
            };
        }

        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
        {
            return "unspecified";
        }

        var bytes = address.GetAddressBytes();
        return address.IsIPv6LinkLocal ? "link-local"
            : address.IsIPv6Multicast ? "multicast"
            : address.IsIPv6SiteLocal || (bytes[0] & 0xFE) == 0xFC ? "private" // fc00::/7, unique local
            : null;
    }

    /// <summary>
    /// The handler's connect step: resolves the host, refuses internal addresses not on the allow-list, and dials the
    /// first allowed address (so what was checked is what is connected to).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(a => IsAllowed(host, a)).ToList();
        if (allowed.Count == 0)
        {
            throw new HttpRequestException($"Refused to connect to {host} ({string.Join(", ", addresses.Select(a => $"{a}: {Describe(a)}"))}): not a public address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. allowed], context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
