using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CustomerDirectory.App.Tests.Integration;

/// <summary>The whole app in memory (real SQLite in a temp data folder, real Identity), without the demo data.</summary>
public sealed partial class DirectoryAppFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    private readonly TempFolder _folder = new();

    public string DataFolder => _folder.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DataFolder", _folder.Path);
        builder.UseSetting("Demo:SeedWhenEmpty", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests look at them).</summary>
    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>GETs a page with a form and POSTs it back with the antiforgery token, as a browser would.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, string action, string handler, IDictionary<string, string> fields)
    {
        var page = await client.GetAsync(formPage);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"No antiforgery token on {formPage}");
        var form = new Dictionary<string, string>(fields)
        {
            ["_handler"] = handler,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        };
        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public static Task<HttpResponseMessage> SetUpOwnerAsync(HttpClient client, string email = "owner@example.com", string password = "a long enough password") =>
        PostFormAsync(client, "/setup", "/setup", "setup", new Dictionary<string, string>
        {
            ["Input.Name"] = "Olivia Owner",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var action = "/account/login" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return PostFormAsync(client, action, action, "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _folder.Dispose();
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
