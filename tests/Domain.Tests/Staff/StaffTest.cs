using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CustomerDirectory.Domain.Tests.Staff;

/// <summary>A directory with its owner (Olivia) set up as on first run, and helpers to add staff.</summary>
public abstract class StaffTest : IAsyncLifetime
{
    public const string Password = "a long enough password";

    protected TestDatabase Db { get; private set; } = default!;

    protected StaffService Staff => Db.Get<StaffService>();

    protected StaffRoleService Roles => Db.Get<StaffRoleService>();

    protected StaffAccess Access => Db.Get<StaffAccess>();

    protected StaffActor Owner { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        await using var scope = Db.NewScope();
        var owner = await scope.ServiceProvider.GetRequiredService<OwnerSetupService>().CreateOwnerAsync("Olivia Owner", "owner@example.com", Password);
        Owner = new StaffActor(owner.Id, owner.DisplayName);
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();

    protected async Task<string> RoleIdAsync(string name) => (await Roles.ListAsync()).Single(r => r.Name == name).Id;

    /// <summary>Adds a member of staff (as Directory) and returns them as an actor.</summary>
    protected async Task<StaffActor> AddStaffAsync(string name, string role, string? email = null)
    {
        var created = await Staff.CreateAsync(new StaffInput(name, email ?? $"{name.Split(' ')[0].ToLowerInvariant()}@example.com", await RoleIdAsync(role), Password));
        return new StaffActor(created.Id, name);
    }

    /// <summary>What signing in with this email and password would give, through Identity's SignInManager.</summary>
    protected async Task<SignInResult> SignInAsync(string email, string password)
    {
        await using var scope = Db.NewScope();
        var services = scope.ServiceProvider;
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        var signIn = new SignInManager<StaffUser>(
            users,
            new HttpContextAccessor(),
            services.GetRequiredService<IUserClaimsPrincipalFactory<StaffUser>>(),
            services.GetRequiredService<IOptions<IdentityOptions>>(),
            NullLogger<SignInManager<StaffUser>>.Instance,
            new AuthenticationSchemeProvider(Options.Create(new AuthenticationOptions())),
            services.GetRequiredService<IUserConfirmation<StaffUser>>());
        var user = await users.FindByEmailAsync(email);
        Assert.NotNull(user);
        // The check PasswordSignInAsync makes before it writes the cookie.
        return await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
    }
}
