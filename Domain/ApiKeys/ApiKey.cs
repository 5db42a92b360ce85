using System.Security.Cryptography;
using System.Text;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.ApiKeys;

/// <summary>
/// A key a till or a website calls the HTTP API with. Only the SHA-256 of the secret is stored: the secret is shown
/// once, when the key is created, and cannot be read back. The prefix ("dir_a1b2c3d4") is kept in clear so the owner
/// can tell which key a till holds.
/// </summary>
public sealed class ApiKey
{
    public const int NameMaxLength = 100;

    /// <summary>"dir_" and 8 lower-case letters or digits.</summary>
    public const int PrefixLength = 12;

    /// <summary>SHA-256 as lower-case hex.</summary>
    public const int HashLength = 64;

    private ApiKey() { }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    public string Prefix { get; private set; } = "";

    public string SecretHash { get; private set; } = "";

    public ApiScopes Scopes { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <summary>The last call made with the key, to the minute (not written more often, see <see cref="ApiKeyService.AuthenticateAsync"/>).</summary>
    public DateTime? LastUsedAt { get; private set; }

    public DateTime? RevokedAt { get; private set; }

    public string? RevokedBy { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>A new key and its secret (the only time the secret exists outside the caller's hands).</summary>
    internal static (ApiKey Key, string Secret) Create(string? name, ApiScopes scopes, string createdBy, DateTime nowUtc)
    {
        var cleaned = CleanName(name);
        if (scopes == ApiScopes.None || (scopes & ~ApiScopes.All) != 0)
        {
            throw new DomainException("Choose at least one scope: read, write profiles or record activity.", nameof(Scopes));
        }

        var secret = ApiKeySecret.New();
        return (new ApiKey
        {
            Name = cleaned,
            Prefix = ApiKeySecret.PrefixOf(secret),
            SecretHash = ApiKeySecret.Hash(secret),
            Scopes = scopes,
            CreatedAt = nowUtc,
            CreatedBy = createdBy,
        }, secret);
    }

    internal void Revoke(string by, DateTime nowUtc)
    {
        if (RevokedAt is null)
        {
            RevokedAt = nowUtc;
            RevokedBy = by;
        }
    }

    public static string CleanName(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Name the key after where it is used (e.g. “Shop till”, “Website”).", nameof(Name));
        if (cleaned.Length > NameMaxLength)
        {
            throw new DomainException($"A key name can be at most {NameMaxLength} characters.", nameof(Name));
        }

        if (cleaned.Any(char.IsControl))
        {
            throw new DomainException("The name contains characters that are not allowed.", nameof(Name));
        }

        return cleaned;
    }
}

/// <summary>
/// What a key may do. Each scope grants Domain permissions (<see cref="ApiScopesExtensions.Permissions"/>); a call then
/// goes through the same services and checks as a person's click.
/// </summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1714", Justification = "A set of scopes: the plural is the meaning.")]
public enum ApiScopes
{
    None = 0,

    /// <summary>Read profiles (with contact details, without financials) and group members.</summary>
    Read = 1,

    /// <summary>Create and update profiles (upsert) and change their marketing consent.</summary>
    WriteProfiles = 2,

    /// <summary>Record visits, orders and donations.</summary>
    RecordActivity = 4,

    All = Read | WriteProfiles | RecordActivity,
}

public static class ApiScopesExtensions
{
    /// <summary>
    /// The one mapping from scopes to permissions. No key sees financials (total spent, orders, donations): a till or a
    /// website greeting a customer has no need for them, and a leaked key must not reveal them. A key never manages
    /// staff, groups, settings or other keys.
    /// </summary>
    public static IReadOnlySet<Staff.Permission> Permissions(this ApiScopes scopes)
    {
        var permissions = new HashSet<Staff.Permission>();
        if (scopes.HasFlag(ApiScopes.Read))
        {
            permissions.UnionWith([Staff.Permission.ViewProfiles, Staff.Permission.ViewContactDetails]);
        }

        if (scopes.HasFlag(ApiScopes.WriteProfiles))
        {
            permissions.UnionWith([Staff.Permission.CreateProfiles, Staff.Permission.EditProfiles]);
        }

        if (scopes.HasFlag(ApiScopes.RecordActivity))
        {
            permissions.Add(Staff.Permission.RecordActivity);
        }

        return permissions;
    }

    /// <summary>How the API keys page and the audit log name the scopes ("read, write profiles").</summary>
    public static string Describe(this ApiScopes scopes)
    {
        var names = new List<string>();
        if (scopes.HasFlag(ApiScopes.Read))
        {
            names.Add("read");
        }

        if (scopes.HasFlag(ApiScopes.WriteProfiles))
        {
            names.Add("write profiles");
        }

        if (scopes.HasFlag(ApiScopes.RecordActivity))
        {
            names.Add("record activity");
        }

        return names.Count == 0 ? "none" : string.Join(", ", names);
    }
}

/// <summary>The shape of a key: "dir_" + 8 characters (the visible prefix) + "_" + 43 characters of base64url (256 random bits).</summary>
public static class ApiKeySecret
{
    private const string Start = "dir_";
    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    public const int Length = ApiKey.PrefixLength + 1 + 43;

    internal static string New()
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, ApiKey.PrefixLength - Start.Length);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Start}{prefix}_{secret}";
    }

    /// <summary>Whether the text has the shape of a key (so a typo or a pasted password is told apart from a wrong key).</summary>
    public static bool IsWellFormed(string? key) =>
        key is { Length: Length }
        && key.StartsWith(Start, StringComparison.Ordinal)
        && key[Start.Length..ApiKey.PrefixLength].All(c => PrefixAlphabet.Contains(c, StringComparison.Ordinal))
        && key[ApiKey.PrefixLength] == '_'
        && key[(ApiKey.PrefixLength + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string PrefixOf(string key) => key[..ApiKey.PrefixLength];

    /// <summary>
    /// SHA-256 as hex. A fast hash is right here (unlike passwords): the secret is 256 random bits, so there is nothing
    /// to guess, and the lookup is by the hash itself.
    /// </summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
