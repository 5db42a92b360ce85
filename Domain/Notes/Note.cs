namespace CustomerDirectory.Domain.Notes;

/// <summary>An internal note on a profile: for staff eyes only, never exported, never shown to the customer.</summary>
public sealed class Note
{
    public const int TextMaxLength = 4_000;

    private Note() { }

    public int Id { get; private set; }

    public int CustomerId { get; private set; }

    /// <summary>The staff account that wrote it; only they may edit it.</summary>
    public string AuthorId { get; private set; } = "";

    /// <summary>The author's name when they wrote it, so the note still reads right if the account goes.</summary>
    public string AuthorName { get; private set; } = "";

    public string Text { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    internal static Note Create(int customerId, string authorId, string authorName, string? text, DateTime nowUtc) => new()
    {
        CustomerId = customerId,
        AuthorId = authorId,
        AuthorName = authorName,
        Text = Clean(text),
        CreatedAt = nowUtc,
        UpdatedAt = nowUtc,
    };

    internal void Edit(string? text, DateTime nowUtc)
    {
        Text = Clean(text);
        UpdatedAt = nowUtc;
    }

    /// <summary>Keeps the text as written (line breaks, emoji, any script), only trimmed at both ends.</summary>
    public static string Clean(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new DomainException("Write something in the note.", nameof(Text));
        }

        if (trimmed.Length > TextMaxLength)
        {
            throw new DomainException($"A note can be at most {TextMaxLength:N0} characters.", nameof(Text));
        }

        return trimmed.Normalize(System.Text.NormalizationForm.FormC);
    }
}

public sealed record NoteView(int Id, string AuthorId, string AuthorName, string Text, DateTime CreatedAt, DateTime UpdatedAt);
