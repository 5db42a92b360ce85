namespace CustomerDirectory.Domain.Filters;

/// <summary>The kinds of field a filter can test; each has its own operators and value format.</summary>
public enum FilterFieldType
{
    /// <summary>Compared folded: case and accents do not matter.</summary>
    Text,
    Number,

    /// <summary>An amount in the merchant's currency, typed in major units (12.50).</summary>
    Money,

    /// <summary>A moment (a visit, a creation): calendar dates on the merchant's clock, or relative to now.</summary>
    Moment,

    /// <summary>A calendar date with no time (a birthday).</summary>
    Date,
    Boolean,

    /// <summary>One value out of <see cref="FilterField.Options"/>.</summary>
    Choice,

    /// <summary>Any number of values out of <see cref="FilterField.Options"/> (or free names when it has none).</summary>
    Set,

    /// <summary>How many visits, orders or donations in the last Y days.</summary>
    Activity,

    /// <summary>How much was spent in the last Y days.</summary>
    Spending,
}

/// <summary>A value a choice or set field can take: what is stored in the filter, and what people read.</summary>
public sealed record FilterOption(string Value, string Label);

/// <summary>A field people can filter on: its key in filters, its label, its type and (for choices) its options.</summary>
public sealed record FilterField(string Key, string Label, string Category, FilterFieldType Type, IReadOnlyList<FilterOption> Options)
{
    /// <summary>Set for custom fields: the field's id.</summary>
    public int? CustomFieldId { get; init; }

    /// <summary>Set for "joined group X": the group's id.</summary>
    public int? GroupId { get; init; }

    /// <summary>Whether a profile can have no value (adds "is empty" / "is not empty").</summary>
    public bool CanBeEmpty { get; init; }

    public IReadOnlyList<FilterOperator> Operators => FilterFieldTypes.OperatorsOf(this);

    public string? LabelOf(string value) => Options.FirstOrDefault(o => o.Value == value)?.Label;
}

public static class FilterFieldTypes
{
    public static IReadOnlyList<FilterOperator> OperatorsOf(FilterField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        IReadOnlyList<FilterOperator> ops = field.Type switch
        {
            FilterFieldType.Text => [FilterOperator.Is, FilterOperator.IsNot, FilterOperator.Contains, FilterOperator.NotContains, FilterOperator.StartsWith],
            FilterFieldType.Number or FilterFieldType.Money =>
                [FilterOperator.Equal, FilterOperator.NotEqual, FilterOperator.Less, FilterOperator.LessOrEqual, FilterOperator.Greater, FilterOperator.GreaterOrEqual, FilterOperator.Between],
            FilterFieldType.Moment => [FilterOperator.WithinLast, FilterOperator.MoreThanAgo, FilterOperator.Before, FilterOperator.After, FilterOperator.On, FilterOperator.Between],
            FilterFieldType.Date => [FilterOperator.Before, FilterOperator.After, FilterOperator.On, FilterOperator.Between],
            FilterFieldType.Boolean => [FilterOperator.IsTrue, FilterOperator.IsFalse],
            FilterFieldType.Choice => [FilterOperator.AnyOf, FilterOperator.NoneOf],
            FilterFieldType.Set => [FilterOperator.HasAny, FilterOperator.HasAll, FilterOperator.HasNone],
            FilterFieldType.Activity or FilterFieldType.Spending => [FilterOperator.AtLeast, FilterOperator.LessThan],
            _ => [],
        };
        return field.CanBeEmpty ? [.. ops, FilterOperator.IsEmpty, FilterOperator.IsNotEmpty] : ops;
    }

    /// <summary>How an operator reads in a sentence ("is any of", "within the last").</summary>
    public static string Phrase(FilterOperator op) => op switch
    {
        FilterOperator.Is => "is",
        FilterOperator.IsNot => "is not",
        FilterOperator.Contains => "contains",
        FilterOperator.NotContains => "does not contain",
        FilterOperator.StartsWith => "starts with",
        FilterOperator.IsEmpty => "is empty",
        FilterOperator.IsNotEmpty => "is not empty",
        FilterOperator.Equal => "=",
        FilterOperator.NotEqual => "≠",
        FilterOperator.Less => "<",
        FilterOperator.LessOrEqual => "≤",
        FilterOperator.Greater => ">",
        FilterOperator.GreaterOrEqual => "≥",
        FilterOperator.Between => "is between",
        FilterOperator.Before => "is before",
        FilterOperator.After => "is after",
        FilterOperator.On => "is on",
        FilterOperator.WithinLast => "is within the last",
        FilterOperator.MoreThanAgo => "is more than",
        FilterOperator.IsTrue => "is yes",
        FilterOperator.IsFalse => "is no",
        FilterOperator.AnyOf => "is any of",
        FilterOperator.NoneOf => "is none of",
        FilterOperator.HasAny => "has any of",
        FilterOperator.HasAll => "has all of",
        FilterOperator.HasNone => "has none of",
        FilterOperator.AtLeast => "at least",
        FilterOperator.LessThan => "fewer than",
        _ => op.ToString(),
    };

    /// <summary>How many values an operator takes (min, max).</summary>
    public static (int Min, int Max) Arity(FilterFieldType type, FilterOperator op) => op switch
    {
        FilterOperator.IsEmpty or FilterOperator.IsNotEmpty or FilterOperator.IsTrue or FilterOperator.IsFalse => (0, 0),
        FilterOperator.Between => (2, 2),
        FilterOperator.WithinLast or FilterOperator.MoreThanAgo => (2, 2),
        FilterOperator.AtLeast or FilterOperator.LessThan => (2, 2),
        FilterOperator.AnyOf or FilterOperator.NoneOf or FilterOperator.HasAny or FilterOperator.HasAll or FilterOperator.HasNone => (1, FilterLimits.MaxValuesPerCondition),
        _ when type is FilterFieldType.Boolean => (0, 0),
        _ => (1, 1),
    };
}

/// <summary>Caps that keep any filter cheap to check and to run.</summary>
public static class FilterLimits
{
    public const int MaxConditions = 100;
    public const int MaxDepth = 6;
    public const int MaxValuesPerCondition = 1_000;
    public const int MaxValueLength = 200;
    public const int MaxDays = 36_600;
    public const int MaxCount = 1_000_000;
}
