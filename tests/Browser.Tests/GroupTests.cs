using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>Automated groups, in a real browser against the real app.</summary>
public sealed partial class GroupTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 0)
{
    [Fact]
    public async Task Owner_CreatesAnAutomatedGroup_SeesItsMembers_AndItsPageFollowsANewMatchingProfileLive()
    {
        var page = await SignedInPageAsync();
        foreach (var (first, city) in new[] { ("Ana", "Lyon"), ("Ben", "Paris"), ("Cy", "Lyon") })
        {
            await CreateProfileAsync(page, first, "Grouper", city);
        }

        // From the groups page: the predefined groups are there once the app has prepared them.
        await page.GotoAsync("/groups");
        await WaitForInteractiveAsync(page);
        await Expect(page.GetByTestId("group-link").Filter(new() { HasText = "Regulars" })).ToBeVisibleAsync();
        await page.GetByTestId("new-automated-group").ClickAsync();
        await Expect(page).ToHaveURLAsync(NewAutomatedUrl(), new() { Timeout = 30_000 });

        // Name, rule, preview, save.
        await page.GetByTestId("group-name").FillAsync("Lyon Groupers");
        var rule = page.GetByTestId("rule-editor");
        await rule.GetByTestId("add-condition").Last.ClickAsync();
        await FillConditionAsync(rule.GetByTestId("filter-condition").Last, "City", "is", "Lyon");
        await Expect(rule.GetByTestId("filter-sentence")).ToHaveTextAsync("City is \"Lyon\"");
        await page.GetByTestId("preview").ClickAsync();
        await Expect(page.GetByTestId("preview-summary")).ToHaveTextAsync("+2 enter, −0 leave, 2 members after");
        await Expect(page.GetByTestId("preview-entering").GetByTestId("person-link")).ToHaveTextAsync(["Ana Grouper", "Cy Grouper"]);
        await page.GetByTestId("save-group").ClickAsync();
        await page.WaitForURLAsync(GroupUrl());

        var members = page.GetByTestId("stat-members").Locator(".engagement-value");
        var names = page.GetByTestId("member-link");
        await Expect(page.GetByTestId("group-title")).ToHaveTextAsync("Lyon Groupers");
        await Expect(page.GetByTestId("rule-sentence")).ToContainTextAsync("City is \"Lyon\"");
        await Expect(members).ToHaveTextAsync("2");
        await Expect(names).ToHaveTextAsync(["Ana Grouper", "Cy Grouper"]);

        // Someone at another computer adds a customer in Lyon: the open group page follows without a reload.
        var colleague = await NewPageAsync();
        await SignInAsync(colleague);
        await CreateProfileAsync(colleague, "Dee", "Grouper", "Lyon");

        await Expect(members).ToHaveTextAsync("3");
        await Expect(names).ToHaveTextAsync(["Ana Grouper", "Cy Grouper", "Dee Grouper"]);
        await Expect(page.GetByTestId("stat-entered-7").Locator(".engagement-value")).ToHaveTextAsync("3");

        // And the list of groups says so too.
        await colleague.GotoAsync("/groups");
        await WaitForInteractiveAsync(colleague);
        var row = colleague.GetByTestId("group-row").Filter(new() { HasText = "Lyon Groupers" });
        await Expect(row.GetByTestId("group-members")).ToHaveTextAsync("3");
        await Expect(row.GetByTestId("group-status")).ToHaveAttributeAsync("data-status", "UpToDate");
    }

    [Fact]
    public async Task AVisitAtOneBrowser_MovesTheCustomerIntoRegulars_AndTheOtherBrowsersGroupPageCountsThem()
    {
        var alice = await SignedInPageAsync();
        var bob = await NewPageAsync();
        await SignInAsync(bob);

        // Rita has three visits: not more than three, so not a regular yet.
        await CreateProfileAsync(alice, "Rita", "Regular", "Nantes");
        await WaitForInteractiveAsync(alice);
        for (var i = 1; i <= 3; i++)
        {
            await alice.GetByTestId("record-visit").ClickAsync();
            await Expect(alice.GetByTestId("visit-count")).ToHaveTextAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Bob watches the Regulars page.
        await bob.GotoAsync("/groups");
        await WaitForInteractiveAsync(bob);
        await bob.GetByTestId("group-link").Filter(new() { HasTextRegex = RegularsName() }).ClickAsync();
        await bob.WaitForURLAsync(GroupUrl());
        await WaitForInteractiveAsync(bob);
        var members = bob.GetByTestId("stat-members").Locator(".engagement-value");
        await Expect(members).ToHaveTextAsync("0");

        // Alice records the fourth visit: Rita enters Regulars, and Bob's page counts and lists her without a reload.
        await alice.GetByTestId("record-visit").ClickAsync();
        await Expect(alice.GetByTestId("visit-count")).ToHaveTextAsync("4");
        await Expect(members).ToHaveTextAsync("1");
        await Expect(bob.GetByTestId("member-link")).ToHaveTextAsync(["Rita Regular"]);
    }

    private static async Task FillConditionAsync(ILocator line, string field, string op, string value)
    {
        await line.GetByTestId("filter-field").SelectOptionAsync(new SelectOptionValue { Label = field });
        await line.GetByTestId("filter-op").SelectOptionAsync(new SelectOptionValue { Label = op });
        await line.GetByTestId("filter-value").FillAsync(value);
        await line.GetByTestId("filter-value").PressAsync("Enter");
    }

    [GeneratedRegex(@"/groups/new\?kind=Automated$")]
    private static partial Regex NewAutomatedUrl();

    [GeneratedRegex(@"/groups/\d+$")]
    private static partial Regex GroupUrl();

    [GeneratedRegex("^Regulars$")]
    private static partial Regex RegularsName();
}
