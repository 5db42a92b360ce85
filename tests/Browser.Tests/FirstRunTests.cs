using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>A brand-new install with the demo merchant: the path a new owner walks on day one.</summary>
public sealed class FirstRunTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 200)
{
    [Fact]
    public async Task Owner_SetsUp_SignsIn_FindsACustomer_EditsThem_AndSeesTheChangeInTheList()
    {
        var page = await NewPageAsync();

        // First run: any address leads to setup; creating the owner signs them in.
        await SetUpOwnerAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/account/login");
        await SignInAsync(page);

        // The directory: the demo merchant's customers, a page at a time.
        var rows = page.Locator("tr.rz-data-row");
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("200 customers");
        await Expect(rows).ToHaveCountAsync(25);

        // Search for the first customer by "last first", in lower case.
        var name = (await rows.First.Locator("a.customer-link").InnerTextAsync()).Trim();
        var (first, last) = (name[..name.IndexOf(' ', StringComparison.Ordinal)], name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        await page.GetByTestId("search").FillAsync($"{last} {first}".ToLowerInvariant());
        await page.WaitForURLAsync(new Regex(@"/customers\?q="));
        await Expect(page.GetByTestId("result-count")).Not.ToHaveTextAsync("200 customers");
        foreach (var row in await rows.AllAsync())
        {
            await Expect(row).ToContainTextAsync(last);
        }

        // Open the profile and change the last name.
        await rows.Locator("a.customer-link", new() { HasTextString = name }).First.ClickAsync();
        await page.WaitForURLAsync(ProfileUrl());
        await Expect(page.Locator("h1")).ToHaveTextAsync(name);
        var edited = $"Renamed{Guid.NewGuid().ToString("N")[..6]}";
        await page.Locator("input[name=LastName]").FillAsync(edited);
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync($"{first} {edited}");
        await Expect(page.GetByText("Changes saved")).ToBeVisibleAsync();

        // Back to the list: the search is still there, and the list shows the new name.
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/customers\?q="));
        await Expect(page.GetByTestId("search")).ToHaveValueAsync($"{last} {first}".ToLowerInvariant());
        await page.GetByTestId("search").FillAsync(edited);
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("1 customer");
        await Expect(rows.First).ToContainTextAsync($"{first} {edited}");

        // Sort and page live in the address: leave for a profile and come back to the same view.
        await page.GetByTestId("search").FillAsync("");
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("200 customers");
        // Each click once the grid shows the last one's arrow, as a person sees it: a second click landing while the
        // first one's page loads is not a descending sort (it failed a CI run as "sort=spent", ascending).
        var spent = page.Locator("th", new() { HasTextString = "Total spent" });
        await spent.ClickAsync();
        await Expect(spent.Locator(".rzi-sort-asc")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"sort=spent$"));
        await spent.ClickAsync();
        await Expect(spent.Locator(".rzi-sort-desc")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"sort=spent&desc=1$"));
        await page.Locator(".rz-pager-page", new() { HasTextString = "2" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"sort=spent&desc=1&page=2"));
        var firstOnPage2 = (await rows.First.Locator("a.customer-link").InnerTextAsync()).Trim();
        await rows.First.Locator("a.customer-link").ClickAsync();
        await page.WaitForURLAsync(ProfileUrl());
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"sort=spent&desc=1&page=2"));
        await Expect(page.Locator(".rz-pager-page.rz-state-active")).ToHaveTextAsync("2");
        await Expect(rows.First.Locator("a.customer-link")).ToHaveTextAsync(firstOnPage2);

        // A fresh load of that address (a shared link, or after the connection was lost) shows the same view.
        await page.ReloadAsync();
        await WaitForInteractiveAsync(page);
        await Expect(page.Locator(".rz-pager-page.rz-state-active")).ToHaveTextAsync("2");
        await Expect(rows.First.Locator("a.customer-link")).ToHaveTextAsync(firstOnPage2);
    }
}
