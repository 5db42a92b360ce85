using Bunit;
using CustomerDirectory.App.Components.Pages;
using CustomerDirectory.App.Tests.Staff;
using CustomerDirectory.Domain.ApiKeys;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen.Blazor;

namespace CustomerDirectory.App.Tests.Api;

/// <summary>Settings → API keys, as the owner unless a test says otherwise.</summary>
public sealed class ApiKeysPageTests : StaffPageTest
{
    private ApiKeyService Keys => Services.GetRequiredService<ApiKeyService>();

    /// <summary>The page with a dialog host beside it, as MainLayout has.</summary>
    private IRenderedComponent<IComponent> RenderPage() => Render(b =>
    {
        b.OpenComponent<RadzenDialog>(0);
        b.CloseComponent();
        b.OpenComponent<ApiKeys>(1);
        b.CloseComponent();
    });

    [Fact]
    public async Task Create_ShowsTheSecretOnce_ThatAuthenticates_AndListsTheKeyWithoutIt()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var page = RenderPage();
        page.WaitForElement("[data-testid=no-api-keys]");

        page.Find("input[name=ApiKeyName]").Change("Shop till");
        page.Find("[data-testid=scope-activity] input, input[name=ScopeActivity]").Change(true);
        page.Find("[data-testid=create-api-key]").Click();

        var secret = page.WaitForElement("[data-testid=api-key-secret]").GetAttribute("value")!;
        Assert.Matches("^dir_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$", secret);
        var row = page.WaitForElement("[data-testid=api-key-row]");
        Assert.Contains("Shop till", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("read, record activity", row.TextContent, StringComparison.Ordinal);
        Assert.Contains(secret[..12] + "…", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[13..], row.TextContent, StringComparison.Ordinal);
        var check = await Keys.AuthenticateAsync(secret);
        Assert.Equal(ApiKeyOutcome.Accepted, check.Outcome);
        Assert.Equal(ApiScopes.Read | ApiScopes.RecordActivity, check.Scopes);

        page.Find("[data-testid=api-key-secret-done]").Click();
        Assert.Empty(page.FindAll("[data-testid=api-key-secret]"));
        Assert.DoesNotContain(secret, page.Markup, StringComparison.Ordinal); // gone for good: only its hash is kept
    }

    [Fact]
    public async Task Create_WithoutANameOrScope_SaysWhy_AndCreatesNothing()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var page = RenderPage();
        page.WaitForElement("[data-testid=no-api-keys]");

        page.Find("[data-testid=create-api-key]").Click();
        var noName = page.WaitForElement("[data-testid=api-key-error]").TextContent;
        page.Find("input[name=ApiKeyName]").Change("Website");
        page.Find("input[name=ScopeRead]").Change(false);
        page.Find("[data-testid=create-api-key]").Click();

        Assert.Contains("Name the key", noName, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("at least one scope", page.Find("[data-testid=api-key-error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(await Keys.ListAsync());
        Assert.Empty(page.FindAll("[data-testid=api-key-secret]"));
    }

    [Fact]
    public async Task Revoke_AfterConfirming_ShowsItRevoked_AndTheKeyIsRefused()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var created = await Keys.CreateAsync(new ApiKeyInput { Name = "Old till", Scopes = ApiScopes.Read });
        var page = RenderPage();

        page.WaitForElement("[data-testid=revoke-api-key]").Click();
        page.WaitForElement(".rz-dialog-confirm-buttons").QuerySelectorAll("button").Single(b => b.TextContent.Contains("Revoke", StringComparison.Ordinal)).Click();

        page.WaitForAssertion(() => Assert.StartsWith("Revoked", page.Find("[data-testid=api-key-status]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=revoke-api-key]"));
        Assert.Equal(ApiKeyOutcome.Revoked, (await Keys.AuthenticateAsync(created.Secret)).Outcome);
    }

    [Fact]
    public async Task AKeyUsedByATill_ShowsItsLastUse_Live()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var created = await Keys.CreateAsync(new ApiKeyInput { Name = "Shop till", Scopes = ApiScopes.Read });
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("never", page.Find("[data-testid=api-key-last-used]").TextContent.Trim()));

        await Keys.AuthenticateAsync(created.Secret);

        page.WaitForAssertion(() => Assert.NotEqual("never", page.Find("[data-testid=api-key-last-used]").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WithoutManageApiKeys_TheServiceRefuses_AndNoKeyIsShown()
    {
        using (StaffAccess.As(Owner))
        {
            await Keys.CreateAsync(new ApiKeyInput { Name = "Shop till", Scopes = ApiScopes.Read });
        }

        var marketer = await AddStaffAsync("Marc Marketer", "marc@example.com", StaffRoles.Marketer);
        SignInAs(marketer, "marc@example.com");
        using var _ = StaffAccess.As(marketer);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("manage API keys", page.Find("[data-testid=api-key-error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=api-key-row]"));
        await Assert.ThrowsAsync<Domain.ForbiddenException>(() => Keys.CreateAsync(new ApiKeyInput { Name = "Mine", Scopes = ApiScopes.All }));
    }
}
