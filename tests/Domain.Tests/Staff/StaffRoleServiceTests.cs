using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.Domain.Tests.Staff;

public sealed class StaffRoleServiceTests : StaffTest
{
    [Fact]
    public async Task List_ShowsTheDefaultRoles_OwnerFirst_WithTheirPermissionsAndMembers()
    {
        await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);
        await AddStaffAsync("Fred Desk", StaffRoles.FrontDesk, "fred@example.com");

        var roles = await Roles.ListAsync();

        Assert.Equal([StaffRoles.Owner, StaffRoles.FrontDesk, StaffRoles.Manager, StaffRoles.Marketer, StaffRoles.ReadOnly], roles.Select(r => r.Name));
        Assert.All(roles, r => Assert.Equal(DefaultRoles.Sets[r.Name], r.Permissions));
        Assert.Equal([1, 2, 0, 0, 0], roles.Select(r => r.Members));
        Assert.Equal([true, false, false, false, false], roles.Select(r => r.IsOwner));
    }

    [Fact]
    public async Task SetPermissions_IsWhatStaffAccessAnswersAtOnce()
    {
        var fran = await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);
        Assert.Contains(Permission.EditProfiles, await Access.PermissionsOfAsync(fran)); // the snapshot is loaded

        await Roles.SetPermissionsAsync(await RoleIdAsync(StaffRoles.FrontDesk), [Permission.ViewProfiles, Permission.Export]);

        Assert.Equal(new HashSet<Permission> { Permission.ViewProfiles, Permission.Export }, await Access.PermissionsOfAsync(fran));
    }

    [Fact]
    public async Task SetPermission_GrantsOrWithdrawsOne_AndLeavesTheOthers()
    {
        var fran = await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);
        var frontDesk = await RoleIdAsync(StaffRoles.FrontDesk);

        await Roles.SetPermissionAsync(frontDesk, Permission.Export, granted: true);
        await Roles.SetPermissionAsync(frontDesk, Permission.Export, granted: true);
        await Roles.SetPermissionAsync(frontDesk, Permission.WriteNotes, granted: false);

        Assert.Equal(DefaultRoles.Sets[StaffRoles.FrontDesk].Append(Permission.Export).Where(p => p != Permission.WriteNotes).ToHashSet(),
            await Access.PermissionsOfAsync(fran));
    }

    [Fact]
    public async Task TheOwnerRole_CannotBeEditedRenamedOrDeleted()
    {
        var owner = await RoleIdAsync(StaffRoles.Owner);

        var edit = await Assert.ThrowsAsync<DomainException>(() => Roles.SetPermissionsAsync(owner, [Permission.ViewProfiles]));
        await Assert.ThrowsAsync<DomainException>(() => Roles.SetPermissionAsync(owner, Permission.ManageStaff, granted: false));
        await Assert.ThrowsAsync<DomainException>(() => Roles.RenameAsync(owner, "Boss"));
        await Assert.ThrowsAsync<DomainException>(() => Roles.DeleteAsync(owner));

        Assert.Equal("The Owner role always has every permission; it cannot be changed.", edit.Message);
        Assert.Equal(Permissions.All.ToHashSet(), await Access.PermissionsOfAsync(Owner));
        Assert.Equal(StaffRoles.Owner, (await Roles.ListAsync())[0].Name);
    }

    [Fact]
    public async Task Delete_ARoleSomeoneHas_IsRefused_EvenIfTheyAreDeactivated_ThenAllowed()
    {
        var fran = await AddStaffAsync("Fran Desk", StaffRoles.Marketer);
        await Staff.DeactivateAsync(fran.Id);
        var marketer = await RoleIdAsync(StaffRoles.Marketer);

        var e = await Assert.ThrowsAsync<DomainException>(() => Roles.DeleteAsync(marketer));
        Assert.Equal("1 person has the role Marketer. Give them another role first.", e.Message);

        await Staff.ChangeRoleAsync(fran.Id, await RoleIdAsync(StaffRoles.ReadOnly));
        await Roles.DeleteAsync(marketer);

        Assert.DoesNotContain(await Roles.ListAsync(), r => r.Name == StaffRoles.Marketer);
    }

    [Theory]
    [InlineData("front DESK", "There is already a role called Front desk.")]
    [InlineData(" owner ", "There is already a role called Owner.")]
    [InlineData("   ", "Give the role a name.")]
    public async Task Create_WithANameTakenOrBlank_IsRefused(string name, string message)
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => Roles.CreateAsync(name));

        Assert.Equal((message, "Name"), (e.Message, e.Field));
        Assert.Equal(5, (await Roles.ListAsync()).Count);
    }

    [Fact]
    public async Task CreateAndRename_ARoleOfTheOwnersOwn()
    {
        var id = await Roles.CreateAsync(" Stock keeper ", [Permission.ViewProfiles, Permission.Import]);

        await Roles.RenameAsync(id, "Stock");
        var taken = await Assert.ThrowsAsync<DomainException>(() => Roles.RenameAsync(id, "manager"));
        await Roles.RenameAsync(id, "STOCK"); // its own name in another case is no clash

        Assert.Equal("There is already a role called Manager.", taken.Message);
        var role = (await Roles.ListAsync()).Single(r => r.Id == id);
        Assert.Equal(("STOCK", 0), (role.Name, role.Members));
        Assert.Equal(new HashSet<Permission> { Permission.ViewProfiles, Permission.Import }, role.Permissions);
    }
}
