using System.Net;
using CustomerDirectory.App.Tests.Integration;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Integration.DirectoryAppFactory;

namespace CustomerDirectory.App.Tests.Staff;

/// <summary>Deactivation in the whole app: sign-in refused, an open session ended, an active one left alone.</summary>
public sealed class StaffSignInTests : IDisposable
{
    private const string Password = "a long enough password";
    private readonly DirectoryAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private static string? Target(HttpResponseMessage response) => response.Headers.Location?.OriginalString is { } target
        ? new Uri(new Uri("http://localhost"), target).PathAndQuery
        : null;

    private async Task<string> AddFranAsync()
    {
        using var _ = StaffAccess.AsSystem();
        var staff = _app.Services.GetRequiredService<StaffService>();
        var frontDesk = (await _app.Services.GetRequiredService<StaffRoleService>().ListAsync()).Single(r => r.Name == StaffRoles.FrontDesk).Id;
        return (await staff.CreateAsync(new StaffInput("Fran Desk", "fran@example.com", frontDesk, Password))).Id;
    }

    private async Task DeactivateAsync(string userId)
    {
        using var _ = StaffAccess.AsSystem();
        await _app.Services.GetRequiredService<StaffService>().DeactivateAsync(userId);
    }

    [Fact]
    public async Task ADeactivatedPerson_IsSentToSessionEnded_SignedOut_AndCannotSignInAgain()
    {
        using var owner = _app.NewClient();
        await SetUpOwnerAsync(owner);
        var franId = await AddFranAsync();
        using var fran = _app.NewClient();
        Assert.Equal("/customers", Target(await SignInAsync(fran, "fran@example.com", Password)));
        Assert.Equal(HttpStatusCode.OK, (await fran.GetAsync("/customers")).StatusCode);

        await DeactivateAsync(franId);

        // The page's permission check refuses first (no-access), whose layout then sees the account is gone.
        var page = await fran.GetAsync("/customers");
        Assert.StartsWith("/account/no-access", Target(page), StringComparison.Ordinal);
        Assert.Equal("/account/session-ended", Target(await fran.GetAsync(Target(page))));
        var ended = await fran.GetStringAsync("/account/session-ended");
        Assert.Contains("You have been signed out", ended, StringComparison.Ordinal);
        Assert.StartsWith("/account/login", Target(await fran.GetAsync("/customers")), StringComparison.Ordinal);
        using var again = _app.NewClient();
        var signIn = await SignInAsync(again, "fran@example.com", Password);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode); // the form again, with a refusal
        Assert.StartsWith("/account/login", Target(await again.GetAsync("/customers")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionEnded_DoesNotSignOutSomeoneActive()
    {
        using var owner = _app.NewClient();
        await SetUpOwnerAsync(owner);

        var page = await owner.GetStringAsync("/account/session-ended");

        Assert.Contains("You are still signed in", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/customers")).StatusCode);
    }
}
