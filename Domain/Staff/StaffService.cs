using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Domain.Staff;

/// <summary>
/// The people who sign in: add them, give them a role, rename, deactivate and reactivate them, reset their password.
/// Every operation needs <see cref="Permission.ManageStaff"/>; the roles themselves are <see cref="StaffRoleService"/>.
/// </summary>
/// <remarks>
/// Rules: the directory always keeps an active owner (the last one cannot be demoted or deactivated); nobody deactivates
/// themselves; and only an owner touches the Owner role or an owner's account (otherwise anyone holding ManageStaff could
/// make themselves owner or take an owner's account over by resetting its password).
/// </remarks>
public sealed class StaffService(
    IServiceScopeFactory scopes,
    IDbContextFactory<DirectoryDbContext> dbFactory,
    StaffAccess access,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<StaffMemberRow>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking()
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.CreatedAt, u.DeactivatedAt })
            .ToListAsync(ct);
        var roles = (await (from link in db.UserRoles
                            join role in db.Roles on link.RoleId equals role.Id
                            select new { link.UserId, role.Id, role.Name }).ToListAsync(ct))
            .ToLookup(r => r.UserId);
        return [.. users
            .Select(u =>
            {
                var theirs = roles[u.Id].OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
                return new StaffMemberRow(u.Id, u.DisplayName, u.Email ?? "", theirs.FirstOrDefault()?.Id,
                    string.Join(", ", theirs.Select(r => r.Name)), u.DeactivatedAt is null, u.CreatedAt, u.DeactivatedAt);
            })
            .OrderBy(u => !u.Active)
            .ThenBy(u => u.Name, StringComparer.CurrentCultureIgnoreCase)];
    }

    /// <summary>Adds a member of staff who can sign in at once with the email and the password (generated when none is given).</summary>
    public async Task<StaffCreated> CreateAsync(StaffInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        ArgumentNullException.ThrowIfNull(input);
        var actor = access.RequireActor();
        var name = CleanName(input.Name);
        var email = ContactRules.Clean(input.Email);
        if (email is null || ContactRules.EmailError(email) is not null)
        {
            throw new DomainException("Enter an email address like name@example.com.", "Email");
        }

        var generated = string.IsNullOrEmpty(input.Password) ? StaffWrites.GeneratePassword() : null;
        return await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var role = await RoleAsync(s, input.RoleId);
            await RequireOwnerForOwnerRoleAsync(s, actor, role.Name == StaffRoles.Owner, ct);
            if (await s.Users.FindByEmailAsync(email) is not null)
            {
                throw new DomainException($"Someone already signs in with {email}.", "Email");
            }

            var user = new StaffUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true, // the owner vouches for it; Directory sends no mail
                DisplayName = name,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            StaffWrites.Check(await s.Users.CreateAsync(user, generated ?? input.Password!));
            StaffWrites.Check(await s.Users.AddToRoleAsync(user, role.Name!));
            return new StaffCreated(user.Id, generated);
        }, ct);
    }

    public async Task RenameAsync(string userId, string? name, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        var cleaned = CleanName(name);
        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var user = await UserAsync(s, userId);
            if (user.DisplayName != cleaned)
            {
                user.DisplayName = cleaned;
                StaffWrites.Check(await s.Users.UpdateAsync(user));
            }
        }, ct);
    }

    /// <summary>Gives the person this role instead of their current one. Applies to their very next action.</summary>
    public async Task ChangeRoleAsync(string userId, string roleId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        var actor = access.RequireActor();
        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var user = await UserAsync(s, userId);
            var role = await RoleAsync(s, roleId);
            var current = await s.Users.GetRolesAsync(user);
            if (current.Count == 1 && current[0] == role.Name)
            {
                return;
            }

            var wasOwner = current.Contains(StaffRoles.Owner);
            var becomesOwner = role.Name == StaffRoles.Owner;
            await RequireOwnerForOwnerRoleAsync(s, actor, wasOwner || becomesOwner, ct);
            if (wasOwner && !becomesOwner && user.DeactivatedAt is null && await StaffWrites.ActiveOwnersAsync(s.Db, ct) <= 1)
            {
                throw new DomainException($"{user.DisplayName} is the only active owner. Make someone else an owner first.", "Role");
            }

            StaffWrites.Check(await s.Users.RemoveFromRolesAsync(user, current));
            StaffWrites.Check(await s.Users.AddToRoleAsync(user, role.Name!));
        }, ct);
    }

    /// <summary>The person can no longer sign in, and their open sessions end (the security stamp changes).</summary>
    public async Task DeactivateAsync(string userId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        var actor = access.RequireActor();
        if (actor.Id == userId)
        {
            throw new DomainException("You cannot deactivate your own account.");
        }

        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var user = await UserAsync(s, userId);
            if (user.DeactivatedAt is not null)
            {
                return;
            }

            var isOwner = await s.Users.IsInRoleAsync(user, StaffRoles.Owner);
            await RequireOwnerForOwnerRoleAsync(s, actor, isOwner, ct);
            if (isOwner && await StaffWrites.ActiveOwnersAsync(s.Db, ct) <= 1)
            {
                throw new DomainException($"{user.DisplayName} is the only active owner and cannot be deactivated.");
            }

            user.DeactivatedAt = clock.GetUtcNow().UtcDateTime;
            StaffWrites.Check(await s.Users.UpdateAsync(user));
            StaffWrites.Check(await s.Users.UpdateSecurityStampAsync(user));
        }, ct);
    }

    public async Task ReactivateAsync(string userId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        var actor = access.RequireActor();
        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var user = await UserAsync(s, userId);
            if (user.DeactivatedAt is null)
            {
                return;
            }

            await RequireOwnerForOwnerRoleAsync(s, actor, await s.Users.IsInRoleAsync(user, StaffRoles.Owner), ct);
            user.DeactivatedAt = null;
            StaffWrites.Check(await s.Users.UpdateAsync(user));
        }, ct);
    }

    /// <summary>
    /// Replaces the person's password with a generated one, returned to be shown once; ends their open sessions and
    /// lifts a lock-out from failed attempts.
    /// </summary>
    public async Task<string> ResetPasswordAsync(string userId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        var actor = access.RequireActor();
        var password = StaffWrites.GeneratePassword();
        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var user = await UserAsync(s, userId);
            await RequireOwnerForOwnerRoleAsync(s, actor, await s.Users.IsInRoleAsync(user, StaffRoles.Owner), ct);
            // Both steps change the security stamp; the transaction makes them one (never an account without a password).
            StaffWrites.Check(await s.Users.RemovePasswordAsync(user));
            StaffWrites.Check(await s.Users.AddPasswordAsync(user, password));
            StaffWrites.Check(await s.Users.SetLockoutEndDateAsync(user, null));
            StaffWrites.Check(await s.Users.ResetAccessFailedCountAsync(user));
        }, ct);
        return password;
    }

    private static string CleanName(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Name is required.", "Name");
        var error = ContactRules.TextError("Name", cleaned, StaffUser.DisplayNameMaxLength);
        return error is null ? cleaned : throw new DomainException(error, "Name");
    }

    private static async Task<StaffUser> UserAsync(StaffStores s, string userId) =>
        await s.Users.FindByIdAsync(userId) ?? throw new NotFoundException("This member of staff does not exist (they may have been removed).");

    private static async Task<IdentityRole> RoleAsync(StaffStores s, string? roleId) =>
        (string.IsNullOrEmpty(roleId) ? null : await s.Roles.FindByIdAsync(roleId))
        ?? throw new DomainException("Choose a role.", "Role");

    private static async Task RequireOwnerForOwnerRoleAsync(StaffStores s, StaffActor actor, bool ownerInvolved, CancellationToken ct)
    {
        if (ownerInvolved && !await StaffWrites.IsOwnerAsync(s.Db, actor, ct))
        {
            throw new ForbiddenException("Only an owner can make someone an owner, or change an owner's account.");
        }
    }
}
