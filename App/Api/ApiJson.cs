using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerDirectory.App.Api;

/// <summary>
/// Reads request bodies strictly: JSON only, at most <see cref="ApiOptions.MaxBodyBytes"/>, no unknown fields (a typo
/// such as "emial" is refused rather than silently ignored), enums as camelCase words. Each failure is a 4xx problem
/// that says what is wrong and where.
/// </summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer instead.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, ApiOptions options)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ApiProblems.ForStatus(StatusCodes.Status415UnsupportedMediaType));
        }

        if (request.ContentLength > options.MaxBodyBytes)
        {
            return (null, TooLarge(options));
        }

        // Read at most one byte more than allowed, whatever the Content-Length said (or if it was absent: chunked).
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > options.MaxBodyBytes)
            {
                return (null, TooLarge(options));
            }
        }

        if (buffer.Length == 0)
        {
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "The request body is empty.", "Send a JSON object."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options);
            return value is null
                ? (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON.", "Send a JSON object, not null."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON.", Describe(e)));
        }
    }

    private static IResult TooLarge(ApiOptions options) => ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "Request too large.",
        $"The request body can be at most {options.MaxBodyBytes:N0} bytes.");

    /// <summary>What was wrong, and where ("$.amount, line 1, position 14"), without the serializer's .NET type names.</summary>
    private static string Describe(JsonException e)
    {
        var where = e.Path is { Length: > 1 } path
            ? $" at {path} (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})"
            : e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
        var message = e.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var start = message.IndexOf('\'', StringComparison.Ordinal);
            var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
            var name = end > start ? message[(start + 1)..end] : "?";
            return $"Unknown field “{name}”. The document at /api/v1/openapi.json lists the fields.";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return $"A value has the wrong type or an unknown word{where}.";
        }

        return $"The JSON could not be read{where}.";
    }
}
