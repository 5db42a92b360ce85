using System.Security.Cryptography;
using CustomerDirectory.Domain.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Domain.Staff;

/// <summary>Identity's scoped managers and the context they share, for one write.</summary>
internal sealed record StaffStores(UserManager<StaffUser> Users, RoleManager<IdentityRole> Roles, DirectoryDbContext Db);

/// <summary>
/// How <see cref="StaffService"/> and <see cref="StaffRoleService"/> write: one at a time, in one transaction, then
/// <see cref="StaffAccess.Invalidate"/> so the next permission check and every open screen see the change.
/// </summary>
internal static class StaffWrites
{
    // One staff write at a time in this process: "the last active owner" and "a role nobody has" are read and acted
    // on in the same step, so two owners demoting each other at once cannot leave the directory without one.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private const string PasswordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i: read aloud, typed once

    public static async Task<T> RunAsync<T>(IServiceScopeFactory scopes, StaffAccess access, Func<StaffStores, Task<T>> work, CancellationToken ct)
    {
        T result;
        await Gate.WaitAsync(ct);
        try
        {
            // UserManager and RoleManager are scoped (they hold a DbContext): one scope per operation.
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<DirectoryDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            result = await work(new StaffStores(
                services.GetRequiredService<UserManager<StaffUser>>(), services.GetRequiredService<RoleManager<IdentityRole>>(), db));
            await transaction.CommitAsync(ct);
        }
        finally
        {
            Gate.Release();
        }

        access.Invalidate();
        return result;
    }

    public static Task RunAsync(IServiceScopeFactory scopes, StaffAccess access, Func<StaffStores, Task> work, CancellationToken ct) =>
        RunAsync(scopes, access, async s =>
        {
            await work(s);
            return true;
        }, ct);

    /// <summary>Turns Identity's refusal into a <see cref="DomainException"/> naming the field it is about.</summary>
    public static void Check(IdentityResult result)
    {
        if (result.Succeeded)
        {
            return;
        }

        var codes = result.Errors.Select(e => e.Code).ToList();
        var field = codes.Any(c => c.StartsWith("Password", StringComparison.Ordinal)) ? "Password"
            : codes.Any(c => c.Contains("Email", StringComparison.Ordinal) || c.Contains("UserName", StringComparison.Ordinal)) ? "Email"
            : codes.Any(c => c.Contains("RoleName", StringComparison.Ordinal)) ? "Name"
            : null;
        throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)), field);
    }

    /// <summary>A password to read out or paste once: 16 random characters in four groups (about 79 bits).</summary>
    public static string GeneratePassword() =>
        string.Join('-', Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString(PasswordAlphabet, 4)));

    /// <summary>Whether <paramref name="actor"/> is Directory itself or has the Owner role.</summary>
    public static async Task<bool> IsOwnerAsync(DirectoryDbContext db, StaffActor actor, CancellationToken ct) =>
        actor.IsSystem || await OwnerIds(db).ContainsAsync(actor.Id, ct);

    /// <summary>How many people have the Owner role and can sign in.</summary>
    public static Task<int> ActiveOwnersAsync(DirectoryDbContext db, CancellationToken ct) =>
        (from id in OwnerIds(db) join u in db.Users on id equals u.Id where u.DeactivatedAt == null select id).CountAsync(ct);

    private static IQueryable<string> OwnerIds(DirectoryDbContext db) =>
        from link in db.UserRoles
        join role in db.Roles on link.RoleId equals role.Id
        where role.Name == StaffRoles.Owner
        select link.UserId;
}
