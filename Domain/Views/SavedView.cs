using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.Domain.Views;

/// <summary>
/// A named way of looking at the directory: a filter, and optionally search text and a sort. Names are unique
/// regardless of case and accents, so "Lapsed VIPs" and "lapsed vips" are one view.
/// </summary>
public sealed class SavedView
{
    public const int NameMaxLength = 60;
    public const int CreatedByMaxLength = 200;

    private SavedView() { }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Folded name; unique.</summary>
    public string NameKey { get; private set; } = "";

    /// <summary>The filter as <see cref="FilterDefinition.ToJson"/> wrote it.</summary>
    public string FilterJson { get; private set; } = "";

    public string? Text { get; private set; }

    /// <summary>Null: the directory's default order.</summary>
    public CustomerSort? Sort { get; private set; }

    public bool Descending { get; private set; }

    /// <summary>The name of the staff member who first saved it, as it was then.</summary>
    public string CreatedBy { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    internal static SavedView Create(string name, ViewContent content, string createdBy, DateTime nowUtc)
    {
        var view = new SavedView
        {
            CreatedBy = createdBy.Length > CreatedByMaxLength ? createdBy[..CreatedByMaxLength] : createdBy,
            CreatedAt = nowUtc,
        };
        view.Rename(name, nowUtc);
        view.Replace(content, nowUtc);
        return view;
    }

    internal void Rename(string cleanedName, DateTime nowUtc)
    {
        Name = cleanedName;
        NameKey = Key(cleanedName);
        UpdatedAt = nowUtc;
    }

    internal void Replace(ViewContent content, DateTime nowUtc)
    {
        FilterJson = content.FilterJson;
        Text = content.Text;
        Sort = content.Sort;
        Descending = content.Sort is not null && content.Descending;
        UpdatedAt = nowUtc;
    }

    /// <summary>Trims and checks a view name; throws a <see cref="DomainException"/> saying what is wrong.</summary>
    public static string CleanName(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Name the view.", "Name");
        if (cleaned.Length > NameMaxLength)
        {
            throw new DomainException($"A view name can be at most {NameMaxLength} characters.", "Name");
        }

        if (cleaned.Any(char.IsControl))
        {
            throw new DomainException("The view name contains characters that are not allowed.", "Name");
        }

        return cleaned;
    }

    public static string Key(string cleanedName) => ContactRules.Fold(cleanedName);
}

/// <summary>What a view shows, checked: the filter's JSON re-written in the current format, the cleaned text.</summary>
internal sealed record ViewContent(string FilterJson, string? Text, CustomerSort? Sort, bool Descending);
