using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerDirectory.Domain.Filters;

/// <summary>
/// A saved or shared filter: plain data, stored as JSON in views and groups and carried in the URL. The root is a
/// group; see <see cref="FilterNode"/> for the shape and <see cref="FilterBinder"/> for what makes one valid.
/// </summary>
public sealed record FilterDefinition
{
    /// <summary>The format this code writes; older versions are upgraded when read.</summary>
    public const int CurrentVersion = 1;

    public int V { get; init; } = CurrentVersion;

    public FilterNode Root { get; init; } = FilterNode.All();

    public static FilterDefinition Empty { get; } = new();

    public bool IsEmpty => Root.Items is not { Count: > 0 };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        MaxDepth = 32,
    };

    /// <summary>Longest JSON accepted (a filter is a few hundred bytes; this is far above any sensible rule).</summary>
    public const int MaxJsonLength = 256 * 1024;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a filter; throws a <see cref="FilterException"/> saying what is wrong with malformed JSON.</summary>
    public static FilterDefinition FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxJsonLength)
        {
            throw new FilterException($"This filter is too large ({json.Length:N0} characters; at most {MaxJsonLength:N0}).");
        }

        FilterDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<FilterDefinition>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FilterException($"This filter cannot be read: {e.Message}");
        }

        if (definition?.Root is null)
        {
            throw new FilterException("This filter cannot be read: it has no conditions block.");
        }

        if (definition.V is < 1 or > CurrentVersion)
        {
            throw new FilterException($"This filter was saved in format {definition.V}, which this version does not know.");
        }

        return definition;
    }

    /// <summary>A compact, URL-safe form for the address bar.</summary>
    public string ToUrlToken() => Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(ToJson()));

    public static FilterDefinition FromUrlToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > MaxJsonLength * 4 / 3 + 4)
        {
            throw new FilterException("This filter is too large.");
        }

        byte[] bytes;
        try
        {
            bytes = Base64UrlDecode(token);
        }
        catch (FormatException)
        {
            throw new FilterException("The filter in this address is damaged; it was ignored.");
        }

        return FromJson(System.Text.Encoding.UTF8.GetString(bytes));
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string token)
    {
        var s = token.Replace('-', '+').Replace('_', '/');
        s = (s.Length % 4) switch { 2 => s + "==", 3 => s + "=", 0 => s, _ => throw new FormatException() };
        return Convert.FromBase64String(s);
    }
}

/// <summary>
/// One node of a filter: either a group (<see cref="Match"/> over <see cref="Items"/>) or a condition
/// (<see cref="Field"/> <see cref="Op"/> <see cref="Values"/>). <see cref="Not"/> negates either.
/// </summary>
public sealed record FilterNode
{
    public FilterMatch? Match { get; init; }

    public IReadOnlyList<FilterNode>? Items { get; init; }

    public string? Field { get; init; }

    public FilterOperator? Op { get; init; }

    public IReadOnlyList<string>? Values { get; init; }

    public bool Not { get; init; }

    public bool IsGroup => Match is not null || Items is not null;

    public static FilterNode All(params FilterNode[] items) => new() { Match = FilterMatch.All, Items = items };

    public static FilterNode Any(params FilterNode[] items) => new() { Match = FilterMatch.Any, Items = items };

    public static FilterNode Condition(string field, FilterOperator op, params string[] values) => new() { Field = field, Op = op, Values = values };
}

public enum FilterMatch
{
    /// <summary>Every item holds (AND).</summary>
    All,

    /// <summary>At least one item holds (OR).</summary>
    Any,
}
