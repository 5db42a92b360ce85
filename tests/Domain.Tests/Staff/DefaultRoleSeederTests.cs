using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests.Staff;

public sealed class DefaultRoleSeederTests : DatabaseTest
{
    private StaffRoleService Roles => Db.Get<StaffRoleService>();

    [Fact]
    public async Task Migrate_CreatesTheDefaultRolesOnce_WithTheirPermissions()
    {
        await Db.Get<DatabaseMigrator>().MigrateAsync(); // a second start-up

        var roles = await Roles.ListAsync();
        Assert.Equal(DefaultRoles.Sets.Keys.Order(), roles.Select(r => r.Name).Order());
        Assert.All(roles, r => Assert.Equal(DefaultRoles.Sets[r.Name], r.Permissions));
        await using var db = Db.NewContext();
        Assert.Empty(await db.RoleClaims.Where(c => c.RoleId == roles[0].Id).ToListAsync()); // the Owner's "everything" is a rule
    }

    [Fact]
    public async Task Migrate_DoesNotBringBackADefaultRoleTheOwnerDeleted_ButAlwaysTheOwnerRole()
    {
        await Roles.DeleteAsync((await Roles.ListAsync()).Single(r => r.Name == StaffRoles.Marketer).Id);
        await using (var db = Db.NewContext())
        {
            await db.Roles.Where(r => r.Name == StaffRoles.Owner).ExecuteDeleteAsync(); // only possible behind the app's back
        }

        await Db.Get<DatabaseMigrator>().MigrateAsync();

        Assert.Equal([StaffRoles.Owner, StaffRoles.FrontDesk, StaffRoles.Manager, StaffRoles.ReadOnly], (await Roles.ListAsync()).Select(r => r.Name));
    }

    [Fact]
    public async Task Migrate_GivesAnOlderDirectorysDefaultRoles_ThePermissionsAddedLater_Once()
    {
        var manager = (await Roles.ListAsync()).Single(r => r.Name == StaffRoles.Manager);
        await using (var db = Db.NewContext())
        {
            // A directory from before the marketing permissions: its roles lack them, and nothing says they were granted.
            var added = DefaultRoleSeeder.AddedLater.Select(p => p.ToString()).ToList();
            await db.RoleClaims.Where(c => added.Contains(c.ClaimValue!)).ExecuteDeleteAsync();
            await db.MerchantSettings.Where(s => s.Key == DefaultRoleSeeder.MarketingGrantedKey).ExecuteDeleteAsync();
        }

        await Db.Get<DatabaseMigrator>().MigrateAsync();

        var roles = await Roles.ListAsync();
        Assert.All(roles, r => Assert.Equal(DefaultRoles.Sets[r.Name], r.Permissions));

        // The owner takes one away again: the next start-up leaves it away.
        await Roles.SetPermissionsAsync(manager.Id, DefaultRoles.Sets[StaffRoles.Manager].Where(p => p != Permission.ViewInsights).ToHashSet());
        await Db.Get<DatabaseMigrator>().MigrateAsync();
        Assert.DoesNotContain(Permission.ViewInsights, (await Roles.ListAsync()).Single(r => r.Name == StaffRoles.Manager).Permissions);
    }
}
