using System.Security.Claims;
using Bunit.TestDoubles;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Tests.Components;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Staff;

/// <summary>Components about staff, on a directory whose owner (Olivia) was set up as on first run.</summary>
public abstract class StaffPageTest : ComponentTestContext
{
    protected const string Password = "a long enough password";

    private readonly BunitAuthorizationContext _auth;

    protected StaffPageTest()
    {
        Services.AddStaffAccounts();
        _auth = AddAuthorization(); // services must all be added before the first is resolved; who is signed in, later
    }

    protected StaffActor Owner { get; private set; } = default!;

    protected StaffService Staff => Services.GetRequiredService<StaffService>();

    protected StaffRoleService Roles => Services.GetRequiredService<StaffRoleService>();

    protected StaffAccess Access => Services.GetRequiredService<StaffAccess>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var scope = Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var owner = await scope.ServiceProvider.GetRequiredService<OwnerSetupService>().CreateOwnerAsync("Olivia Owner", "owner@example.com", Password);
        Owner = new StaffActor(owner.Id, owner.DisplayName);
    }

    /// <summary>The circuit's signed-in person, as the cookie would give it.</summary>
    protected void SignInAs(StaffActor actor, string email)
    {
        _auth.SetAuthorized(email);
        _auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.Id), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, actor.Name));
    }

    protected async Task<string> RoleIdAsync(string name) => (await Roles.ListAsync()).Single(r => r.Name == name).Id;

    protected async Task<StaffActor> AddStaffAsync(string name, string email, string role) =>
        new((await Staff.CreateAsync(new StaffInput(name, email, await RoleIdAsync(role), Password))).Id, name);
}
