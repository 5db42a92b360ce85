namespace CustomerDirectory.Domain.ApiKeys;

/// <summary>What the owner fills in to create a key.</summary>
public sealed class ApiKeyInput
{
    public string? Name { get; set; }

    public ApiScopes Scopes { get; set; }
}

/// <summary>A key as the API keys page lists it (never its secret).</summary>
public sealed record ApiKeyRow(int Id, string Name, string Prefix, ApiScopes Scopes, DateTime CreatedAt, string CreatedBy, DateTime? LastUsedAt, DateTime? RevokedAt, string? RevokedBy);

/// <summary>A key just created: <see cref="Secret"/> is shown once and is not stored.</summary>
public sealed record CreatedApiKey(int Id, string Name, string Prefix, string Secret);

public enum ApiKeyOutcome
{
    Accepted,

    /// <summary>Not the shape of a key (a typo, a truncated paste).</summary>
    Malformed,

    /// <summary>Well formed, but no such key.</summary>
    Unknown,

    Revoked,
}

/// <summary>What a presented key is worth: when accepted, the actor the call runs as, and the key.</summary>
public sealed record ApiKeyCheck(ApiKeyOutcome Outcome, Staff.StaffActor? Actor = null, int? KeyId = null, string? KeyName = null, ApiScopes Scopes = ApiScopes.None);
