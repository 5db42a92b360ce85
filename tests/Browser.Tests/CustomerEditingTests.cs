using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>Creating and editing profiles at the counter, including two people on the same profile.</summary>
public sealed class CustomerEditingTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 0)
{
    [Fact]
    public async Task NewCustomer_ExplainsWhatIsMissing_ThenCreates_AndRefusesADuplicateEmailWithALinkToTheOwner()
    {
        var page = await SignedInPageAsync();

        await page.GetByTestId("new-customer").ClickAsync();
        await page.WaitForURLAsync("**/customers/new");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("First name is required.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Last name is required.")).ToBeVisibleAsync();

        await page.Locator("input[name=FirstName]").FillAsync("  Léa ");
        await page.Locator("input[name=LastName]").FillAsync("Bernard");
        await page.Locator("input[name=Email]").FillAsync("lea@example.com");
        await page.Locator("input[name=Phone]").FillAsync("06 12 34 56 78");
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync(ProfileUrl());
        var leaUrl = page.Url;
        await Expect(page.Locator("h1")).ToHaveTextAsync("Léa Bernard");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = "Customers" }).ClickAsync();
        await page.GetByTestId("new-customer").ClickAsync();
        await page.Locator("input[name=FirstName]").FillAsync("Someone");
        await page.Locator("input[name=LastName]").FillAsync("Else");
        await page.Locator("input[name=Email]").FillAsync("LEA@example.com");
        await page.GetByTestId("save").ClickAsync();
        var duplicate = page.GetByTestId("duplicate-email");
        await Expect(duplicate).ToContainTextAsync("This email address already belongs to Léa Bernard.");
        await duplicate.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync(leaUrl);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Léa Bernard");
    }

    [Fact]
    public async Task TwoPeopleEditingOneProfile_TheSecondSaveIsStopped_AndNothingIsLost()
    {
        var counter = await SignedInPageAsync();
        await counter.GotoAsync("/customers/new");
        await WaitForInteractiveAsync(counter);
        await counter.Locator("input[name=FirstName]").FillAsync("Marc");
        await counter.Locator("input[name=LastName]").FillAsync("Petit");
        await counter.GetByTestId("save").ClickAsync();
        await counter.WaitForURLAsync(ProfileUrl());
        await Expect(counter.Locator("h1")).ToHaveTextAsync("Marc Petit");

        var office = await counter.Context.NewPageAsync();
        await office.GotoAsync(counter.Url);
        await WaitForInteractiveAsync(office);

        // The office starts editing; the counter saves first. The office is told at once, and keeps its typing.
        await office.Locator("input[name=LastName]").FillAsync("Grand");
        await office.Locator("input[name=LastName]").PressAsync("Tab");
        await counter.Locator("input[name=Phone]").FillAsync("07 11 22 33 44");
        await counter.GetByTestId("save").ClickAsync();
        await Expect(counter.GetByText("Changes saved")).ToBeVisibleAsync();
        await Expect(office.GetByTestId("conflict")).ToContainTextAsync("Someone else just saved this profile");
        await Expect(office.Locator("input[name=LastName]")).ToHaveValueAsync("Grand");

        // Saving anyway is refused (the version is checked on the server), never a silent overwrite.
        await office.GetByTestId("save").ClickAsync();
        await Expect(office.GetByTestId("conflict")).ToContainTextAsync("Someone else saved this profile after you opened it");

        // Merge: their phone, my last name; saving then succeeds and both changes are kept.
        await office.GetByTestId("merge").ClickAsync();
        await Expect(office.GetByTestId("merged")).ToContainTextAsync("yours are applied on top");
        await Expect(office.Locator("input[name=Phone]")).ToHaveValueAsync("07 11 22 33 44");
        await Expect(office.Locator("input[name=LastName]")).ToHaveValueAsync("Grand");
        await office.GetByTestId("save").ClickAsync();
        await Expect(office.Locator("h1")).ToHaveTextAsync("Marc Grand");

        // The counter, not editing any more, simply sees the merged result arrive.
        await Expect(counter.Locator("input[name=LastName]")).ToHaveValueAsync("Grand");
        await Expect(counter.Locator("input[name=Phone]")).ToHaveValueAsync("07 11 22 33 44");
        await Expect(counter.GetByTestId("updated-live")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AProfileThatDoesNotExist_SaysSo()
    {
        var page = await SignedInPageAsync();

        await page.GotoAsync("/customers/987654");

        await Expect(page.GetByText("This profile does not exist")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AtTheCounter_RecordingAVisitAndAnOrder_UpdatesTheSummaryAndTimeline_AndDeletingTakesItBack()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/customers/new");
        await WaitForInteractiveAsync(page);
        await page.Locator("input[name=FirstName]").FillAsync("Nora");
        await page.Locator("input[name=LastName]").FillAsync("Vidal");
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync(ProfileUrl());
        await Expect(page.GetByTestId("timeline-empty")).ToBeVisibleAsync();

        // One click records a visit now; an order needs an amount, and a bad one is explained.
        await page.GetByTestId("record-visit").ClickAsync();
        await Expect(page.GetByTestId("visit-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("last-visit")).ToHaveTextAsync("today");
        await page.GetByTestId("record-order").ClickAsync();
        await Expect(page.GetByTestId("order-error")).ToHaveTextAsync("Enter the amount.");
        await page.Locator("input[name=OrderAmount]").FillAsync("-3");
        await page.GetByTestId("record-order").ClickAsync();
        await Expect(page.GetByTestId("order-error")).ToHaveTextAsync("The amount cannot be negative.");
        await page.Locator("input[name=OrderAmount]").FillAsync("24.50");
        await page.GetByTestId("record-order").ClickAsync();
        await Expect(page.GetByTestId("total-spent")).ToHaveTextAsync("€24.50");
        await Expect(page.GetByTestId("average-order")).ToHaveTextAsync("€24.50");
        await Expect(page.Locator(".timeline-entry")).ToHaveCountAsync(2);
        await Expect(page.Locator(".timeline-entry").First).ToContainTextAsync("Order · €24.50");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "directory-profile.png"), FullPage = true });

        // Deleting asks first, then the totals follow.
        await page.Locator(".timeline-entry[data-kind=Order] .timeline-delete").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("total-spent")).ToHaveTextAsync("€0.00");
        await Expect(page.Locator(".timeline-entry")).ToHaveCountAsync(1);

        // The directory shows the visit too.
        await page.GotoAsync("/customers?q=nora%20vidal");
        await Expect(page.Locator("tr.rz-data-row").First).ToContainTextAsync("Nora Vidal");
    }

    [Fact]
    public async Task Profile_Tags_Consent_Lists_AndNotes_WorkFromTheSidePanels()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/settings/lists");
        await WaitForInteractiveAsync(page);
        await page.Locator("input[name=NewListName]").FillAsync("Newsletter");
        await page.GetByTestId("create-list").ClickAsync();
        await Expect(page.GetByTestId("list")).ToContainTextAsync("0 subscribers");
        await page.GotoAsync("/customers/new");
        await WaitForInteractiveAsync(page);
        await page.Locator("input[name=FirstName]").FillAsync("Inès");
        await page.Locator("input[name=LastName]").FillAsync("Moreau");
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync(ProfileUrl());
        var profileUrl = page.Url;

        // Tags: typed and added (Enter or the button), shown as chips, removable.
        var tags = page.GetByTestId("tags");
        await tags.Locator("#NewTag").FillAsync("Gluten-free");
        await tags.Locator("#NewTag").PressAsync("Enter");
        await Expect(tags.Locator(".tag-chip")).ToHaveTextAsync(["Gluten-free ×"]);
        await tags.Locator("#NewTag").FillAsync("VIP");
        await page.GetByTestId("add-tag").ClickAsync();
        await Expect(tags.Locator(".tag-chip")).ToHaveCountAsync(2);
        await tags.GetByLabel("Remove tag VIP").ClickAsync();
        await Expect(tags.Locator(".tag-chip")).ToHaveCountAsync(1);

        // Consent: email needs an address first.
        var consent = page.GetByTestId("consent");
        await consent.Locator("[data-channel=Email] .consent-status").ClickAsync();
        await page.Locator(".rz-dropdown-item[aria-label=Subscribed]:visible").ClickAsync();
        await Expect(consent).ToContainTextAsync("Add an email address before subscribing this person to email.");

        // Mailing lists: also need an address.
        await page.GetByTestId("lists").Locator(".rz-dropdown").ClickAsync();
        await page.Locator(".rz-dropdown-item[aria-label=Newsletter]:visible").ClickAsync();
        await Expect(page.GetByTestId("lists-error")).ToHaveTextAsync("Add an email address before adding this person to a mailing list.");

        // Notes: markup is shown as text, never run; the author can edit.
        var notes = page.GetByTestId("notes");
        await notes.Locator("textarea[name=NewNote]").FillAsync("<script>window.hacked = 1</script> Prefers <b>mornings</b>");
        await page.GetByTestId("add-note").ClickAsync();
        await Expect(notes.Locator(".note-text")).ToHaveTextAsync("<script>window.hacked = 1</script> Prefers <b>mornings</b>");
        Assert.Null(await page.EvaluateAsync<int?>("() => window.hacked ?? null"));
        await Expect(notes.Locator(".note-meta")).ToContainTextAsync("Olivia Owner");

        // Renaming the tag centrally shows on the profile.
        await page.GotoAsync("/settings/tags");
        await WaitForInteractiveAsync(page);
        var row = page.Locator("tr.rz-data-row", new() { HasTextString = "Gluten-free" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await page.Locator("input[name=RenameTag]").FillAsync("Sans gluten");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.Locator("tr.rz-data-row", new() { HasTextString = "Sans gluten" })).ToContainTextAsync("1");
        await page.GotoAsync(profileUrl);
        await Expect(page.GetByTestId("tags").Locator(".tag-chip")).ToHaveTextAsync(["Sans gluten ×"]);
    }

    [Fact]
    public async Task CustomFields_DefinedInSettings_AppearOnAnOpenProfile_KeepValuesThroughRenames_AndDeletionSaysHowMany()
    {
        var profile = await SignedInPageAsync();
        await profile.GotoAsync("/customers/new");
        await WaitForInteractiveAsync(profile);
        await profile.Locator("input[name=FirstName]").FillAsync("Paul");
        await profile.Locator("input[name=LastName]").FillAsync("Girard");
        await profile.GetByTestId("save").ClickAsync();
        await profile.WaitForURLAsync(ProfileUrl());
        var fields = profile.GetByTestId("custom-fields");
        await Expect(fields).ToContainTextAsync("No custom fields yet.");

        // The owner defines two fields in Settings, in another tab.
        var settings = await profile.Context.NewPageAsync();
        await settings.GotoAsync("/settings/fields");
        await WaitForInteractiveAsync(settings);
        await settings.Locator("input[name=NewFieldName]").FillAsync("Referral?");
        await settings.GetByTestId("add-field").ClickAsync();
        await Expect(settings.GetByTestId("field")).ToHaveCountAsync(1);
        await settings.Locator("input[name=NewFieldName]").FillAsync("Preferred stylist");
        await settings.Locator(".field-new .field-type").ClickAsync();
        await settings.Locator(".rz-dropdown-item[aria-label='Single choice']:visible").ClickAsync();
        await settings.Locator("textarea[name=NewFieldOptions]").FillAsync("Camille\nSam");
        await settings.GetByTestId("add-field").ClickAsync();
        await Expect(settings.GetByTestId("field")).ToHaveCountAsync(2);

        // The open profile shows them at once; values save on change.
        await Expect(fields.Locator(".custom-field")).ToHaveCountAsync(2);
        await fields.Locator("[data-field='Referral?'] .rz-switch").ClickAsync();
        await fields.Locator("[data-field='Preferred stylist'] .rz-dropdown").ClickAsync();
        await profile.Locator(".rz-dropdown-item[aria-label=Sam]:visible").ClickAsync();
        await Expect(fields.Locator("[data-field='Preferred stylist']")).ToContainTextAsync("Sam");

        // Renaming the option keeps the choice.
        var stylist = settings.Locator("[data-field='Preferred stylist']");
        await stylist.Locator(".field-options input[aria-label='Option label']").Nth(1).FillAsync("Samuel");
        await stylist.Locator(".field-options input[aria-label='Option label']").Nth(1).PressAsync("Tab");
        await Expect(settings.GetByText("Option renamed")).ToBeVisibleAsync();
        await profile.ReloadAsync();
        await WaitForInteractiveAsync(profile);
        await Expect(profile.GetByTestId("custom-fields").Locator("[data-field='Preferred stylist']")).ToContainTextAsync("Samuel");
        await Expect(profile.GetByTestId("custom-fields").Locator("[data-field='Referral?'] .rz-switch-checked")).ToHaveCountAsync(1);

        // Deleting asks, naming how many profiles hold a value.
        await stylist.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(settings.Locator(".rz-dialog")).ToContainTextAsync("1 profile has a value for it, which will be erased.");
        await settings.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        await Expect(settings.GetByTestId("field")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task MembershipsLoyaltyAndDonations_ShowInTheSummary()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/customers/new");
        await WaitForInteractiveAsync(page);
        await page.Locator("input[name=FirstName]").FillAsync("Lou");
        await page.Locator("input[name=LastName]").FillAsync("Garnier");
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync(ProfileUrl());

        var panel = page.GetByTestId("memberships-panel");
        await panel.Locator("input[name=MembershipPlan]").FillAsync("Monthly unlimited");
        await panel.Locator("input[name=MembershipRate]").FillAsync("39.90");
        await page.GetByTestId("add-membership").ClickAsync();
        await Expect(panel.Locator(".membership")).ToContainTextAsync("Monthly unlimited · €39.90 per period");
        await Expect(page.GetByTestId("memberships")).ToHaveTextAsync("1");

        await panel.Locator("input[name=RewardThreshold]").FillAsync("100");
        await page.GetByTestId("enrol").ClickAsync();
        await panel.Locator("input[name=PointsDelta]").FillAsync("-5");
        await page.GetByTestId("adjust-points").ClickAsync();
        await Expect(page.GetByTestId("memberships-error")).ToHaveTextAsync("Only 0 points to take away.");
        await panel.Locator("input[name=PointsDelta]").FillAsync("120");
        await page.GetByTestId("adjust-points").ClickAsync();
        await Expect(page.GetByTestId("loyalty-points")).ToHaveTextAsync("120 points");
        await Expect(panel).ToContainTextAsync("Reward due");
        await Expect(page.GetByTestId("points")).ToHaveTextAsync("120");

        await page.Locator("input[name=DonationAmount]").FillAsync("25");
        await page.GetByTestId("record-donation").ClickAsync();
        await Expect(page.GetByTestId("donated")).ToHaveTextAsync("€25.00");
        await Expect(page.Locator(".timeline-entry").First).ToContainTextAsync("Donation · €25.00");
    }
}
