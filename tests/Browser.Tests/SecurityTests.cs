using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>
/// The Content-Security-Policy against the real app in Chromium: every screen still works (the circuit connects,
/// Radzen's grid, dropdowns and dialogs run), nothing is refused, and other sites cannot frame the app.
/// </summary>
public sealed partial class SecurityTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 30)
{
    /// <summary>What Chromium reports when the policy blocks something.</summary>
    private static bool IsViolation(string message) =>
        message.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Contains("Refused to", StringComparison.Ordinal);

    [Fact]
    public async Task EveryScreen_WorksUnderTheContentSecurityPolicy_AndTheAuditLogShowsWhatHappened()
    {
        var page = await NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (IsViolation(message.Text))
            {
                violations.Add($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => violations.Add($"{page.Url}: page error {error}");

        await SetUpOwnerAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/account/login");
        await SignInAsync(page);

        // The directory and a profile: edit it and see the History follow.
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("30 customers");
        await page.Locator("tr.rz-data-row a.customer-link").First.ClickAsync();
        await page.WaitForURLAsync("**/customers/*");
        await WaitForInteractiveAsync(page);
        await Expect(page.GetByTestId("history-panel")).ToBeVisibleAsync();
        await page.Locator("input[name=City]").FillAsync("Audit City");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("history-summary").First).ToContainTextAsync(": City");

        // Groups, settings, jobs, and the audit log with its filters.
        foreach (var path in new[] { "/groups", "/settings", "/settings/jobs", "/settings/tags" })
        {
            await page.GotoAsync(path);
            await WaitForInteractiveAsync(page);
        }

        await page.GotoAsync("/settings");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("audit-link").ClickAsync();
        await page.WaitForURLAsync("**/settings/audit");
        await Expect(page.GetByTestId("audit-action-cell").First).ToHaveTextAsync("profile.updated");
        await page.GetByTestId("audit-action").ClickAsync();
        await page.Locator(".rz-dropdown-item").Filter(new() { HasTextRegex = SignIns() }).ClickAsync();
        await Expect(page.GetByTestId("audit-action-cell").First).ToHaveTextAsync("sign-in.succeeded");
        await Expect(page.GetByTestId("audit-summary").First).ToContainTextAsync($"Signed in as {OwnerEmail} from 127.0.0.1");

        Assert.Empty(violations);
    }

    [Fact]
    public async Task AnotherSite_CannotFrameTheApp()
    {
        ExpectBlockedBy("frame-ancestors");
        var page = await NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("frame-ancestors", StringComparison.Ordinal) || message.Text.Contains("X-Frame-Options", StringComparison.Ordinal))
            {
                refused.Add(message.Text);
            }
        };

        await page.SetContentAsync($"<html><body><iframe id='app' src='{App.BaseUrl}/setup' width='800' height='600'></iframe></body></html>");
        await page.WaitForTimeoutAsync(2000);

        var frame = page.Frames.Single(f => f != page.MainFrame);
        Assert.DoesNotContain("Welcome to Directory", await SafeContentAsync(frame), StringComparison.Ordinal);
        Assert.NotEmpty(refused);
    }

    [GeneratedRegex(@"^\s*Sign-ins\s*$")]
    private static partial Regex SignIns();

    private static async Task<string> SafeContentAsync(IFrame frame)
    {
        try
        {
            return await frame.ContentAsync();
        }
        catch (PlaywrightException)
        {
            return ""; // the blocked frame has no document to read
        }
    }
}
