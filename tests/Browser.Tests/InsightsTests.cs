using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>The insights page in a real browser against the real app, on demo data (three years of visits and orders).</summary>
public sealed class InsightsTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 300)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 30_000 };

    [Fact]
    public async Task Owner_SwitchesThePeriod_SelectsTwoRankedCustomers_AndAddsThemToANewGroup()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/insights");
        await WaitForInteractiveAsync(page);
        await Expect(page.GetByTestId("period-dates")).ToContainTextAsync("Last month:", new() { Timeout = Slow.Timeout });
        await Expect(page.GetByTestId("chart-new-returning").Locator("svg").First).ToBeVisibleAsync();

        // Last year always holds demo activity, whatever today's date.
        await page.GetByTestId("period").SelectOptionAsync(new SelectOptionValue { Label = "Last year" });
        var lastYear = (DateTime.UtcNow.Year - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.GetByTestId("period-dates")).ToHaveTextAsync($"Last year: 1 Jan {lastYear} – 31 Dec {lastYear}, Europe/Paris time", Slow);
        await Expect(page.GetByTestId("ranking-count")).ToContainTextAsync("Top 25 by total spent, last year", new() { Timeout = Slow.Timeout });
        var rows = page.GetByTestId("select-row");
        await Expect(rows.Nth(1)).ToBeVisibleAsync();

        await rows.Nth(0).CheckAsync();
        await rows.Nth(1).CheckAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("2 selected");
        await page.GetByTestId("add-to-group").ClickAsync();
        var dialog = page.GetByTestId("add-to-group-dialog");
        await dialog.GetByTestId("group-choice").SelectOptionAsync(new SelectOptionValue { Label = "New group…" });
        await dialog.GetByTestId("new-group-name").FillAsync("Best of last year");
        await Expect(dialog.GetByTestId("add-question")).ToHaveTextAsync("Add the 2 people selected to the new group “Best of last year”?");
        await dialog.GetByTestId("add-to-group-confirm").ClickAsync();

        await Expect(page.GetByTestId("group-added")).ToHaveTextAsync("2 added to Best of last year", Slow);
        await page.GotoAsync("/groups");
        await WaitForInteractiveAsync(page);
        var row = page.GetByTestId("group-row").Filter(new() { HasText = "Best of last year" });
        await Expect(row.GetByTestId("group-members")).ToHaveTextAsync("2", Slow);
    }
}
