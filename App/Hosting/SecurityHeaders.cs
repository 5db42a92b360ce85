using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using CustomerDirectory.App.Account;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;

namespace CustomerDirectory.App.Hosting;

/// <summary>
/// Browser-side hardening on every response (CSP, no framing, no sniffing, no referrer to other sites, no device
/// APIs) and a per-address limit on sign-in attempts, on top of Identity's per-account lockout.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// What the pages may load: only this site's scripts (blazor.web.js, Radzen.Blazor.js; no inline script but the
    /// import map, allowed by its hash, see <see cref="PolicyFor"/>; no eval; the circuit's WebSocket is 'self'), styles from this site plus inline ones (Radzen and Blazor set
    /// <c>style</c> attributes and the reconnect UI adds a style element), images and fonts from here or data: URLs
    /// (Radzen's icons). Forms post only here; no plugins; nobody may frame the app (clickjacking).
    /// Verified in Chromium by the browser tests (they fail on any CSP violation).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

    /// <summary>
    /// Cookies out of scripts' reach (HttpOnly), not sent with cross-site requests (SameSite: Lax for the sign-in
    /// cookie, so a link from an email still opens the app signed in; Strict for antiforgery), and Secure whenever the
    /// request came over HTTPS (SameAsRequest: the app also runs on http://127.0.0.1). Then the sign-in rate limit:
    /// attempts per address and minute (<c>Security:SignInAttemptsPerMinute</c>, default 10). Lockout stops guessing
    /// one account's password; this slows one address trying many accounts. Behind a reverse proxy every request
    /// comes from the proxy's address unless forwarded headers are configured.
    /// </summary>
    public static IServiceCollection AddSecurityHardening(this IServiceCollection services, IConfiguration configuration)
    {
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        var permits = configuration.GetValue("Security:SignInAttemptsPerMinute", 10);
        return services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignInAttempt(context)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (rejected, ct) =>
            {
                var response = rejected.HttpContext.Response;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync(TooManyAttemptsPage, ct);
            };
        });
    }

    /// <summary>Adds the headers to every response, pages, files and errors alike.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = PolicyFor(context);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers["Permissions-Policy"] = PermissionsPolicy;
                return Task.CompletedTask;
            });
            await next(context);
        });

    /// <summary>
    /// The policy, allowing the one inline script pages have: the import map (<c>&lt;ImportMap /&gt;</c> in App.razor),
    /// which maps file names to their fingerprinted versions and changes with every build. It is rendered from the
    /// endpoint's <see cref="ImportMapDefinition"/>, so its hash is computed from the same definition per response.
    /// </summary>
    private static string PolicyFor(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ImportMapDefinition>() is not { } importMap)
        {
            return ContentSecurityPolicy;
        }

        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.ToString())));
        return ContentSecurityPolicy.Replace("script-src 'self'", $"script-src 'self' 'sha256-{hash}'", StringComparison.Ordinal);
    }

    private static bool IsSignInAttempt(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(AccountPaths.Login, StringComparison.OrdinalIgnoreCase);

    private const string TooManyAttemptsPage = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Too many attempts · Directory</title></head>
        <body><h1>Too many sign-in attempts</h1>
        <p>Too many sign-in attempts came from your address. Wait a minute, then <a href="/account/login">try again</a>.</p>
        </body></html>
        """;
}
