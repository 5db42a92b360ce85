namespace CustomerDirectory.Domain.Staff;

/// <summary>Who is acting: the signed-in staff member, as the server knows them (never taken from the browser).</summary>
public sealed record StaffActor(string Id, string Name)
{
    /// <summary>Directory itself: background jobs, start-up work. Has every permission; never a person.</summary>
    public static StaffActor System { get; } = new("", "Directory");

    public bool IsSystem => Id.Length == 0;

    /// <summary>
    /// What an API key may do (from its scopes, checked when the call came in); null for staff, whose permissions are
    /// looked up live from their role at each check.
    /// </summary>
    public IReadOnlySet<Permission>? Grants { get; init; }

    /// <summary>The prefix of an API key actor's <see cref="Id"/> ("api-key:12"), so the audit log can tell keys from staff.</summary>
    public const string ApiKeyIdPrefix = "api-key:";

    /// <summary>A call made with an API key: it acts under the key's name with exactly <paramref name="grants"/>.</summary>
    public static StaffActor ApiKey(int keyId, string keyName, IReadOnlySet<Permission> grants) =>
        new(ApiKeyIdPrefix + keyId.ToString(global::System.Globalization.CultureInfo.InvariantCulture), $"API key “{keyName}”") { Grants = grants };
}
