using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CustomerDirectory.Domain.Automations;

/// <summary>
/// The signature every webhook carries: <c>Directory-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of
/// "{t}.{body}" keyed with the endpoint's secret&gt;</c>. A receiver recomputes it over the raw body, compares in
/// constant time, and refuses a timestamp more than five minutes old (a replay).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Directory-Signature";
    public const string EventIdHeader = "Directory-Event-Id";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long unixSeconds, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>What a receiver does (and the tests): true when the header is valid for the body and recent enough.</summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now)
    {
        if (header is null)
        {
            return false;
        }

        long? t = null;
        string? v1 = null;
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv is ["t", var ts] && long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                t = parsed;
            }
            else if (kv is ["v1", var hex])
            {
                v1 = hex;
            }
        }

        if (t is not { } stamp || v1 is null || Math.Abs(now.ToUnixTimeSeconds() - stamp) > Tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Sign(secret, stamp, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes($"t={stamp.ToString(CultureInfo.InvariantCulture)},v1={v1}"));
    }
}
