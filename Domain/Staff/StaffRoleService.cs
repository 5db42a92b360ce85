using System.Security.Claims;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Domain.Staff;

/// <summary>
/// Roles (permission sets): list, create, rename, choose their permissions, delete. Every operation needs
/// <see cref="Permission.ManageStaff"/>. The Owner role always has everything and cannot be renamed, edited or deleted;
/// a role somebody has cannot be deleted. A change applies to the next action of everyone who has the role.
/// </summary>
public sealed class StaffRoleService(
    IServiceScopeFactory scopes,
    IDbContextFactory<DirectoryDbContext> dbFactory,
    StaffAccess access)
{
    public const int NameMaxLength = 50;

    /// <summary>The Owner role first, then the others by name.</summary>
    public async Task<IReadOnlyList<StaffRoleRow>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var roles = await db.Roles.AsNoTracking().Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        var claims = (await db.RoleClaims.AsNoTracking().Where(c => c.ClaimType == StaffRoles.PermissionClaim)
            .Select(c => new { c.RoleId, c.ClaimValue }).ToListAsync(ct)).ToLookup(c => c.RoleId, c => c.ClaimValue);
        var members = await db.UserRoles.GroupBy(l => l.RoleId).Select(g => new { RoleId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.RoleId, g => g.Count, ct);
        return [.. roles
            .Select(r =>
            {
                var isOwner = r.Name == StaffRoles.Owner;
                IReadOnlySet<Permission> permissions = isOwner
                    ? Permissions.All.ToHashSet()
                    : claims[r.Id].Select(v => Enum.TryParse<Permission>(v, out var p) ? p : (Permission?)null).OfType<Permission>().ToHashSet();
                return new StaffRoleRow(r.Id, r.Name ?? "", permissions, members.GetValueOrDefault(r.Id), isOwner);
            })
            .OrderBy(r => !r.IsOwner)
            .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)];
    }

    /// <summary>Creates a role with these permissions (none when not given); returns its id.</summary>
    public async Task<string> CreateAsync(string? name, IEnumerable<Permission>? permissions = null, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        var cleaned = CleanName(name);
        var granted = (permissions ?? []).Distinct().Order().ToList();
        return await StaffWrites.RunAsync(scopes, access, async s =>
        {
            await RequireFreeNameAsync(s, cleaned, null);
            var role = new IdentityRole(cleaned);
            StaffWrites.Check(await s.Roles.CreateAsync(role));
            foreach (var permission in granted)
            {
                StaffWrites.Check(await s.Roles.AddClaimAsync(role, Claim(permission)));
            }

            return role.Id;
        }, ct);
    }

    public async Task RenameAsync(string roleId, string? name, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        var cleaned = CleanName(name);
        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var role = await EditableRoleAsync(s, roleId, "renamed");
            if (role.Name == cleaned)
            {
                return;
            }

            await RequireFreeNameAsync(s, cleaned, role.Id);
            StaffWrites.Check(await s.Roles.SetRoleNameAsync(role, cleaned));
            StaffWrites.Check(await s.Roles.UpdateAsync(role));
        }, ct);
    }

    /// <summary>Makes the role grant exactly these permissions.</summary>
    public async Task SetPermissionsAsync(string roleId, IEnumerable<Permission> permissions, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        ArgumentNullException.ThrowIfNull(permissions);
        var wanted = permissions.ToHashSet();
        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var role = await EditableRoleAsync(s, roleId, "changed");
            foreach (var claim in (await s.Roles.GetClaimsAsync(role)).Where(c => c.Type == StaffRoles.PermissionClaim))
            {
                if (!Enum.TryParse<Permission>(claim.Value, out var held) || !wanted.Remove(held))
                {
                    StaffWrites.Check(await s.Roles.RemoveClaimAsync(role, claim));
                }
            }

            foreach (var permission in wanted.Order())
            {
                StaffWrites.Check(await s.Roles.AddClaimAsync(role, Claim(permission)));
            }
        }, ct);
    }

    /// <summary>
    /// Grants or withdraws one permission, leaving the others as they are now: two people ticking different boxes of
    /// the same role at once both keep their tick.
    /// </summary>
    public async Task SetPermissionAsync(string roleId, Permission permission, bool granted, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var role = await EditableRoleAsync(s, roleId, "changed");
            var held = (await s.Roles.GetClaimsAsync(role)).Where(c => c.Type == StaffRoles.PermissionClaim && c.Value == permission.ToString()).ToList();
            if (granted && held.Count == 0)
            {
                StaffWrites.Check(await s.Roles.AddClaimAsync(role, Claim(permission)));
            }
            else if (!granted)
            {
                foreach (var claim in held)
                {
                    StaffWrites.Check(await s.Roles.RemoveClaimAsync(role, claim));
                }
            }
        }, ct);
    }

    /// <summary>Deletes a role nobody has (deactivated people included: reactivating them needs their role).</summary>
    public async Task DeleteAsync(string roleId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageStaff, ct);
        await StaffWrites.RunAsync(scopes, access, async s =>
        {
            var role = await EditableRoleAsync(s, roleId, "deleted");
            var members = await s.Db.UserRoles.CountAsync(l => l.RoleId == role.Id, ct);
            if (members > 0)
            {
                throw new DomainException(members == 1
                    ? $"1 person has the role {role.Name}. Give them another role first."
                    : $"{members} people have the role {role.Name}. Give them another role first.");
            }

            StaffWrites.Check(await s.Roles.DeleteAsync(role));
        }, ct);
    }

    private static Claim Claim(Permission permission) => new(StaffRoles.PermissionClaim, permission.ToString());

    private static string CleanName(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Give the role a name.", "Name");
        var error = ContactRules.TextError("The role's name", cleaned, NameMaxLength);
        return error is null ? cleaned : throw new DomainException(error, "Name");
    }

    private static async Task RequireFreeNameAsync(StaffStores s, string name, string? exceptRoleId)
    {
        var existing = await s.Roles.FindByNameAsync(name);
        if (existing is not null && existing.Id != exceptRoleId)
        {
            throw new DomainException($"There is already a role called {existing.Name}.", "Name");
        }
    }

    private static async Task<IdentityRole> EditableRoleAsync(StaffStores s, string roleId, string verb)
    {
        var role = await s.Roles.FindByIdAsync(roleId) ?? throw new NotFoundException("This role does not exist (it may have been deleted).");
        return role.Name == StaffRoles.Owner
            ? throw new DomainException($"The Owner role always has every permission; it cannot be {verb}.")
            : role;
    }
}
