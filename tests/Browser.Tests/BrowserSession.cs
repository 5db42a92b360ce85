using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CustomerDirectory.Browser.Tests;

/// <summary>One app and one browser for a test class; each test gets a fresh page via <see cref="NewPageAsync"/>.</summary>
/// <remarks>
/// At the end of each test, every page's address and text, the browser's console errors and the app's warnings and
/// errors go to the test's output, which the test runner prints only for a failed test: a failure in CI explains itself.
/// </remarks>
public abstract partial class BrowserSession(ITestOutputHelper output, int demoProfiles) : IAsyncLifetime
{
    public const string OwnerEmail = "owner@example.com";
    public const string OwnerPassword = "a long enough password";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    protected AppServer App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        // Expectations wait as long as actions (15 s, set per context below), not Playwright's 5 s: on a loaded 2-core CI
        // machine a page can take that long to follow a save, and a real fault still fails, later.
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        App = await AppServer.StartAsync(demoProfiles);
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await WriteDiagnosticsAsync();
        string[] blocked;
        lock (_console)
        {
            blocked = [.. _console.Where(m => m.Contains("Content Security Policy", StringComparison.Ordinal)
                && !_expectedBlocks.Any(d => m.Contains(d, StringComparison.Ordinal)))];
        }

        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        // Whatever the page did that our Content-Security-Policy blocked silently does not work for anyone.
        Assert.True(blocked.Length == 0, "The browser blocked something under the Content-Security-Policy:\n" + string.Join('\n', blocked));
    }

    /// <summary>A new browser context (its own cookies): another person at another computer.</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl, Locale = "en-GB" });
        context.SetDefaultTimeout(15_000);
        var person = _contexts.Count + 1;
        context.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (_console)
                {
                    _console.Add($"[browser {person}] {message.Type}: {message.Text}");
                }
            }
        };
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    // Every person's browser context, what their consoles reported, and the policy blocks a test expects.
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _console = [];
    private readonly List<string> _expectedBlocks = [];

    /// <summary>For a test of the policy itself: blocks under <paramref name="directive"/> are what it expects, not a fault.</summary>
    protected void ExpectBlockedBy(string directive) => _expectedBlocks.Add(directive);

    private async Task WriteDiagnosticsAsync()
    {
        try
        {
            var text = new StringBuilder();
            for (var i = 0; i < _contexts.Count; i++)
            {
                foreach (var page in _contexts[i].Pages)
                {
                    string body;
                    try
                    {
                        body = await page.Locator("body").InnerTextAsync(new() { Timeout = 3_000 });
                    }
                    catch (Exception e) when (e is PlaywrightException or TimeoutException)
                    {
                        body = $"(unreadable: {e.Message})";
                    }

                    text.Append("--- browser ").Append(i + 1).Append(" at ").AppendLine(page.Url).AppendLine(Tail(body, 1_500));
                }
            }

            lock (_console)
            {
                text.AppendLine("--- browser console errors and warnings").AppendJoin('\n', _console.TakeLast(30)).AppendLine();
            }

            text.AppendLine("--- app warnings and errors").AppendLine(Tail(App is null ? "" : AppServer.Problems(App.Output), 8_000));
            output.WriteLine(text.ToString());
        }
        catch (Exception e)
        {
            output.WriteLine($"(no diagnostics: {e.Message})"); // never hide the test's own failure behind this one
        }

        static string Tail(string s, int max) => s.Length <= max ? s : "…" + s[^max..];
    }

    private bool _ownerExists;

    /// <summary>
    /// A new browser context, signed in as the owner: the first call in a class completes first-run setup in the
    /// browser, later ones sign in (xunit runs a class's tests one after another).
    /// </summary>
    protected async Task<IPage> SignedInPageAsync()
    {
        var page = await NewPageAsync();
        if (_ownerExists)
        {
            await SignInAsync(page);
        }
        else
        {
            await SetUpOwnerAsync(page);
            _ownerExists = true;
        }

        return page;
    }

    /// <summary>Waits until the live (interactive) circuit has taken over the page, so clicks and typing reach the server.</summary>
    protected static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("main[data-interactive=true]").WaitForAsync();

    protected static async Task SignInAsync(IPage page, string email = OwnerEmail, string password = OwnerPassword)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/customers");
        await WaitForInteractiveAsync(page);
    }

    protected static async Task SetUpOwnerAsync(IPage page)
    {
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/setup");
        await page.GetByLabel("Your name").FillAsync("Olivia Owner");
        await page.GetByLabel("Email").FillAsync(OwnerEmail);
        await page.GetByLabel("Password").FillAsync(OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the owner account" }).ClickAsync();
        await page.WaitForURLAsync("**/customers");
        await WaitForInteractiveAsync(page);
    }

    /// <summary>A profile page's address (<c>/customers/42</c>).</summary>
    [GeneratedRegex(@"/customers/\d+$")]
    protected static partial Regex ProfileUrl();

    /// <summary>Creates a profile through the form, as staff at the counter would, and waits on its page until it is live.</summary>
    protected static async Task CreateProfileAsync(IPage page, string first, string last, string city, string? email = null)
    {
        await page.GotoAsync("/customers/new");
        await WaitForInteractiveAsync(page);
        await page.Locator("input[name=FirstName]").FillAsync(first);
        await page.Locator("input[name=LastName]").FillAsync(last);
        if (email is not null)
        {
            await page.Locator("input[name=Email]").FillAsync(email);
        }

        await page.Locator("input[name=City]").FillAsync(city);
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync(ProfileUrl());
        await WaitForInteractiveAsync(page);
    }

    /// <summary>The owner adds a member of staff in Settings → Staff and lets Directory choose the password; returns it.</summary>
    protected static async Task<string> AddStaffAsync(IPage owner, string name, string email, string role)
    {
        await owner.GotoAsync("/settings/staff");
        await WaitForInteractiveAsync(owner);
        await owner.GetByTestId("add-staff").ClickAsync();
        await owner.Locator("input[name=StaffName]").FillAsync(name);
        await owner.Locator("input[name=StaffEmail]").FillAsync(email);
        await owner.GetByTestId("new-staff-role").SelectOptionAsync(new SelectOptionValue { Label = role });
        await owner.GetByTestId("save-staff").ClickAsync();
        var password = await owner.GetByTestId("new-password").InputValueAsync();
        await owner.GetByTestId("password-done").ClickAsync();
        return password;
    }
}
