using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Staff;

/// <summary>
/// Who the current operation runs for, and what they may do. Every Domain service operation starts with
/// <see cref="RequireAsync"/>; a test walks every public operation and fails when one does not.
/// </summary>
/// <remarks>
/// <para>
/// The actor is ambient (an <see cref="AsyncLocal{T}"/>), set by the host at each entry point: the web app for every
/// HTTP request and every inbound activity of a Blazor circuit, from the server-held authentication state; background
/// jobs as <see cref="StaffActor.System"/>. Change-feed handlers run with no actor, so work they start (a live refresh)
/// must say whom it runs for. With no actor the answer is "nothing": access fails closed.
/// </para>
/// <para>
/// Permissions are looked up at each check, not taken from the sign-in cookie, so a role change or a deactivation
/// applies to the very next action of an open session. The lookup is an in-memory snapshot of staff and roles,
/// reloaded after any change to them (<see cref="Invalidate"/>).
/// </para>
/// </remarks>
public sealed class StaffAccess(IDbContextFactory<DirectoryDbContext> dbFactory, ChangeFeed changes, StaffAccessOptions options, TimeProvider clock)
{
    private static readonly AsyncLocal<StaffActor?> Ambient = new();
    private static readonly FrozenSet<Permission> Everything = Permissions.All.ToFrozenSet();
    private static readonly FrozenSet<Permission> Nothing = FrozenSet<Permission>.Empty;

    private Task<Snapshot>? _snapshot;

    // Counts invalidations, so a load that began before one is never kept after it.
    private long _generation;

    /// <summary>The actor of the current operation, or null when none was set.</summary>
    public StaffActor? Current => Ambient.Value ?? options.Unattended;

    /// <summary>The actor set for this async flow (null when none), to hand on to work that runs later for the same person.</summary>
    public static StaffActor? AmbientActor => Ambient.Value;

    /// <summary>Runs the rest of this async flow (until the scope is disposed) as <paramref name="actor"/>; null for nobody.</summary>
    public static Scope As(StaffActor? actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = actor;
        return new Scope(previous);
    }

    /// <summary>Runs as Directory itself (jobs, start-up): every permission.</summary>
    public static Scope AsSystem() => As(StaffActor.System);

    /// <summary>The actor, or a refusal when nobody is signed in.</summary>
    public StaffActor RequireActor() => Current ?? throw new ForbiddenException("Sign in first.");

    /// <summary>Throws <see cref="ForbiddenException"/> unless the current actor holds <paramref name="permission"/>.</summary>
    /// <remarks>A refusal is written to the audit log ("access.denied": who, which operation, which permission).</remarks>
    public async ValueTask RequireAsync(Permission permission, CancellationToken ct = default, [CallerMemberName] string operation = "")
    {
        if (!(await PermissionsAsync(ct)).Contains(permission))
        {
            await LogDeniedAsync(permission, operation);
            throw Denied(permission);
        }
    }

    private async Task LogDeniedAsync(Permission permission, string operation)
    {
        var actor = Current;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            db.AuditEntries.Add(new Audit.AuditEntry
            {
                At = clock.GetUtcNow().UtcDateTime,
                ActorId = actor is { IsSystem: false } ? actor.Id : null,
                ActorName = Audit.AuditText.Line(actor?.Name, Audit.AuditEntry.NameMaxLength) ?? "Not signed in",
                Action = "access.denied",
                RecordType = "operation",
                RecordId = Audit.AuditText.Line(operation, Audit.AuditEntry.RecordMaxLength),
                Summary = Audit.AuditText.Line($"Refused {operation}: needs “{permission.Describe()}”", Audit.AuditEntry.SummaryMaxLength) ?? "",
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
        {
            // The refusal stands even if it cannot be logged (a database that is shutting down).
        }
    }

    /// <summary>Which profile fields the current actor may see.</summary>
    public async ValueTask<FieldAccess> FieldsAsync(CancellationToken ct = default) => FieldAccess.Of(await PermissionsAsync(ct));

    public async ValueTask<bool> HasAsync(Permission permission, CancellationToken ct = default) =>
        (await PermissionsAsync(ct)).Contains(permission);

    /// <summary>What the current actor may do right now (nothing when nobody, or a deactivated account, is acting).</summary>
    public ValueTask<IReadOnlySet<Permission>> PermissionsAsync(CancellationToken ct = default) => PermissionsOfAsync(Current, ct);

    /// <summary>What <paramref name="actor"/> may do right now (pages use it for the signed-in person of a request).</summary>
    public async ValueTask<IReadOnlySet<Permission>> PermissionsOfAsync(StaffActor? actor, CancellationToken ct = default)
    {
        if (actor is null)
        {
            return Nothing;
        }

        if (actor.IsSystem)
        {
            return Everything;
        }

        if (actor.Grants is { } grants)
        {
            return grants; // an API key: its scopes, checked against the key's row when the call came in
        }

        var snapshot = await SnapshotAsync(ct);
        return snapshot.Staff.TryGetValue(actor.Id, out var grant) && grant.Active ? grant.Permissions : Nothing;
    }

    /// <summary>The role and status of a member of staff as the last snapshot knows them.</summary>
    public async ValueTask<StaffGrant?> GrantOfAsync(string userId, CancellationToken ct = default) =>
        (await SnapshotAsync(ct)).Staff.GetValueOrDefault(userId);

    /// <summary>After staff, roles or their permissions changed: the next check reloads, and open screens re-check.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _snapshot, null);
        changes.Publish(ChangeKind.StaffChanged);
    }

    private static ForbiddenException Denied(Permission permission) => new($"You may not {permission.Verb()}. Ask the owner for this permission.");

    private Task<Snapshot> SnapshotAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _snapshot);
        if (current is { IsCompletedSuccessfully: true } || current is { IsCompleted: false })
        {
            return current;
        }

        var generation = Interlocked.Read(ref _generation);
        var loading = LoadAsync(ct);
        if (Interlocked.CompareExchange(ref _snapshot, loading, current) == current && Interlocked.Read(ref _generation) != generation)
        {
            // A staff write was invalidated while this load was being installed: it may have read the rows from before
            // that write (a deactivated person still active), so it must not stay for everyone's next check.
            Interlocked.CompareExchange(ref _snapshot, null, loading);
        }

        return loading;
    }

    private async Task<Snapshot> LoadAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var roles = await db.Roles.AsNoTracking().Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        var claims = await db.RoleClaims.AsNoTracking().Where(c => c.ClaimType == StaffRoles.PermissionClaim)
            .Select(c => new { c.RoleId, c.ClaimValue }).ToListAsync(ct);
        var links = await db.UserRoles.AsNoTracking().ToListAsync(ct);
        var users = await db.Users.AsNoTracking().Select(u => new { u.Id, u.DisplayName, u.DeactivatedAt }).ToListAsync(ct);

        var permissionsOfRole = roles.ToDictionary(r => r.Id, r => r.Name == StaffRoles.Owner
            ? Everything
            : claims.Where(c => c.RoleId == r.Id).Select(c => Enum.TryParse<Permission>(c.ClaimValue, out var p) ? p : (Permission?)null)
                .OfType<Permission>().ToFrozenSet());
        var roleName = roles.ToDictionary(r => r.Id, r => r.Name ?? "");
        var staff = users.ToFrozenDictionary(u => u.Id, u =>
        {
            // One role per person; should a second ever be linked, the person gets the union.
            var theirs = links.Where(l => l.UserId == u.Id && permissionsOfRole.ContainsKey(l.RoleId)).Select(l => l.RoleId).ToList();
            var permissions = theirs.SelectMany(r => permissionsOfRole[r]).ToFrozenSet();
            return new StaffGrant(u.Id, u.DisplayName, string.Join(", ", theirs.Select(r => roleName[r])), permissions, u.DeactivatedAt is null);
        });
        return new Snapshot(staff);
    }

    private sealed record Snapshot(FrozenDictionary<string, StaffGrant> Staff);

    /// <summary>Restores the previous actor when disposed.</summary>
    public readonly struct Scope(StaffActor? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>A member of staff's role and what it grants.</summary>
public sealed record StaffGrant(string UserId, string Name, string Role, IReadOnlySet<Permission> Permissions, bool Active);

/// <param name="Unattended">
/// Who acts when no actor was set. Null (the web app): nobody, so anything not run for someone is refused. A trusted
/// host with no users (a worker process, the tests, the benchmarks) sets <see cref="StaffActor.System"/>.
/// </param>
public sealed record StaffAccessOptions(StaffActor? Unattended);
