using System.Security.Claims;
using Bunit;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Components.Pages;
using CustomerDirectory.Domain.Groups;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen.Blazor;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>Settings → Business type: saving it, and asking whether Regulars and Lapsed take the new type's rules.</summary>
public sealed class BusinessTypeTests : ComponentTestContext
{
    public BusinessTypeTests()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("claire@example.com");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "me"), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, "Claire"));
    }

    private GroupService Groups => Services.GetRequiredService<GroupService>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Groups.EnsurePredefinedAsync(); // what start-up does
    }

    private async Task<GroupDetails> RegularsAsync() =>
        await Groups.GetAsync((await Groups.ListAsync()).Single(g => g.Predefined == PredefinedGroup.Regulars).Id);

    private IRenderedComponent<IComponent> RenderSettings()
    {
        var host = Render(b =>
        {
            b.OpenComponent<RadzenDialog>(0);
            b.CloseComponent();
            b.OpenComponent<Settings>(1);
            b.CloseComponent();
        });
        host.WaitForElement("[data-testid=business-type]");
        return host;
    }

    /// <summary>Picks a type, saves, and answers the confirmation with the button saying <paramref name="answer"/>.</summary>
    private static void ChooseAndSave(IRenderedComponent<IComponent> host, BusinessType type, string answer)
    {
        host.Find("[data-testid=business-type]").Change(type.ToString());
        host.Find("[data-testid=save-business-type]").Click();
        var button = host.WaitForElement(".rz-dialog-confirm-buttons");
        Assert.Contains("Regulars: more than 3 visits, last visit within 6 weeks", host.Find(".rz-dialog-confirm-message").TextContent, StringComparison.Ordinal);
        button.QuerySelectorAll("button").Single(b => b.TextContent.Contains(answer, StringComparison.Ordinal)).Click();
    }

    [Fact]
    public async Task ShowsTheCurrentTypeAndItsRules()
    {
        await Groups.SetBusinessTypeAsync(BusinessType.Transport, resetRules: false, "test");

        var host = RenderSettings();

        Assert.Equal(nameof(BusinessType.Transport), host.Find("[data-testid=business-type]").GetAttribute("value"));
        Assert.Equal(9, host.FindAll("[data-testid=business-type] option").Count);
        Assert.Contains("Contractors, repair & leisure", host.Find("[data-testid=business-type]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Regulars: more than 2 visits, last visit within 6 weeks. Lapsed: more than 3 visits, last visit more than 6 weeks ago.",
            host.Find("[data-testid=business-type-rules]").TextContent);
    }

    [Fact]
    public async Task ChangingIt_WithReset_GivesRegularsTheNewRule()
    {
        var before = await RegularsAsync();
        Assert.Equal(PredefinedGroups.Rule(PredefinedGroup.Regulars, BusinessType.Retail).ToJson(), before.RuleJson);
        var host = RenderSettings();

        ChooseAndSave(host, BusinessType.HealthBeauty, "Reset the rules");

        host.WaitForAssertion(() => Assert.Contains("now follow its rules", host.Find("[data-testid=business-type-saved]").TextContent, StringComparison.Ordinal));
        Assert.Equal(BusinessType.HealthBeauty, await Groups.GetBusinessTypeAsync());
        var after = await RegularsAsync();
        Assert.Equal(PredefinedGroups.Rule(PredefinedGroup.Regulars, BusinessType.HealthBeauty).ToJson(), after.RuleJson);
        Assert.Equal(before.RuleVersion + 1, after.RuleVersion);
    }

    [Fact]
    public async Task ChangingIt_WithoutReset_KeepsTheRules()
    {
        var before = await RegularsAsync();
        var host = RenderSettings();

        ChooseAndSave(host, BusinessType.HealthBeauty, "Keep my rules");

        host.WaitForAssertion(() => Assert.Contains("rules are unchanged", host.Find("[data-testid=business-type-saved]").TextContent, StringComparison.Ordinal));
        Assert.Equal(BusinessType.HealthBeauty, await Groups.GetBusinessTypeAsync());
        var after = await RegularsAsync();
        Assert.Equal(before.RuleJson, after.RuleJson);
        Assert.Equal(before.RuleVersion, after.RuleVersion);
    }

    [Fact]
    public async Task SavingTheSameType_AsksNothing_AndChangesNothing()
    {
        var before = await RegularsAsync();
        var host = RenderSettings();

        host.Find("[data-testid=save-business-type]").Click();

        host.WaitForAssertion(() => Assert.Equal("The business type is already Retail.", host.Find("[data-testid=business-type-saved]").TextContent));
        Assert.Empty(host.FindAll(".rz-dialog-confirm-buttons"));
        Assert.Equal(before.Version, (await RegularsAsync()).Version);
    }
}
