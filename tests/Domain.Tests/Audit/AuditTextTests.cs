using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using CustomerDirectory.Domain.Audit;

namespace CustomerDirectory.Domain.Tests.Audit;

public sealed class AuditTextTests
{
    /// <summary>How the log stored changes through the serializer (and still reads them).</summary>
    private static readonly JsonSerializerOptions Serializer = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    [Fact]
    public void The_changes_are_stored_as_the_serializer_wrote_them_and_read_back_unchanged()
    {
        List<AuditChange> changes =
        [
            new("FirstName", null, "Zoë “Ann” <b>&'\"\\"),
            new("City", "Lyon\r\nInjected: line", null),
            new("Note", "مرحبا \u202Eevil 😀", "日本語\t\u0000end"),
            new("Country", null, null),
        ];
        var expected = JsonSerializer.Serialize(
            changes.Select(c => new AuditChange(AuditText.Line(c.Field, 200), AuditText.Line(c.Before, AuditText.MaxValueLength), AuditText.Line(c.After, AuditText.MaxValueLength))),
            Serializer);

        var json = AuditText.ToJson(changes);

        Assert.Equal(expected, json);
        Assert.Equal([.. changes.Select(c => new AuditChange(c.Field, AuditText.Neutralize(c.Before), AuditText.Neutralize(c.After)))], AuditText.FromJson(json));
        Assert.Null(AuditText.ToJson([]));
    }
}
