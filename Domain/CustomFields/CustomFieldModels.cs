namespace CustomerDirectory.Domain.CustomFields;

public sealed record CustomFieldOptionView(int Id, string Label);

public sealed record CustomFieldView(int Id, string Name, CustomFieldType Type, CustomFieldVisibility Visibility, int Position, IReadOnlyList<CustomFieldOptionView> Options);

/// <summary>A value as typed on the profile. Only the member matching the field's type is read; all empty clears the value.</summary>
public sealed class CustomFieldInput
{
    public bool? Flag { get; set; }

    public int? OptionId { get; set; }

    public IReadOnlyCollection<int>? OptionIds { get; set; }

    public string? Text { get; set; }

    public decimal? Number { get; set; }

    public DateOnly? Date { get; set; }
}

/// <summary>A profile's value for one field, ready to show.</summary>
public sealed record CustomFieldValueView(int FieldId, bool? Flag, IReadOnlyList<int> OptionIds, string? Text, decimal? Number, DateOnly? Date);
