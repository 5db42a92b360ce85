using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>Audiences in a real browser: a marketer builds one, reads the counts, freezes a snapshot and downloads it.</summary>
public sealed partial class AudienceTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 0)
{
    [Fact]
    public async Task Marketer_BuildsAnAudience_SeesSendableAndExcludedCounts_FreezesASnapshot_AndDownloadsItsCsv()
    {
        // The owner keeps three customers in Lyon (one subscribed to email, one never asked, one without email)
        // and adds Mia as a marketer.
        var owner = await SignedInPageAsync();
        await CreateProfileAsync(owner, "Ana", "Audience", "Lyon", "ana.audience@example.com");
        var consent = owner.GetByTestId("consent");
        await consent.Locator("[data-channel=Email] .consent-status").ClickAsync();
        await owner.Locator(".rz-dropdown-item[aria-label=Subscribed]:visible").ClickAsync();
        await Expect(consent.Locator("[data-channel=Email]")).ToContainTextAsync("Subscribed");
        await CreateProfileAsync(owner, "Ben", "Audience", "Lyon", "ben.audience@example.com");
        await CreateProfileAsync(owner, "Cy", "Audience", "Lyon");
        var password = await AddStaffAsync(owner, "Mia Marketer", "mia@example.com", "Marketer");

        var mia = await NewPageAsync();
        await SignInAsync(mia, "mia@example.com", password);
        await mia.GetByTestId("nav-audiences").ClickAsync();
        await WaitForInteractiveAsync(mia);
        await mia.GetByTestId("new-audience").ClickAsync();
        await mia.WaitForURLAsync("**/marketing/audiences/new");
        await WaitForInteractiveAsync(mia);

        // Everyone in Lyon, by email: one can be sent to, one never consented, one has no email.
        await mia.GetByTestId("audience-name").FillAsync("Lyon newsletter");
        await mia.GetByTestId("filter-root").GetByTestId("add-condition").Last.ClickAsync();
        var condition = mia.GetByTestId("filter-condition").Last;
        await condition.GetByTestId("filter-field").SelectOptionAsync(new SelectOptionValue { Label = "City" });
        await condition.GetByTestId("filter-op").SelectOptionAsync(new SelectOptionValue { Label = "is" });
        await condition.GetByTestId("filter-value").FillAsync("Lyon");
        await condition.GetByTestId("filter-value").PressAsync("Enter");
        var sendable = mia.GetByTestId("sendable-email").Locator(".engagement-value");
        await Expect(mia.GetByTestId("audience-taken").Locator(".engagement-value")).ToHaveTextAsync("3");
        await Expect(sendable).ToHaveTextAsync("1");
        await Expect(OutCount(mia, "NeverConsented")).ToHaveTextAsync("1");
        await Expect(OutCount(mia, "NoAddress")).ToHaveTextAsync("1");

        // Excluding the email subscribers takes Ana out, counted once, as excluded.
        var subscribers = mia.GetByTestId("group-row").Filter(new() { HasText = "Email subscribers" });
        await subscribers.Locator("input[data-testid^=exclude-]").CheckAsync();
        await Expect(sendable).ToHaveTextAsync("0");
        await Expect(OutCount(mia, "ExcludedGroup")).ToHaveTextAsync("1");
        await subscribers.Locator("input[data-testid^=exclude-]").UncheckAsync();
        await Expect(sendable).ToHaveTextAsync("1");

        // Save, freeze, download.
        await mia.GetByTestId("save-audience").ClickAsync();
        await mia.WaitForURLAsync(AudienceUrl());
        await WaitForInteractiveAsync(mia);
        await Expect(mia.GetByTestId("no-snapshots")).ToBeVisibleAsync();
        await mia.GetByTestId("freeze-snapshot").ClickAsync();
        var row = mia.GetByTestId("snapshot-row");
        await Expect(row.GetByTestId("snapshot-size")).ToHaveTextAsync("1");
        await Expect(row).ToContainTextAsync("Mia Marketer");
        var download = await mia.RunAndWaitForDownloadAsync(() => row.GetByTestId("download-snapshot").ClickAsync());

        Assert.Matches(@"^audience-snapshot-\d+\.csv$", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("customer_id,first_name,last_name,email,may_contact,reason", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith(",Ana,Audience,ana.audience@example.com,yes,", lines[1], StringComparison.Ordinal);
    }

    private static ILocator OutCount(IPage page, string reason) => page.GetByTestId($"out-{reason}").GetByTestId("out-count");

    [GeneratedRegex(@"/marketing/audiences/\d+$")]
    private static partial Regex AudienceUrl();
}
