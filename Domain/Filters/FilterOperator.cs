namespace CustomerDirectory.Domain.Filters;

/// <summary>
/// What a condition tests. Which ones a field accepts depends on its <see cref="FilterFieldType"/>
/// (<see cref="FilterFieldTypes.OperatorsOf"/>). Negative operators (is not, does not contain, none of, ≠) hold for
/// profiles where the field is empty: each is exactly the opposite of its positive twin.
/// </summary>
public enum FilterOperator
{
    // Text
    Is,
    IsNot,
    Contains,
    NotContains,
    StartsWith,

    // Any field that can be blank
    IsEmpty,
    IsNotEmpty,

    // Numbers and money
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Between,

    // Dates (values: yyyy-MM-dd, read on the merchant's calendar)
    Before,
    After,
    On,

    // Moments only (values: N, days|weeks|months)
    WithinLast,
    MoreThanAgo,

    // Yes/no
    IsTrue,
    IsFalse,

    // One value out of a list (source, consent, single choice)
    AnyOf,
    NoneOf,

    // Several values per profile (tags, lists, multiple choice, membership plans)
    HasAny,
    HasAll,
    HasNone,

    // Behaviour (values: N, days): at least / fewer than N in the last Y days
    AtLeast,
    LessThan,
}
