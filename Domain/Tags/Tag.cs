using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Tags;

/// <summary>A label staff put on profiles ("VIP", "gluten-free"). Names are unique regardless of case and accents.</summary>
public sealed class Tag
{
    public const int NameMaxLength = 50;

    private Tag() { }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Folded name; unique, so "VIP", "vip" and "Vìp" are one tag.</summary>
    public string NameKey { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    internal static Tag Create(string name, DateTime nowUtc)
    {
        var tag = new Tag { CreatedAt = nowUtc };
        tag.Rename(name);
        return tag;
    }

    internal void Rename(string name)
    {
        var cleaned = Clean(name);
        Name = cleaned;
        NameKey = Key(cleaned);
    }

    /// <summary>Trims and checks a tag name; throws a <see cref="DomainException"/> saying what is wrong.</summary>
    public static string Clean(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Enter a tag name.", "Name");
        if (cleaned.Length > NameMaxLength)
        {
            throw new DomainException($"A tag can be at most {NameMaxLength} characters.", "Name");
        }

        if (cleaned.Any(char.IsControl))
        {
            throw new DomainException("The tag contains characters that are not allowed.", "Name");
        }

        return cleaned;
    }

    public static string Key(string cleanedName) => ContactRules.Fold(cleanedName);
}

/// <summary>A tag on a profile.</summary>
public sealed class CustomerTag
{
    public int CustomerId { get; init; }

    public int TagId { get; init; }

    public DateTime AddedAt { get; init; }
}

public sealed record TagSummary(int Id, string Name, int CustomerCount);

public sealed record TagRef(int Id, string Name);
