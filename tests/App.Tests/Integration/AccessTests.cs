using System.Net;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Integration.DirectoryAppFactory;

namespace CustomerDirectory.App.Tests.Integration;

public sealed class AccessTests : IDisposable
{
    private readonly DirectoryAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>Where a redirect points, as a local path (the app writes some absolute, some relative).</summary>
    private static string? Target(HttpResponseMessage response) => response.Headers.Location switch
    {
        null => null,
        { IsAbsoluteUri: true } uri => uri.PathAndQuery,
        var uri => uri.OriginalString,
    };

    [Fact]
    public async Task FirstRun_EveryPageLeadsToSetup()
    {
        using var client = _app.NewClient();

        foreach (var path in new[] { "/", "/customers", "/customers/1", "/account/login" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/setup", Target(response));
        }
    }

    [Fact]
    public async Task Setup_CreatesTheOwnerAndSignsThemIn_ThenRefusesASecondOwner()
    {
        using var client = _app.NewClient();

        var created = await SetUpOwnerAsync(client);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/customers", Target(created));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/customers")).StatusCode);

        // The setup page is gone, and a crafted POST to it does not make a second account.
        using var stranger = _app.NewClient();
        var setupPage = await stranger.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.Redirect, setupPage.StatusCode);
        Assert.Equal("/account/login", Target(setupPage));
        var second = await PostFormAsync(stranger, "/account/login", "/setup", "setup", new Dictionary<string, string>
        {
            ["Input.Name"] = "Mallory",
            ["Input.Email"] = "mallory@example.com",
            ["Input.Password"] = "a long enough password",
        });
        Assert.Equal("/account/login", Target(second));

        await using var scope = _app.Services.CreateAsyncScope();
        var users = await scope.ServiceProvider.GetRequiredService<DirectoryDbContext>().Users.ToListAsync();
        var owner = Assert.Single(users);
        Assert.Equal("owner@example.com", owner.Email);
        Assert.True(await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().IsInRoleAsync(owner, StaffRoles.Owner));
    }

    [Fact]
    public async Task Setup_WithAShortPassword_SaysSo_AndCreatesNobody()
    {
        using var client = _app.NewClient();

        var response = await SetUpOwnerAsync(client, password: "short");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Passwords must be at least 10 characters.", await response.Content.ReadAsStringAsync());
        Assert.True(await _app.Services.GetRequiredService<SetupState>().IsSetupRequiredAsync());
    }

    [Fact]
    public async Task AfterSetup_UnauthenticatedRequests_AreSentToSignIn()
    {
        using (var owner = _app.NewClient())
        {
            await SetUpOwnerAsync(owner);
        }

        using var client = _app.NewClient();
        foreach (var path in new[] { "/customers", "/customers/1", "/settings" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/login?ReturnUrl=" + Uri.EscapeDataString(path), Target(response));
        }

        // No live connection either: the interactive circuit's hub refuses strangers.
        var hub = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        Assert.NotEqual(HttpStatusCode.OK, hub.StatusCode);
        Assert.DoesNotContain("connectionToken", await hub.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithTheWrongPassword_IsRefused_WithTheRightOne_GoesBackWhereTheyWere()
    {
        using (var owner = _app.NewClient())
        {
            await SetUpOwnerAsync(owner);
        }

        using var client = _app.NewClient();
        var wrong = await SignInAsync(client, "owner@example.com", "not the password");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("That email and password do not match an account.", await wrong.Content.ReadAsStringAsync());

        var right = await SignInAsync(client, "owner@example.com", "a long enough password", returnUrl: "/settings");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/settings", Target(right));
        Assert.Contains("owner@example.com", await client.GetStringAsync("/settings"));
    }

    [Fact]
    public async Task SignIn_NeverRedirectsOffSite()
    {
        using (var owner = _app.NewClient())
        {
            await SetUpOwnerAsync(owner);
        }

        using var client = _app.NewClient();
        var response = await SignInAsync(client, "owner@example.com", "a long enough password", returnUrl: "//evil.example/phish");

        Assert.Equal("/customers", Target(response));
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var client = _app.NewClient();
        await SetUpOwnerAsync(client);

        var signedOut = await PostFormAsync(client, "/customers", "/account/logout", "", new Dictionary<string, string>());

        Assert.Equal("/account/login", Target(signedOut));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutAnAntiforgeryToken_IsRejected()
    {
        using var client = _app.NewClient();
        await SetUpOwnerAsync(client);

        var response = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task ClientScriptAndHealth_AreServedToAnyone()
    {
        using var client = _app.NewClient();

        var script = await client.GetAsync("/_framework/blazor.web.js");
        var health = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Blazor", await script.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Database_IsCreatedInTheConfiguredDataFolder()
    {
        using var client = _app.NewClient();
        await client.GetAsync("/health");

        Assert.True(File.Exists(Path.Combine(_app.DataFolder, "directory.db")));
        Assert.True(System.IO.Directory.Exists(Path.Combine(_app.DataFolder, "keys")));
    }
}
