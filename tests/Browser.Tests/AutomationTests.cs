using System.Globalization;
using System.Text.RegularExpressions;
using CustomerDirectory.Domain.Tests.Automations;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>Automations in a real browser: create one on a group and watch its deliveries reach a real receiver, live.</summary>
public sealed partial class AutomationTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 0)
{
    private static readonly LocatorAssertionsToHaveCountOptions Slow = new() { Timeout = 20_000 };

    [Fact]
    public async Task Owner_CreatesAnAutomationWithBackfill_AndSeesEachDeliveryInTheLog_AsItHappens()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var page = await SignedInPageAsync();
        await CreateProfileAsync(page, "Ana", "Hooked", "Lyon");

        await page.GotoAsync("/groups/new?kind=Automated");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("group-name").FillAsync("Lyon hooks");
        var rule = page.GetByTestId("rule-editor");
        await rule.GetByTestId("add-condition").Last.ClickAsync();
        var line = rule.GetByTestId("filter-condition").Last;
        await line.GetByTestId("filter-field").SelectOptionAsync(new SelectOptionValue { Label = "City" });
        await line.GetByTestId("filter-op").SelectOptionAsync(new SelectOptionValue { Label = "is" });
        await line.GetByTestId("filter-value").FillAsync("Lyon");
        await line.GetByTestId("filter-value").PressAsync("Enter");
        await page.GetByTestId("save-group").ClickAsync();
        await page.WaitForURLAsync(GroupUrl());
        var groupId = GroupUrl().Match(page.Url).Groups[1].Value;

        await page.GotoAsync("/marketing/automations");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("new-automation").ClickAsync();
        await page.WaitForURLAsync("**/marketing/automations/new");
        await page.GetByTestId("automation-name").FillAsync("Welcome to Lyon");
        await page.GetByTestId("automation-group").SelectOptionAsync(groupId);
        await page.GetByTestId("automation-url").FillAsync(receiver.Url);
        await page.GetByTestId("include-current").CheckAsync();
        await Expect(page.GetByTestId("automation-explain")).ToContainTextAsync("The people already in the group are sent once, now");
        await page.GetByTestId("save-automation").ClickAsync();
        await page.WaitForURLAsync(AutomationUrl());

        // The backfilled member is delivered and the log shows it.
        var delivered = page.GetByTestId("delivery-status").Filter(new() { HasText = "Delivered" });
        await Expect(delivered).ToHaveCountAsync(1, Slow);
        await Expect(page.GetByTestId("delivery-person")).ToHaveTextAsync(["Ana Hooked"]);

        // Someone else adds a customer in Lyon: they enter the group, the webhook goes, the open log follows.
        var colleague = await NewPageAsync();
        await SignInAsync(colleague);
        await CreateProfileAsync(colleague, "Bea", "Hooked", "Lyon");
        await Expect(delivered).ToHaveCountAsync(2, Slow);
        Assert.Equal(["Ana", "Bea"], receiver.Accepted.Select(r => r.Json.GetProperty("customer").GetProperty("firstName").GetString()).Order());
        Assert.Equal(2, receiver.Accepted.Select(r => r.EventId).Distinct().Count());
        Assert.Equal(int.Parse(groupId, CultureInfo.InvariantCulture), receiver.Accepted[0].Json.GetProperty("group").GetProperty("id").GetInt32());
    }

    [GeneratedRegex(@"/groups/(\d+)$")]
    private static partial Regex GroupUrl();

    [GeneratedRegex(@"/marketing/automations/\d+$")]
    private static partial Regex AutomationUrl();
}
