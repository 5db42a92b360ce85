using System.Reflection;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Domain.Tests.Staff;

public sealed class StaffServiceTests : StaffTest
{
    [Fact]
    public async Task Create_WithoutAPassword_GeneratesOne_ThatSignsIn_AndListsThePerson()
    {
        using var _ = StaffAccess.As(Owner);

        var created = await Staff.CreateAsync(new StaffInput("  Fran Desk ", "Fran@Example.com", await RoleIdAsync(StaffRoles.FrontDesk)));

        Assert.NotNull(created.GeneratedPassword);
        Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", created.GeneratedPassword);
        Assert.True((await SignInAsync("fran@example.com", created.GeneratedPassword)).Succeeded);
        var fran = (await Staff.ListAsync()).Single(s => s.Id == created.Id);
        Assert.Equal(("Fran Desk", "Fran@Example.com", StaffRoles.FrontDesk, true), (fran.Name, fran.Email, fran.Role, fran.Active));
        Assert.Equal(DefaultRoles.Sets[StaffRoles.FrontDesk], await Access.PermissionsOfAsync(new StaffActor(created.Id, "Fran")));
    }

    [Theory]
    [InlineData("", "fran@example.com", "Front desk", null, "Name")]
    [InlineData("Fran", "", "Front desk", null, "Email")]
    [InlineData("Fran", "not an email", "Front desk", null, "Email")]
    [InlineData("Fran", "fran@example.com", "", null, "Role")]
    [InlineData("Fran", "fran@example.com", "Front desk", "short", "Password")]
    public async Task Create_WithBadInput_SaysWhichField_AndCreatesNobody(string name, string email, string role, string? password, string field)
    {
        var roleId = role.Length == 0 ? null : await RoleIdAsync(role);

        var e = await Assert.ThrowsAsync<DomainException>(() => Staff.CreateAsync(new StaffInput(name, email, roleId, password)));

        Assert.Equal(field, e.Field);
        Assert.Single(await Staff.ListAsync());
    }

    [Fact]
    public async Task Create_WithAnEmailAlreadyUsed_IsRefused_WhateverItsCase()
    {
        var readOnly = await RoleIdAsync(StaffRoles.ReadOnly);

        var e = await Assert.ThrowsAsync<DomainException>(() => Staff.CreateAsync(new StaffInput("Other Olivia", " OWNER@example.com", readOnly, Password)));

        Assert.Equal("Email", e.Field);
        Assert.Equal("Someone already signs in with OWNER@example.com.", e.Message);
    }

    [Fact]
    public async Task ChangeRole_OfTheLastActiveOwner_IsRefused_UntilThereIsAnother()
    {
        using var _ = StaffAccess.As(Owner);
        var manager = await RoleIdAsync(StaffRoles.Manager);

        var e = await Assert.ThrowsAsync<DomainException>(() => Staff.ChangeRoleAsync(Owner.Id, manager));
        Assert.Equal("Olivia Owner is the only active owner. Make someone else an owner first.", e.Message);

        var sam = await AddStaffAsync("Sam Second", StaffRoles.Owner);
        await Staff.ChangeRoleAsync(Owner.Id, manager);

        Assert.Equal(StaffRoles.Manager, (await Access.GrantOfAsync(Owner.Id))!.Role);
        Assert.Equal(StaffRoles.Owner, (await Access.GrantOfAsync(sam.Id))!.Role);
    }

    [Fact]
    public async Task ChangeRole_AnotherOwnerWhoIsDeactivated_DoesNotCountAsAnActiveOwner()
    {
        var sam = await AddStaffAsync("Sam Second", StaffRoles.Owner);
        await Staff.DeactivateAsync(sam.Id);

        await Assert.ThrowsAsync<DomainException>(() => Staff.DeactivateAsync(Owner.Id));
        await Assert.ThrowsAsync<DomainException>(async () => await Staff.ChangeRoleAsync(Owner.Id, await RoleIdAsync(StaffRoles.ReadOnly)));

        Assert.True((await Access.GrantOfAsync(Owner.Id))!.Active);
    }

    [Fact]
    public async Task ChangeRole_AppliesToThePersonsNextCheck()
    {
        var fran = await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);
        Assert.DoesNotContain(Permission.Export, await Access.PermissionsOfAsync(fran));

        await Staff.ChangeRoleAsync(fran.Id, await RoleIdAsync(StaffRoles.Marketer));

        Assert.Equal(DefaultRoles.Sets[StaffRoles.Marketer], await Access.PermissionsOfAsync(fran));
        using var _ = StaffAccess.As(fran);
        await Access.RequireAsync(Permission.Export);
    }

    [Fact]
    public async Task AStaffChange_IsSeenByTheNextCheck_EvenWhileOthersAreReadingTheGrants()
    {
        // Open screens and requests read the grants all the time; a read that began before a write must not be what
        // every later check sees (a deactivated person still allowed in, until the next staff change).
        var fran = await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);
        using var _ = StaffAccess.As(Owner);
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Access.GrantOfAsync(fran.Id);
            }
        })).ToArray();
        try
        {
            for (var round = 0; round < 25; round++)
            {
                await Staff.DeactivateAsync(fran.Id);
                Assert.False((await Access.GrantOfAsync(fran.Id))!.Active, $"round {round}: still active after the deactivation");
                await Staff.ReactivateAsync(fran.Id);
                Assert.True((await Access.GrantOfAsync(fran.Id))!.Active, $"round {round}: still deactivated after the reactivation");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }
    }

    [Fact]
    public async Task Deactivate_Yourself_IsRefused()
    {
        var sam = await AddStaffAsync("Sam Second", StaffRoles.Owner);
        using var _ = StaffAccess.As(sam);

        var e = await Assert.ThrowsAsync<DomainException>(() => Staff.DeactivateAsync(sam.Id));

        Assert.Equal("You cannot deactivate your own account.", e.Message);
    }

    [Fact]
    public async Task Deactivate_TheLastActiveOwner_IsRefused()
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => Staff.DeactivateAsync(Owner.Id));

        Assert.Equal("Olivia Owner is the only active owner and cannot be deactivated.", e.Message);
    }

    [Fact]
    public async Task Deactivate_RefusesSignIn_EndsEveryPermission_AndChangesTheSecurityStamp_ReactivateRestores()
    {
        var fran = await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);
        var stamp = await StampAsync(fran.Id);
        using var _ = StaffAccess.As(Owner);

        await Staff.DeactivateAsync(fran.Id);

        Assert.Equal(SignInResult.NotAllowed, await SignInAsync("fran@example.com", Password));
        Assert.Empty(await Access.PermissionsOfAsync(fran));
        Assert.False((await Access.GrantOfAsync(fran.Id))!.Active);
        Assert.NotEqual(stamp, await StampAsync(fran.Id));
        var row = (await Staff.ListAsync()).Single(s => s.Id == fran.Id);
        Assert.Equal((false, Db.Clock.Now.UtcDateTime), (row.Active, row.DeactivatedAt));

        await Staff.ReactivateAsync(fran.Id);

        Assert.True((await SignInAsync("fran@example.com", Password)).Succeeded);
        Assert.Equal(DefaultRoles.Sets[StaffRoles.FrontDesk], await Access.PermissionsOfAsync(fran));
    }

    [Fact]
    public async Task TheOwnerCreatedAtSetup_CanSignIn()
    {
        Assert.True((await SignInAsync("owner@example.com", Password)).Succeeded);
    }

    [Fact]
    public async Task ResetPassword_GivesANewPassword_TheOldOneStops_AndALockOutIsLifted()
    {
        await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync("fran@example.com", "wrong password!");
        }

        Assert.True((await SignInAsync("fran@example.com", Password)).IsLockedOut);
        var fran = (await Staff.ListAsync()).Single(s => s.Name == "Fran Desk");

        var password = await Staff.ResetPasswordAsync(fran.Id);

        Assert.True((await SignInAsync("fran@example.com", password)).Succeeded);
        Assert.False((await SignInAsync("fran@example.com", Password)).Succeeded);
    }

    [Fact]
    public async Task Rename_ChangesTheNameEverywhere_AndABlankNameIsRefused()
    {
        var fran = await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);

        await Staff.RenameAsync(fran.Id, " Françoise Desk ");
        var e = await Assert.ThrowsAsync<DomainException>(() => Staff.RenameAsync(fran.Id, "  "));

        Assert.Equal("Name", e.Field);
        Assert.Equal("Françoise Desk", (await Staff.ListAsync()).Single(s => s.Id == fran.Id).Name);
        Assert.Equal("Françoise Desk", (await Access.GrantOfAsync(fran.Id))!.Name);
    }

    [Fact]
    public async Task SomeoneWithManageStaffWhoIsNoOwner_CannotTouchTheOwnerRoleOrAnOwner()
    {
        var adminRole = await Roles.CreateAsync("Staff admin", [Permission.ManageStaff]);
        var admin = await AddStaffAsync("Ada Admin", "Staff admin");
        var fran = await AddStaffAsync("Fran Desk", StaffRoles.FrontDesk);
        var owner = await RoleIdAsync(StaffRoles.Owner);
        using var _ = StaffAccess.As(admin);

        await Assert.ThrowsAsync<ForbiddenException>(() => Staff.ChangeRoleAsync(admin.Id, owner));
        await Assert.ThrowsAsync<ForbiddenException>(() => Staff.ResetPasswordAsync(Owner.Id));
        await Assert.ThrowsAsync<ForbiddenException>(() => Staff.DeactivateAsync(Owner.Id));
        await Assert.ThrowsAsync<ForbiddenException>(() => Staff.CreateAsync(new StaffInput("Mallory", "m@example.com", owner, Password)));
        await Staff.ChangeRoleAsync(fran.Id, adminRole); // other roles are theirs to give

        Assert.Equal("Staff admin", (await Access.GrantOfAsync(fran.Id))!.Role);
        Assert.Equal(StaffRoles.Owner, (await Access.GrantOfAsync(Owner.Id))!.Role);
    }

    public static TheoryData<string> Actors => new() { StaffRoles.Manager, StaffRoles.ReadOnly };

    [Theory]
    [MemberData(nameof(Actors))]
    public async Task EveryOperation_WithoutManageStaff_IsRefused_AndChangesNothing(string role)
    {
        var actor = await AddStaffAsync("Someone Else", role);
        var before = await SnapshotAsync();
        var operations = new object[] { Staff, Roles }
            .SelectMany(service => service.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(method => (service, method)))
            .ToList();
        Assert.Equal(13, operations.Count); // a new operation shows up here: give it its check, then count it

        using var _ = StaffAccess.As(actor);
        foreach (var (service, method) in operations)
        {
            var arguments = method.GetParameters().Select(p => Argument(p, before)).ToArray();
            var e = await Assert.ThrowsAsync<ForbiddenException>(() => (Task)method.Invoke(service, arguments)!);
            Assert.StartsWith("You may not manage staff.", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    /// <summary>A plausible argument, aimed at real rows: the refusal must come first, not a "not found".</summary>
    private static object? Argument(ParameterInfo parameter, string snapshot) => parameter.ParameterType switch
    {
        var type when type == typeof(string) => parameter.Name switch
        {
            "userId" => snapshot.Split('|')[0],
            "roleId" => snapshot.Split('|')[1],
            _ => "A new name",
        },
        var type when type == typeof(StaffInput) => new StaffInput("New Person", "new@example.com", snapshot.Split('|')[1], Password),
        var type when type == typeof(Permission) => Permission.Export,
        var type when type == typeof(bool) => true,
        var type when type == typeof(CancellationToken) => CancellationToken.None,
        var type when type.IsAssignableFrom(typeof(Permission[])) => new[] { Permission.Export },
        var type => throw new InvalidOperationException($"No sample argument of type {type}."),
    };

    /// <summary>Users, roles, links and claims as one string: equal before and after means nothing changed.</summary>
    private async Task<string> SnapshotAsync()
    {
        await using var db = Db.NewContext();
        var users = await db.Users.OrderBy(u => u.Id).Select(u => u.Id + u.DisplayName + u.SecurityStamp + u.DeactivatedAt + u.PasswordHash).ToListAsync();
        var roles = await db.Roles.OrderBy(r => r.Name).Select(r => r.Id + r.Name).ToListAsync();
        var links = await db.UserRoles.OrderBy(l => l.UserId).ThenBy(l => l.RoleId).Select(l => l.UserId + l.RoleId).ToListAsync();
        var claims = await db.RoleClaims.OrderBy(c => c.Id).Select(c => c.RoleId + c.ClaimValue).ToListAsync();
        var firstUser = await db.Users.OrderBy(u => u.CreatedAt).Select(u => u.Id).FirstAsync();
        var aRole = await db.Roles.Where(r => r.Name == StaffRoles.ReadOnly).Select(r => r.Id).FirstAsync();
        return string.Join('|', [firstUser, aRole, .. users, .. roles, .. links, .. claims]);
    }

    private async Task<string?> StampAsync(string userId)
    {
        await using var scope = Db.NewScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByIdAsync(userId))!.SecurityStamp;
    }
}
