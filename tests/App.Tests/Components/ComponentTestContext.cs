using Bunit;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>
/// bUnit with Radzen and the real Domain services on a real SQLite database in a temp folder.
/// Radzen's own JavaScript is not under test here (the browser tests run it), so JS interop is loose.
/// </summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    protected ComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        // Live pages refresh from the change feed after a coalescing window and a database read: 1 s (bUnit's default) is
        // too tight when CI runs the browser suite beside these (JobsPageTests failed so on 2026-12-06). A wait that
        // passes returns at once; only a failing one waits this long.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        Services.AddRadzenComponents();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataFolder"] = _folder.Path })
            .Build();
        Services.AddLogging();
        Services.AddSingleton(new StaffAccessOptions(StaffActor.System)); // tests say whom they act as (StaffAccess.As)
        Services.AddDomain(configuration);
        Services.AddSingleton<CustomerDirectory.App.Live.PresenceTracker>();
    }

    protected CustomerService Customers => Services.GetRequiredService<CustomerService>();

    /// <summary>Mia, a member of staff whose role (<paramref name="role"/>) holds exactly <paramref name="permissions"/>; act as her with <c>StaffAccess.As</c>.</summary>
    protected async Task<(StaffActor Actor, string RoleId)> StaffAsync(string role, params Permission[] permissions)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<DirectoryDbContext>>().CreateDbContextAsync();
        var identityRole = new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() };
        db.Roles.Add(identityRole);
        db.RoleClaims.AddRange(permissions.Select(p => new IdentityRoleClaim<string> { RoleId = identityRole.Id, ClaimType = StaffRoles.PermissionClaim, ClaimValue = p.ToString() }));
        var user = new StaffUser { UserName = "mia@example.com", NormalizedUserName = "MIA@EXAMPLE.COM", DisplayName = "Mia", CreatedAt = DateTime.UtcNow };
        db.Users.Add(user);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = identityRole.Id });
        await db.SaveChangesAsync();
        Services.GetRequiredService<StaffAccess>().Invalidate();
        return (new StaffActor(user.Id, "Mia"), identityRole.Id);
    }

    public virtual Task InitializeAsync() => Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();

    protected Task<int> AddCustomerAsync(string first, string last, string? email = null) =>
        Customers.CreateAsync(new CustomerInput { FirstName = first, LastName = last, Email = email });

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _folder.Dispose();
    }
}
