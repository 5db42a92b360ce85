using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>Two people at two browsers see each other's work appear without reloading.</summary>
public sealed class LiveTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 0)
{
    [Fact]
    public async Task TwoBrowsers_SeeEachOthersWork_Live()
    {
        var alice = await SignedInPageAsync();
        var bob = await NewPageAsync();
        await SignInAsync(bob);

        // Bob watches a search that matches nobody yet; Alice creates the person; Bob's list shows them.
        await bob.GotoAsync("/customers?q=Livewire");
        await WaitForInteractiveAsync(bob);
        await Expect(bob.GetByTestId("result-count")).ToHaveTextAsync("0 customers");
        await alice.GotoAsync("/customers/new");
        await WaitForInteractiveAsync(alice);
        await alice.Locator("input[name=FirstName]").FillAsync("Léon");
        await alice.Locator("input[name=LastName]").FillAsync("Livewire");
        await alice.GetByTestId("save").ClickAsync();
        await alice.WaitForURLAsync(ProfileUrl());
        await Expect(alice.Locator("h1")).ToHaveTextAsync("Léon Livewire");
        await Expect(bob.GetByTestId("result-count")).ToHaveTextAsync("1 customer");
        await Expect(bob.Locator("tr.rz-data-row").First).ToContainTextAsync("Léon Livewire");

        // Both on the profile: each sees the other.
        await bob.Locator("a.customer-link").First.ClickAsync();
        await bob.WaitForURLAsync(ProfileUrl());
        await Expect(alice.GetByTestId("presence")).ToContainTextAsync("Also here: Olivia Owner");
        await Expect(bob.GetByTestId("presence")).ToContainTextAsync("Also here: Olivia Owner");

        // Alice saves; Bob's untouched form shows her version at once.
        await alice.Locator("input[name=City]").FillAsync("Nantes");
        await alice.GetByTestId("save").ClickAsync();
        await Expect(bob.Locator("input[name=City]")).ToHaveValueAsync("Nantes");
        await Expect(bob.GetByTestId("updated-live")).ToBeVisibleAsync();

        // Bob starts typing: Alice sees he is editing. Alice saves again: Bob is warned and keeps his typing.
        await bob.Locator("input[name=Phone]").FillAsync("06 99 88 77 66");
        await bob.Locator("input[name=Phone]").PressAsync("Tab");
        await Expect(alice.GetByTestId("presence")).ToContainTextAsync("(editing)");
        await alice.Locator("input[name=Country]").FillAsync("France");
        await alice.GetByTestId("save").ClickAsync();
        await Expect(bob.GetByTestId("conflict")).ToContainTextAsync("Someone else just saved this profile");
        await Expect(bob.Locator("input[name=Phone]")).ToHaveValueAsync("06 99 88 77 66");

        // Alice records a visit: Bob's summary and timeline follow.
        await alice.GetByTestId("record-visit").ClickAsync();
        await Expect(bob.GetByTestId("visit-count")).ToHaveTextAsync("1");
        await Expect(bob.Locator(".timeline-entry")).ToHaveCountAsync(1);

        // Bob leaves: Alice no longer sees him.
        await bob.GotoAsync("/customers?q=Livewire");
        await Expect(alice.GetByTestId("presence")).ToHaveCountAsync(0);

        // A profile that stops matching Bob's search leaves his list (and his count).
        await WaitForInteractiveAsync(bob);
        await Expect(bob.GetByTestId("result-count")).ToHaveTextAsync("1 customer");
        await alice.ReloadAsync();
        await WaitForInteractiveAsync(alice);
        await alice.Locator("input[name=LastName]").FillAsync("Elsewhere");
        await alice.GetByTestId("save").ClickAsync();
        await Expect(bob.GetByTestId("result-count")).ToHaveTextAsync("0 customers");
    }

    [Fact]
    public async Task AfterADroppedConnection_ThePageComesBackCurrent()
    {
        var alice = await SignedInPageAsync();
        var bob = await NewPageAsync();
        await SignInAsync(bob);
        await alice.GotoAsync("/customers/new");
        await WaitForInteractiveAsync(alice);
        await alice.Locator("input[name=FirstName]").FillAsync("Reza");
        await alice.Locator("input[name=LastName]").FillAsync("Offline");
        await alice.GetByTestId("save").ClickAsync();
        await alice.WaitForURLAsync(ProfileUrl());
        await Expect(alice.Locator("h1")).ToHaveTextAsync("Reza Offline"); // the saved profile is on screen

        await bob.GotoAsync("/customers?q=Offline");
        await WaitForInteractiveAsync(bob);
        await Expect(bob.Locator("tr.rz-data-row").First).ToContainTextAsync("Reza Offline");

        // Bob's network drops; Alice renames the person meanwhile; Bob's network comes back.
        await bob.Context.SetOfflineAsync(true);
        await alice.Locator("input[name=FirstName]").FillAsync("Rezaa");
        await alice.GetByTestId("save").ClickAsync();
        await Expect(alice.Locator("h1")).ToHaveTextAsync("Rezaa Offline");
        await bob.WaitForTimeoutAsync(1000);
        Assert.DoesNotContain("Rezaa", await bob.Locator("tr.rz-data-row").First.InnerTextAsync(), StringComparison.Ordinal); // really cut off
        await bob.Context.SetOfflineAsync(false);

        await Expect(bob.Locator("tr.rz-data-row").First).ToContainTextAsync("Rezaa Offline", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task AProfileDeletedElsewhere_LeavesTheOtherDirectory_AndItsOpenPageSaysSo()
    {
        var alice = await SignedInPageAsync();
        var bob = await NewPageAsync();
        await SignInAsync(bob);
        await CreateProfileAsync(alice, "Dora", "Gone", "Lyon");
        var profile = alice.Url;
        await CreateProfileAsync(alice, "Dino", "Gone", "Lyon");

        // Bob lists both; Alice opens Dora's profile, which Bob also has open in a second tab.
        var bobsProfile = await bob.Context.NewPageAsync();
        await bobsProfile.GotoAsync(profile);
        await WaitForInteractiveAsync(bobsProfile);
        await Expect(bobsProfile.Locator("h1")).ToHaveTextAsync("Dora Gone");
        await bob.GotoAsync("/customers?q=Gone");
        await WaitForInteractiveAsync(bob);
        await Expect(bob.GetByTestId("result-count")).ToHaveTextAsync("2 customers");

        await alice.GotoAsync(profile);
        await WaitForInteractiveAsync(alice);
        await alice.GetByTestId("delete-profile").ClickAsync();
        await alice.Locator(".rz-dialog-confirm-buttons button", new() { HasTextString = "Delete" }).ClickAsync();
        await alice.WaitForURLAsync("**/customers");

        await Expect(bob.GetByTestId("result-count")).ToHaveTextAsync("1 customer");
        await Expect(bob.Locator("a.customer-link")).ToHaveTextAsync(["Dino Gone"]);
        await Expect(bobsProfile.GetByText("This profile does not exist (it may have been deleted).")).ToBeVisibleAsync();
    }
}

