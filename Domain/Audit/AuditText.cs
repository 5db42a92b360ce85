using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace CustomerDirectory.Domain.Audit;

/// <summary>
/// How values are written into the audit log: as one line of visible text each. Anyone can type a name, an email
/// tried at sign-in or a group description, so a value must not be able to fake a second log line (CR/LF) or hide
/// itself (control, bidi or zero-width characters) wherever the log is read: this page, an export, a terminal.
/// </summary>
public static class AuditText
{
    /// <summary>The longest value kept per field; longer ones (a large rule) are cut, and say so.</summary>
    public const int MaxValueLength = 16_000;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Letters of every script stay readable in the stored JSON; HTML-sensitive characters are still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    // AuditChange's properties as the options name them (camel case), for the writer.
    private static readonly JsonEncodedText FieldName = JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(nameof(AuditChange.Field)));
    private static readonly JsonEncodedText BeforeName = JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(nameof(AuditChange.Before)));
    private static readonly JsonEncodedText AfterName = JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(nameof(AuditChange.After)));

    /// <summary>
    /// Replaces every control character with a visible stand-in: CR, LF and tab become ␍ ␊ ␉ (the Unicode control
    /// pictures, as do the other C0 characters and DEL); any other format or separator character that could break or
    /// disguise a line (U+0085, U+2028, bidi overrides, zero-width characters…) becomes its code, e.g. [U+202E].
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Neutralize(string? value)
    {
        if (value is null || !value.Any(NeedsEscape))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (!NeedsEscape(c))
            {
                text.Append(c);
            }
            else if (c < 0x20)
            {
                text.Append((char)(0x2400 + c));
            }
            else if (c == 0x7F)
            {
                text.Append('\u2421');
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"[U+{(int)c:X4}]");
            }
        }

        return text.ToString();
    }

    /// <summary>Neutralised, then cut to <paramref name="maxLength"/> characters (ending with "…" when cut).</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Line(string? value, int maxLength)
    {
        var neutral = Neutralize(value);
        return neutral is null || neutral.Length <= maxLength ? neutral : string.Concat(neutral.AsSpan(0, maxLength - 1), "…");
    }

    /// <summary>A property value as the log shows it: invariant culture, UTC times marked, enums by name.</summary>
    public static string? Format(object? value) => Line(value switch
    {
        null => null,
        string s => s,
        // Every DateTime in the model is UTC (SQLite hands them back unspecified).
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    }, MaxValueLength);

    /// <summary>
    /// The changes as stored in <see cref="AuditEntry.Changes"/> (what <see cref="FromJson"/> reads); null when there
    /// are none. Written field by field rather than through the serializer's reflection: every saved change writes one,
    /// and an import a few hundred thousand.
    /// </summary>
    public static string? ToJson(IReadOnlyList<AuditChange>? changes)
    {
        if (changes is null || changes.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(64 * changes.Count);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Encoder }))
        {
            json.WriteStartArray();
            foreach (var change in changes)
            {
                json.WriteStartObject();
                json.WriteString(FieldName, Line(change.Field, 200));
                json.WriteString(BeforeName, Line(change.Before, MaxValueLength));
                json.WriteString(AfterName, Line(change.After, MaxValueLength));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyList<AuditChange> FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<AuditChange>>(json, Json) ?? [];
        }
        catch (JsonException)
        {
            // A line written by hand or by an older version: show it as it is rather than fail the page.
            return [new AuditChange("(details)", null, Neutralize(json))];
        }
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || c is '\u2028' or '\u2029' // line and paragraph separators
        || c is >= '\u200B' and <= '\u200F' // zero-width characters, LRM, RLM
        || c is >= '\u202A' and <= '\u202E' // bidi embeddings and overrides
        || c is >= '\u2066' and <= '\u2069' // bidi isolates
        || c is '\uFEFF';
}
