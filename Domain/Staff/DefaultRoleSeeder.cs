using System.Text;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Groups;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Staff;

/// <summary>
/// Creates the roles of <see cref="DefaultRoles.Sets"/> once per directory, at start-up after the migrations. A default
/// role the owner deleted is not created again (a merchant setting remembers that they were created); a name the owner
/// already gave to a role of their own is left alone. The Owner role is made sure of every time: it cannot be deleted.
/// </summary>
/// <remarks>
/// Writes Identity's tables directly rather than through <see cref="RoleManager{TRole}"/>: the migrator is a singleton
/// that also runs in hosts without Identity's scoped services (jobs, benchmarks). The normalised name is what Identity's
/// <see cref="UpperInvariantLookupNormalizer"/> computes, so RoleManager finds these roles by name.
/// </remarks>
internal static class DefaultRoleSeeder
{
    internal const string CreatedKey = "staff.default-roles-created";

    /// <summary>Remembers that the default roles of a directory older than these permissions were given them.</summary>
    internal const string MarketingGrantedKey = "staff.marketing-permissions-granted";

    /// <summary>Permissions added after directories already existed: their default roles get them once.</summary>
    internal static readonly Permission[] AddedLater =
        [Permission.BuildAudiences, Permission.ManageAutomations, Permission.ViewInsights, Permission.ManageApiKeys];

    public static async Task EnsureAsync(DirectoryDbContext db, CancellationToken ct)
    {
        var remembered = await db.MerchantSettings.AnyAsync(s => s.Key == CreatedKey, ct);
        var taken = (await db.Roles.Select(r => r.NormalizedName).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, permissions) in DefaultRoles.Sets)
        {
            var isOwner = name == StaffRoles.Owner;
            if ((remembered && !isOwner) || taken.Contains(Normalize(name)))
            {
                continue;
            }

            var role = new IdentityRole(name) { NormalizedName = Normalize(name) };
            db.Roles.Add(role);
            if (!isOwner)
            {
                // The Owner role holds everything by rule (StaffAccess), not by claims that could be edited away.
                db.RoleClaims.AddRange(permissions.Order().Select(p => new IdentityRoleClaim<string>
                {
                    RoleId = role.Id,
                    ClaimType = StaffRoles.PermissionClaim,
                    ClaimValue = p.ToString(),
                }));
            }
        }

        if (!remembered)
        {
            db.MerchantSettings.Add(new MerchantSetting { Key = CreatedKey, Value = "true" });
        }

        if (!await db.MerchantSettings.AnyAsync(s => s.Key == MarketingGrantedKey, ct))
        {
            if (remembered)
            {
                await GrantAddedLaterAsync(db, ct);
            }

            db.MerchantSettings.Add(new MerchantSetting { Key = MarketingGrantedKey, Value = "true" });
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// A directory whose default roles were made before <see cref="AddedLater"/> existed: each role still carrying a
    /// default name gets those of its default set it lacks, once. The owner edits them as usual afterwards.
    /// </summary>
    private static async Task GrantAddedLaterAsync(DirectoryDbContext db, CancellationToken ct)
    {
        foreach (var (name, permissions) in DefaultRoles.Sets)
        {
            var role = await db.Roles.SingleOrDefaultAsync(r => r.NormalizedName == Normalize(name), ct);
            if (role is null || name == StaffRoles.Owner)
            {
                continue;
            }

            var held = (await db.RoleClaims
                .Where(c => c.RoleId == role.Id && c.ClaimType == StaffRoles.PermissionClaim)
                .Select(c => c.ClaimValue)
                .ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            db.RoleClaims.AddRange(AddedLater
                .Where(p => permissions.Contains(p) && !held.Contains(p.ToString()))
                .Select(p => new IdentityRoleClaim<string> { RoleId = role.Id, ClaimType = StaffRoles.PermissionClaim, ClaimValue = p.ToString() }));
        }
    }

    internal static string Normalize(string name) => name.Normalize(NormalizationForm.FormC).ToUpperInvariant();
}
