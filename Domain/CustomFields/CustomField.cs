namespace CustomerDirectory.Domain.CustomFields;

/// <summary>
/// A field the merchant adds to every profile ("Allergies", "Referral?", "Preferred stylist"). Values point at the
/// field and, for choices, at the option by id: renaming either never touches a value.
/// </summary>
public sealed class CustomField
{
    public const int NameMaxLength = 60;
    public const int MaxOptions = 200;

    private CustomField() { }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Folded name; unique.</summary>
    public string NameKey { get; private set; } = "";

    public CustomFieldType Type { get; private set; }

    public CustomFieldVisibility Visibility { get; private set; }

    /// <summary>Where the field sits on the profile and in lists; smaller first.</summary>
    public int Position { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public List<CustomFieldOption> Options { get; private set; } = [];

    internal static CustomField Create(string name, CustomFieldType type, CustomFieldVisibility visibility, int position, DateTime nowUtc) => new()
    {
        Name = name,
        NameKey = Customers.ContactRules.Fold(name),
        Type = type,
        Visibility = visibility,
        Position = position,
        CreatedAt = nowUtc,
    };

    internal void Rename(string name)
    {
        Name = name;
        NameKey = Customers.ContactRules.Fold(name);
    }

    internal void SetVisibility(CustomFieldVisibility visibility) => Visibility = visibility;

    internal void MoveTo(int position) => Position = position;

    internal void ChangeType(CustomFieldType type) => Type = type;

    public bool HasOptions => Type is CustomFieldType.Select or CustomFieldType.MultiSelect;
}

public sealed class CustomFieldOption
{
    public const int LabelMaxLength = 60;

    public int Id { get; private set; }

    public int FieldId { get; private set; }

    public string Label { get; internal set; } = "";

    public int Position { get; internal set; }

    internal static CustomFieldOption Create(string label, int position) => new() { Label = label, Position = position };
}

/// <summary>
/// One value of one field on one profile. A multi-select has one row per chosen option; every other type one row.
/// Only the column matching the field's type is set.
/// </summary>
public sealed class CustomFieldValue
{
    public int Id { get; private set; }

    public int CustomerId { get; init; }

    public int FieldId { get; init; }

    public bool? Flag { get; init; }

    public int? OptionId { get; init; }

    public string? Text { get; init; }

    public double? Number { get; init; }

    public DateOnly? Date { get; init; }
}

public enum CustomFieldType
{
    Toggle,
    Select,
    MultiSelect,
    Text,
    Number,
    Date,
}

public enum CustomFieldVisibility
{
    /// <summary>Shown and editable on every profile.</summary>
    Visible,

    /// <summary>Kept off the profile page (still filterable and exported), e.g. data filled by an integration.</summary>
    Hidden,
}
