using System.Globalization;
using System.Threading.RateLimiting;
using CustomerDirectory.Domain.ApiKeys;
using Microsoft.AspNetCore.RateLimiting;

namespace CustomerDirectory.App.Api;

/// <summary>
/// <see cref="ApiOptions.RequestsPerMinute"/> calls per key and minute (a fixed window), then 429 with Retry-After.
/// The limiter runs before the key is looked up (it protects that lookup too), so it counts per presented key (its
/// hash, the value the database stores) and, for calls without a well-formed key, per remote address.
/// </summary>
internal sealed class ApiRateLimitPolicy(ApiOptions options) : IRateLimiterPolicy<string>
{
    public const string Name = "api";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (rejected, ct) =>
    {
        var response = rejected.HttpContext.Response;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ApiProblems.Problem(StatusCodes.Status429TooManyRequests, "Too many requests.",
            $"This API key made too many calls in the last minute. Try again in {seconds} s.").ExecuteAsync(rejected.HttpContext);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var header = httpContext.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var partition = ApiKeySecret.IsWellFormed(token)
            ? "key:" + ApiKeySecret.Hash(token!)
            : "address:" + (httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.RequestsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }
}
