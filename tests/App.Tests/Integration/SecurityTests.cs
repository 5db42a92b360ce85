using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Integration.DirectoryAppFactory;

namespace CustomerDirectory.App.Tests.Integration;

/// <summary>Sign-in events in the audit log, the sign-in rate limit, cookies and the security headers.</summary>
public sealed partial class SecurityTests : IDisposable
{
    private const string Password = "a long enough password";

    private readonly DirectoryAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<List<AuditEntry>> SignInLinesAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        return await db.AuditEntries.AsNoTracking().Where(a => a.Action.StartsWith("sign-")).OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task SignIn_FailedAndSucceeded_AreLoggedWithTheEmailAndAddress_NeverThePassword()
    {
        using (var owner = _app.NewClient())
        {
            await SetUpOwnerAsync(owner);
        }

        using var client = _app.NewClient();
        await SignInAsync(client, "owner@example.com", "not the password");
        await SignInAsync(client, "nobody@example.com\r\nsign-in.succeeded", "guess number one");
        await SignInAsync(client, "owner@example.com", Password);
        await PostFormAsync(client, "/customers", "/account/logout", "", new Dictionary<string, string>());

        var lines = await SignInLinesAsync();
        Assert.Equal(["sign-in.failed", "sign-in.failed", "sign-in.succeeded", "sign-out"], lines.Select(l => l.Action));
        Assert.Equal(["Not signed in", "Not signed in", "Olivia Owner", "Olivia Owner"], lines.Select(l => l.ActorName));
        Assert.Contains("wrong password", lines[0].Summary, StringComparison.Ordinal);
        Assert.Contains("no account for nobody@example.com␍␊sign-in.succeeded", lines[1].Summary, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains(AuditText.FromJson(l.Changes), c => c.Field == "IP address" && c.After is { Length: > 0 }));
        Assert.Equal("owner@example.com", Assert.Single(AuditText.FromJson(lines[0].Changes), c => c.Field == "Email").After);
        Assert.Equal(lines[2].ActorId, lines[0].RecordId); // the failed attempt is found on the account it tried
        Assert.DoesNotContain(lines, l => (l.Summary + l.Changes).Contains("guess number one", StringComparison.Ordinal) || (l.Summary + l.Changes).Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_MoreAttemptsThanTheLimitFromOneAddress_AreRefusedWith429()
    {
        using (var owner = _app.NewClient())
        {
            await SetUpOwnerAsync(owner);
        }

        using var client = _app.NewClient();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, $"stranger{i}@example.com", "guess")).StatusCode);
        }

        var refused = await SignInAsync(client, "owner@example.com", Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode); // only attempts are limited
        Assert.Equal(10, (await SignInLinesAsync()).Count); // the refused one never reached the password check
    }

    [Fact]
    public async Task SignIn_Cookie_IsHttpOnlyAndSameSiteLax()
    {
        using (var owner = _app.NewClient())
        {
            await SetUpOwnerAsync(owner);
        }

        using var client = _app.NewClient();
        var response = await SignInAsync(client, "owner@example.com", Password);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("directory.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/setup")]
    [InlineData("/health")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/app.css")]
    [InlineData("/no-such-page")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        using var client = _app.NewClient();

        var response = await client.GetAsync(path);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("camera=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_AllowTheirImportMapByItsHash_AndNoOtherInlineScript()
    {
        using var client = _app.NewClient();

        var response = await client.GetAsync("/setup");

        var html = await response.Content.ReadAsStringAsync();
        var importMap = ImportMap().Match(html);
        Assert.True(importMap.Success, "The page has no import map.");
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.Groups[1].Value)));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains($"script-src 'self' 'sha256-{hash}';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-inline'", csp.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [GeneratedRegex("<script type=\"importmap\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ImportMap();
}
