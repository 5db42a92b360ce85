using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>The owner manages staff in one browser; the member of staff, in another, feels it without reloading.</summary>
public sealed class StaffTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 0)
{
    [Fact]
    public async Task OwnerChangesARole_TheirSidebarFollowsLive_ThenDeactivation_EndsTheirSession()
    {
        // The owner adds Fran at the front desk; Directory chooses her password.
        var owner = await SignedInPageAsync();
        var password = await AddStaffAsync(owner, "Fran Desk", "fran@example.com", "Front desk");
        Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", password);

        // Fran signs in at the counter: profiles, no tags.
        var fran = await NewPageAsync();
        await SignInAsync(fran, "fran@example.com", password);
        await Expect(fran.GetByTestId("nav-customers")).ToBeVisibleAsync();
        await Expect(fran.GetByTestId("nav-tags")).ToHaveCountAsync(0);

        // The owner makes her a marketer: her open sidebar gains Tags, no reload.
        var franRow = owner.Locator("tr[data-staff='fran@example.com']");
        var roleSelect = await franRow.GetByTestId("role-select").ElementHandleAsync();
        await roleSelect.SelectOptionAsync(new SelectOptionValue { Label = "Marketer" });
        await Expect(fran.GetByTestId("nav-tags")).ToBeVisibleAsync();

        // The owner's list shows the saved role (it redraws her row) before the owner goes on: a click that lands
        // while its row is being replaced is split between the old button and the new one, and goes nowhere.
        await owner.WaitForFunctionAsync("select => !select.isConnected", roleSelect);

        // The owner deactivates her: her session ends within seconds, and she cannot sign back in.
        await franRow.GetByTestId("deactivate").ClickAsync();
        await owner.Locator(".rz-dialog-confirm-buttons").GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Expect(franRow.GetByTestId("staff-status")).ToHaveTextAsync("Deactivated");
        await fran.WaitForURLAsync("**/account/session-ended");
        await Expect(fran.GetByTestId("session-ended")).ToBeVisibleAsync();
        await fran.GotoAsync("/customers");
        await fran.WaitForURLAsync("**/account/login**");
    }
}
