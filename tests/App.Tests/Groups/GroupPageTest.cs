using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Tests.Components;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Groups;

/// <summary>
/// The group pages, signed in as Claire, with three customers: Hugo Bernard (Lyon), Paul Bernard (Paris) and Zoé Martin
/// (Lyon, subscribed to email).
/// </summary>
public abstract class GroupPageTest : ComponentTestContext
{
    protected GroupPageTest()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("claire@example.com");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "claire"), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, "Claire"));
    }

    protected const string Actor = "Claire";

    protected int Hugo { get; private set; }

    protected int Paul { get; private set; }

    protected int Zoe { get; private set; }

    protected GroupService Groups => Services.GetRequiredService<GroupService>();

    protected BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Hugo = await Customers.CreateAsync(new() { FirstName = "Hugo", LastName = "Bernard", Email = "hugo@example.com", City = "Lyon" });
        Paul = await Customers.CreateAsync(new() { FirstName = "Paul", LastName = "Bernard", Email = "paul@example.org", City = "Paris" });
        Zoe = await Customers.CreateAsync(new() { FirstName = "Zoé", LastName = "Martin", Email = "zoe@example.com", City = "Lyon" });
        await Services.GetRequiredService<ConsentService>().SetByStaffAsync(Zoe, ConsentChannel.Email, ConsentStatus.Subscribed, new StaffActor("claire", Actor));
        await Services.GetRequiredService<GroupEngine>().WhenIdleAsync();
    }

    protected static FilterDefinition CityIs(string city) =>
        new() { Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, city)) };

    protected Task<int> LyonGroupAsync(string name = "Lyon") => Groups.CreateAsync(new GroupInput(name, "Our Lyon customers", GroupKind.Automated, CityIs("Lyon")), Actor);

    protected static string Text<T>(IRenderedComponent<T> cut, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"[data-testid={testId}]").TextContent.Trim();
}
