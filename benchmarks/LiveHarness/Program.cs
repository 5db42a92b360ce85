// Live-update harness: N real Chromium pages watch the directory while one person saves a profile.
// Prints the time from pressing Save to each watcher's DOM showing the change, and the server memory per idle
// directory circuit. It asserts nothing.
//
//   dotnet run -c Release --project benchmarks/LiveHarness -- [--watchers 20,50,100] [--rounds 10]
using System.Diagnostics;
using System.Globalization;
using CustomerDirectory.Browser.Tests;
using Microsoft.Playwright;

var watcherCounts = (Arg("--watchers") ?? "20,50,100").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var rounds = int.Parse(Arg("--rounds") ?? "10", CultureInfo.InvariantCulture);

await using var app = await AppServer.StartAsync(demoProfiles: 2000);
var (playwright, browser) = await Chromium.LaunchAsync();
using var _ = playwright;
await using var __ = browser;
Console.WriteLine(Invariant($"App at {app.BaseUrl}, pid {app.ProcessId}; {Environment.ProcessorCount} cores"));

// The writer: sets up the owner, creates the person everyone watches, and keeps the profile open.
var writerContext = await browser.NewContextAsync(new() { BaseURL = app.BaseUrl });
var writer = await writerContext.NewPageAsync();
await writer.GotoAsync("/setup");
await writer.GetByLabel("Your name").FillAsync("Harness Owner");
await writer.GetByLabel("Email").FillAsync("harness@example.com");
await writer.GetByLabel("Password").FillAsync("harness password");
await writer.GetByRole(AriaRole.Button, new() { Name = "Create the owner account" }).ClickAsync();
await writer.WaitForURLAsync("**/customers");
await writer.GotoAsync("/customers/new");
await writer.Locator("main[data-interactive=true]").WaitForAsync();
await writer.Locator("input[name=FirstName]").FillAsync("Livetarget");
await writer.Locator("input[name=LastName]").FillAsync("Round0");
await writer.GetByTestId("save").ClickAsync();
await writer.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/customers/\d+$"));
var state = await writerContext.StorageStateAsync();

var watchers = new List<IPage>();
var round = 0;
foreach (var target in watcherCounts)
{
    var before = app.ResidentBytes();
    var watch = Stopwatch.StartNew();
    while (watchers.Count < target)
    {
        // Each watcher is its own browser context (its own circuit), signed in with the writer's cookie.
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseUrl, StorageState = state });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/customers?q=Livetarget");
        await page.Locator("main[data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("tr.rz-data-row").First.WaitForAsync(new() { Timeout = 60_000 });
        watchers.Add(page);
    }

    await Task.Delay(3000); // let the circuits go idle
    var after = app.ResidentBytes();
    Console.WriteLine();
    Console.WriteLine(Invariant($"{target} open directory views (opened in {watch.Elapsed.TotalSeconds:F0} s); server RSS {after / 1048576.0:F0} MB"));
    if (watchers.Count == watcherCounts[0] || before > 0)
    {
        Console.WriteLine(Invariant($"  memory: +{(after - before) / 1048576.0:F1} MB for the views opened in this step (server RSS, includes page prerenders)"));
    }

    var latencies = new List<double>();
    for (var r = 0; r < rounds; r++)
    {
        round++;
        var expected = $"Round{round}";
        // Each watcher notes the moment the new name appears in its grid.
        await Task.WhenAll(watchers.Select(w => w.EvaluateAsync("""
            (text) => {
              window.__seen = 0;
              const check = () => { if (!window.__seen && document.querySelector('.customer-grid')?.innerText.includes(text)) { window.__seen = Date.now(); } };
              new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
            }
            """, expected)));
        await writer.Locator("input[name=LastName]").FillAsync(expected);
        var t0 = await writer.EvaluateAsync<double>("() => Date.now()");
        await writer.GetByTestId("save").ClickAsync();
        var deadline = Stopwatch.StartNew();
        foreach (var w in watchers)
        {
            double seen;
            while ((seen = await w.EvaluateAsync<double>("() => window.__seen")) == 0 && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            latencies.Add(seen == 0 ? double.PositiveInfinity : seen - t0);
        }
    }

    latencies.Sort();
    double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
    Console.WriteLine(Invariant($"  Save → other browsers' DOM: p50 {P(0.5):F0} ms, p95 {P(0.95):F0} ms, max {latencies[^1]:F0} ms ({latencies.Count} observations, {rounds} saves)"));
}

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
