using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CustomerDirectory.LiveHarness;

/// <summary>
/// The person who saves: a real Chromium page that creates the owner account and the profile everyone watches,
/// then keeps that profile open and renames it on demand.
/// </summary>
public sealed class Writer(IBrowserContext context, IPage page)
{
    /// <summary>The first name of the watched profile; the directory views search for it.</summary>
    public const string FirstName = "Livetarget";

    public IBrowserContext Context => context;

    /// <summary>The signed-in session (cookies), for other browsers and for the SignalR clients.</summary>
    public Task<string> StorageStateAsync() => context.StorageStateAsync();

    /// <summary>The sign-in cookie as a Cookie header.</summary>
    public async Task<string> CookieHeaderAsync() =>
        string.Join("; ", (await context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));

    public static async Task<Writer> SetUpAsync(IBrowser browser, string baseUrl)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/setup");
        await page.GetByLabel("Your name").FillAsync("Harness Owner");
        await page.GetByLabel("Email").FillAsync("harness@example.com");
        await page.GetByLabel("Password").FillAsync("harness password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the owner account" }).ClickAsync();
        await page.WaitForURLAsync("**/customers");
        await page.GotoAsync("/customers/new");
        await page.Locator("main[data-interactive=true]").WaitForAsync();
        await page.Locator("input[name=FirstName]").FillAsync(FirstName);
        await page.Locator("input[name=LastName]").FillAsync("Round0");
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/customers/\d+$"));
        await page.Locator("main[data-interactive=true]").WaitForAsync();
        return new Writer(context, page);
    }

    /// <summary>Renames the profile and presses Save; returns when (Unix ms, the page's clock) the click was made.</summary>
    public async Task<double> SaveAsync(string lastName)
    {
        await page.Locator("input[name=LastName]").FillAsync(lastName);
        var t0 = await page.EvaluateAsync<double>("() => Date.now()");
        await page.GetByTestId("save").ClickAsync();
        return t0;
    }
}
