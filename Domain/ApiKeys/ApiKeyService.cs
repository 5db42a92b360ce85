using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.ApiKeys;

/// <summary>
/// API keys: created (the secret shown once), listed, revoked by the owner; checked at every API call. Creating and
/// revoking are audited by the save itself (the hash is never copied into the log).
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, StaffAccess access)
{
    /// <summary>How stale "last used" may be: it is written at most once a minute per key, not at every call.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Every key, active ones first, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageApiKeys, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ApiKeys.AsNoTracking()
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.Prefix, k.Scopes, k.CreatedAt, k.CreatedBy, k.LastUsedAt, k.RevokedAt, k.RevokedBy))
            .ToListAsync(ct);
        return [.. rows.OrderBy(r => r.RevokedAt is not null).ThenByDescending(r => r.Id)];
    }

    /// <summary>Creates a key; the returned secret is the only copy there will ever be.</summary>
    public async Task<CreatedApiKey> CreateAsync(ApiKeyInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageApiKeys, ct);
        ArgumentNullException.ThrowIfNull(input);
        var (key, secret) = ApiKey.Create(input.Name, input.Scopes, access.RequireActor().Name, clock.GetUtcNow().UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.ApiKeysChanged);
        return new CreatedApiKey(key.Id, key.Name, key.Prefix, secret);
    }

    /// <summary>Revokes a key: the next call made with it is refused. Revoking twice changes nothing.</summary>
    public async Task RevokeAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageApiKeys, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct)
            ?? throw new NotFoundException("This API key does not exist.");
        if (key.IsRevoked)
        {
            return;
        }

        key.Revoke(access.RequireActor().Name, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.ApiKeysChanged);
    }

    /// <summary>
    /// Checks a presented key against the database, at every call (so a revocation applies to the very next one), and
    /// notes when it was last used. Open to anyone: the key is the credential, and nothing is returned but the verdict.
    /// </summary>
    public async Task<ApiKeyCheck> AuthenticateAsync(string? presented, CancellationToken ct = default)
    {
        if (!ApiKeySecret.IsWellFormed(presented))
        {
            return new ApiKeyCheck(ApiKeyOutcome.Malformed);
        }

        var hash = ApiKeySecret.Hash(presented!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash)
            .Select(k => new { k.Id, k.Name, k.Scopes, k.RevokedAt, k.LastUsedAt })
            .SingleOrDefaultAsync(ct);
        if (key is null)
        {
            return new ApiKeyCheck(ApiKeyOutcome.Unknown);
        }

        if (key.RevokedAt is not null)
        {
            return new ApiKeyCheck(ApiKeyOutcome.Revoked, KeyId: key.Id, KeyName: key.Name);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            // Bookkeeping, not a change anyone made: written beside the audit log (each call has its own line there),
            // and at most once a minute per key, so a busy till does not add a write to every call.
            var since = now - LastUsedResolution;
            await db.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt <= since))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
            changes.Publish(ChangeKind.ApiKeysChanged);
        }

        return new ApiKeyCheck(ApiKeyOutcome.Accepted, StaffActor.ApiKey(key.Id, key.Name, key.Scopes.Permissions()), key.Id, key.Name, key.Scopes);
    }
}
