using System.Globalization;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Filters;

/// <summary>
/// Checks a filter against the catalog and turns it into its bound form: one pass that either succeeds or throws a
/// <see cref="FilterException"/> naming the condition at fault ("Condition 2 (Last visit): …").
/// </summary>
/// <remarks>
/// Semantics decided here, once, for both evaluators:
/// <list type="bullet">
/// <item>Text compares folded (case and accents ignored); phone compares digit keys, so "06 12" finds "+33 6 12…".</item>
/// <item>Negative operators are the exact complement of their positive twin, so they include empty values.</item>
/// <item>"Now" is truncated to the second; relative periods count back from it (months and years on the calendar).</item>
/// <item>Calendar dates on moments are whole days on the merchant's clock; "after 3 May" starts on 4 May.</item>
/// <item>Empty groups are ignored; an empty filter matches everyone.</item>
/// </list>
/// </remarks>
internal sealed class FilterBinder
{
    private readonly FilterCatalog _catalog;
    private readonly DateTime _now;
    private readonly TimeZoneInfo _zone;
    private int _conditions;

    private FilterBinder(FilterCatalog catalog, DateTime nowUtc, TimeZoneInfo zone)
    {
        _catalog = catalog;
        _now = new DateTime(nowUtc.Ticks - (nowUtc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        _zone = zone;
    }

    public static Bound Bind(FilterDefinition definition, FilterCatalog catalog, DateTime nowUtc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(zone);
        var binder = new FilterBinder(catalog, nowUtc, zone);
        return binder.BindNode(definition.Root ?? FilterNode.All(), depth: 1) ?? new BoundConstant(true);
    }

    private Bound? BindNode(FilterNode node, int depth)
    {
        if (node is null)
        {
            throw new FilterException("The filter has a blank entry where a condition or group should be.");
        }

        Bound? bound;
        if (node.IsGroup)
        {
            if (node.Field is not null || node.Op is not null)
            {
                throw new FilterException("A filter entry is both a group and a condition.");
            }

            if (depth > FilterLimits.MaxDepth)
            {
                throw new FilterException($"Groups can be nested at most {FilterLimits.MaxDepth} deep.");
            }

            var items = new List<Bound>();
            foreach (var item in node.Items ?? [])
            {
                if (BindNode(item, depth + 1) is { } child)
                {
                    items.Add(child);
                }
            }

            bound = items.Count switch
            {
                0 => null,
                1 => items[0],
                _ => new BoundGroup(node.Match == FilterMatch.Any, items),
            };
        }
        else
        {
            if (++_conditions > FilterLimits.MaxConditions)
            {
                throw new FilterException($"A filter can have at most {FilterLimits.MaxConditions} conditions.");
            }

            bound = BindCondition(node, _conditions);
        }

        return bound is not null && node.Not ? Negate(bound) : bound;
    }

    private static Bound Negate(Bound bound) => bound switch
    {
        BoundNot not => not.Inner,
        BoundConstant c => new BoundConstant(!c.Value),
        _ => new BoundNot(bound),
    };

    private Bound BindCondition(FilterNode node, int number)
    {
        var field = _catalog.Find(node.Field);
        if (field is null)
        {
            throw new FilterException(string.IsNullOrEmpty(node.Field)
                ? $"Condition {number} has no field."
                : $"Condition {number} uses a field that no longer exists ('{Shorten(node.Field)}'). Remove it or pick another field.");
        }

        string where = $"Condition {number} ({field.Label})";
        if (node.Op is not { } op || !field.Operators.Contains(op))
        {
            throw new FilterException(node.Op is null
                ? $"{where} has no operator."
                : $"{where}: '{FilterFieldTypes.Phrase(node.Op.Value)}' does not apply to this field.");
        }

        var values = node.Values ?? [];
        var (min, max) = FilterFieldTypes.Arity(field.Type, op);
        if (values.Count < min || values.Count > max)
        {
            throw new FilterException(values.Count > max && max == FilterLimits.MaxValuesPerCondition
                ? $"{where} lists {values.Count:N0} values; at most {FilterLimits.MaxValuesPerCondition:N0}."
                : min == max ? $"{where} needs {min} value{(min == 1 ? "" : "s")}." : $"{where} needs at least {min} value.");
        }

        foreach (var value in values)
        {
            if (value is null || value.Length > FilterLimits.MaxValueLength)
            {
                throw new FilterException(value is null
                    ? $"{where} has a blank value."
                    : $"{where} has a value of {value.Length:N0} characters; at most {FilterLimits.MaxValueLength}.");
            }
        }

        try
        {
            return op switch
            {
                FilterOperator.IsEmpty => Negate(HasValue(field)),
                FilterOperator.IsNotEmpty => HasValue(field),
                _ when field.GroupId is { } groupId => BindJoined(groupId, op, values),
                _ => field.CustomFieldId is { } id ? BindCustom(field, id, op, values) : BindBuiltIn(field, op, values),
            };
        }
        catch (FilterException e)
        {
            throw new FilterException($"{where}: {e.Message}");
        }
    }

    private static Bound HasValue(FilterField field) => field.GroupId is { } groupId
        ? new BoundGroupJoined(groupId, null, null)
        : field.CustomFieldId is { } id
        ? new BoundCustomHasValue(id)
        : field.Type == FilterFieldType.Set
            ? new BoundSet(SetOf(field.Key), [], [], All: false)
            : Negate(new BoundIsNull(ColumnOf(field.Key)));

    private Bound BindBuiltIn(FilterField field, FilterOperator op, IReadOnlyList<string> values)
    {
        switch (field.Type)
        {
            case FilterFieldType.Text:
            {
                var column = ColumnOf(field.Key);
                if (column == Column.Phone)
                {
                    // Stored keys are whole international numbers: "is" compares one, "contains" looks for the digits
                    // typed, "starts with" for how such a number's key starts ("06" in France: "336").
                    return Text(op, match => new BoundText(column, match, (match switch
                    {
                        TextMatch.Equals => ContactRules.PhoneKey(values[0]),
                        TextMatch.Contains => ContactRules.PhoneDigits(values[0]),
                        _ => ContactRules.PhonePrefixKey(values[0]),
                    }) ?? throw new FilterException("enter some digits of the number.")));
                }

                var text = Fold(values[0]) ?? throw new FilterException("enter a value.");

                return Text(op, match => new BoundText(column, match, text));
            }

            case FilterFieldType.Number or FilterFieldType.Money:
                return WholeRange(ColumnOf(field.Key), op, values, field.Type == FilterFieldType.Money ? 100m : 1m);

            case FilterFieldType.Moment:
                var (from, to) = MomentRange(op, values);
                return new BoundMoment(ColumnOf(field.Key), from, to);

            case FilterFieldType.Date:
                var (day1, day2) = DateRange(op, values);
                return new BoundDate(ColumnOf(field.Key), day1, day2);

            case FilterFieldType.Boolean:
                var flag = new BoundFlag(ColumnOf(field.Key));
                return op == FilterOperator.IsTrue ? flag : Negate(flag);

            case FilterFieldType.Choice:
                var column2 = ColumnOf(field.Key);
                var numbers = column2 == Column.Source ? EnumValues<CustomerSource>(values) : EnumValues<ConsentStatus>(values);
                var anyOf = new BoundEnumIn(column2, numbers);
                return op == FilterOperator.AnyOf ? anyOf : Negate(anyOf);

            case FilterFieldType.Set:
                var kind = SetOf(field.Key);
                var set = kind switch
                {
                    SetKind.MembershipPlans => new BoundSet(kind, [], Names(values), op == FilterOperator.HasAll),
                    SetKind.MembershipStatuses => new BoundSet(kind, EnumValues<MembershipStatus>(values), [], op == FilterOperator.HasAll),
                    _ => new BoundSet(kind, OptionIds(field, values), [], op == FilterOperator.HasAll),
                };
                return op == FilterOperator.HasNone ? Negate(set) : set;

            case FilterFieldType.Activity or FilterFieldType.Spending:
                var kind2 = field.Key switch
                {
                    FilterFields.VisitsInLast => ActivityKind.Visits,
                    FilterFields.OrdersInLast => ActivityKind.Orders,
                    FilterFields.DonationsInLast => ActivityKind.Donations,
                    _ => ActivityKind.Spending,
                };
                var amount = ParseNumber(values[0]);
                if (amount < 0 || amount > FilterLimits.MaxCount * (kind2 == ActivityKind.Spending ? 1000m : 1m))
                {
                    throw new FilterException("the amount is out of range.");
                }

                var threshold = (long)decimal.Ceiling(kind2 == ActivityKind.Spending ? amount * 100m : amount);
                var days = ParseWhole(values[1], 1, FilterLimits.MaxDays, "days");
                var activity = new BoundActivity(kind2, _now.AddDays(-days), threshold);
                return op == FilterOperator.AtLeast ? activity : Negate(activity);

            default:
                throw new FilterException("this field cannot be filtered.");
        }
    }

    /// <summary>"Joined group X" within a period: a current member whose stay began then.</summary>
    private BoundGroupJoined BindJoined(int groupId, FilterOperator op, IReadOnlyList<string> values)
    {
        var (from, to) = MomentRange(op, values);
        return new BoundGroupJoined(groupId, from, to);
    }

    private static Bound BindCustom(FilterField field, int id, FilterOperator op, IReadOnlyList<string> values)
    {
        switch (field.Type)
        {
            case FilterFieldType.Boolean:
                var flag = new BoundCustomFlag(id);
                return op == FilterOperator.IsTrue ? flag : Negate(flag);

            case FilterFieldType.Choice or FilterFieldType.Set:
                var options = new BoundCustomOptions(id, OptionIds(field, values), op == FilterOperator.HasAll);
                return op is FilterOperator.NoneOf or FilterOperator.HasNone ? Negate(options) : options;

            case FilterFieldType.Text:
                var text = Fold(values[0]) ?? throw new FilterException("enter a value.");
                return Text(op, match => new BoundCustomText(id, match, text));

            case FilterFieldType.Number:
                var a = (double)ParseNumber(values[0]);
                var b = values.Count > 1 ? (double)ParseNumber(values[1]) : a;
                if (a > b)
                {
                    (a, b) = (b, a);
                }

                return op switch
                {
                    FilterOperator.Equal => new BoundCustomNumber(id, a, true, a, true),
                    FilterOperator.NotEqual => Negate(new BoundCustomNumber(id, a, true, a, true)),
                    FilterOperator.Less => new BoundCustomNumber(id, null, false, a, false),
                    FilterOperator.LessOrEqual => new BoundCustomNumber(id, null, false, a, true),
                    FilterOperator.Greater => new BoundCustomNumber(id, a, false, null, false),
                    FilterOperator.GreaterOrEqual => new BoundCustomNumber(id, a, true, null, false),
                    _ => new BoundCustomNumber(id, a, true, b, true),
                };

            case FilterFieldType.Date:
                var (from, to) = DateRange(op, values);
                return new BoundCustomDate(id, from, to);

            default:
                throw new FilterException("this field cannot be filtered.");
        }
    }

    private static Bound Text(FilterOperator op, Func<TextMatch, Bound> make) => op switch
    {
        FilterOperator.Is => make(TextMatch.Equals),
        FilterOperator.IsNot => Negate(make(TextMatch.Equals)),
        FilterOperator.Contains => make(TextMatch.Contains),
        FilterOperator.NotContains => Negate(make(TextMatch.Contains)),
        _ => make(TextMatch.StartsWith),
    };

    /// <summary>Whole-number columns: the typed values (major units for money) become an inclusive range of integers.</summary>
    private static Bound WholeRange(Column column, FilterOperator op, IReadOnlyList<string> values, decimal scale)
    {
        var a = ParseNumber(values[0]) * scale;
        var b = values.Count > 1 ? ParseNumber(values[1]) * scale : a;
        if (a > b)
        {
            (a, b) = (b, a);
        }

        static long Floor(decimal d) => (long)decimal.Floor(d);
        static long Ceiling(decimal d) => (long)decimal.Ceiling(d);
        Bound range = op switch
        {
            FilterOperator.Equal or FilterOperator.NotEqual => a == decimal.Floor(a) ? new BoundRange(column, Floor(a), Floor(a)) : new BoundConstant(false),
            FilterOperator.Less => new BoundRange(column, long.MinValue, Ceiling(a) - 1),
            FilterOperator.LessOrEqual => new BoundRange(column, long.MinValue, Floor(a)),
            FilterOperator.Greater => new BoundRange(column, Floor(a) + 1, long.MaxValue),
            FilterOperator.GreaterOrEqual => new BoundRange(column, Ceiling(a), long.MaxValue),
            _ => new BoundRange(column, Ceiling(a), Floor(b)),
        };
        return op == FilterOperator.NotEqual ? Negate(range) : range;
    }

    private (DateTime? From, DateTime? To) MomentRange(FilterOperator op, IReadOnlyList<string> values)
    {
        switch (op)
        {
            case FilterOperator.WithinLast:
                return (Ago(values), null);
            case FilterOperator.MoreThanAgo:
                return (null, Ago(values));
        }

        var (day1, day2) = DateRange(op, values);
        return (day1 is { } d1 ? StartOfDay(d1) : null, day2 is { } d2 ? StartOfDay(d2.AddDays(1)) : null);
    }

    private static (DateOnly? From, DateOnly? To) DateRange(FilterOperator op, IReadOnlyList<string> values)
    {
        var a = ParseDate(values[0]);
        switch (op)
        {
            case FilterOperator.Before:
                return (null, a.AddDays(-1));
            case FilterOperator.After:
                return (a.AddDays(1), null);
            case FilterOperator.On:
                return (a, a);
            default:
                var b = ParseDate(values[1]);
                return a <= b ? (a, b) : (b, a);
        }
    }

    private DateTime Ago(IReadOnlyList<string> values)
    {
        var unit = values[1].Trim().ToLowerInvariant();
        var limit = unit switch
        {
            "days" or "day" => FilterLimits.MaxDays,
            "weeks" or "week" => FilterLimits.MaxDays / 7,
            "months" or "month" => FilterLimits.MaxDays / 30,
            "years" or "year" => FilterLimits.MaxDays / 365,
            _ => throw new FilterException($"'{Shorten(values[1])}' is not a period; use days, weeks, months or years."),
        };
        var n = ParseWhole(values[0], 0, limit, unit);
        return unit[0] switch
        {
            'd' => _now.AddDays(-n),
            'w' => _now.AddDays(-7 * n),
            'm' => _now.AddMonths(-n),
            _ => _now.AddYears(-n),
        };
    }

    /// <summary>Midnight starting <paramref name="day"/> on the merchant's clock, in UTC (the first valid time on a DST gap day).</summary>
    private DateTime StartOfDay(DateOnly day) => Insights.InsightPeriods.StartOfDayUtc(day, _zone);

    private static List<int> EnumValues<TEnum>(IReadOnlyList<string> values)
        where TEnum : struct, Enum
    {
        var result = new List<int>();
        foreach (var value in values)
        {
            if (!Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(value, out _))
            {
                throw new FilterException($"'{Shorten(value)}' is not one of the choices.");
            }

            var number = Convert.ToInt32(parsed, CultureInfo.InvariantCulture);
            if (!result.Contains(number))
            {
                result.Add(number);
            }
        }

        return result;
    }

    private static List<int> OptionIds(FilterField field, IReadOnlyList<string> values)
    {
        var ids = new List<int>();
        foreach (var value in values)
        {
            if (field.LabelOf(value) is null || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new FilterException($"'{Shorten(value)}' is not one of the choices (it may have been deleted).");
            }

            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static List<string> Names(IReadOnlyList<string> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = ContactRules.Clean(value) ?? throw new FilterException("enter a plan name.");
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static string? Fold(string value) => ContactRules.Clean(value) is { } cleaned ? ContactRules.Fold(cleaned) : null;

    private static decimal ParseNumber(string value)
    {
        if (!decimal.TryParse(value.Trim(), NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number)
            || Math.Abs(number) > 1_000_000_000_000m)
        {
            throw new FilterException($"'{Shorten(value)}' is not a number.");
        }

        return number;
    }

    private static int ParseWhole(string value, int min, int max, string unit)
    {
        if (!int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new FilterException($"'{Shorten(value)}' is not a whole number of {unit} between {min} and {max:N0}.");
        }

        return n;
    }

    private static DateOnly ParseDate(string value)
    {
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || date.Year < 1900 || date.Year > 2200)
        {
            throw new FilterException($"'{Shorten(value)}' is not a date (yyyy-mm-dd, between 1900 and 2200).");
        }

        return date;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…");

    private static SetKind SetOf(string key) => key switch
    {
        FilterFields.Tags => SetKind.Tags,
        FilterFields.Lists => SetKind.Lists,
        FilterFields.MembershipPlan => SetKind.MembershipPlans,
        FilterFields.MembershipStatus => SetKind.MembershipStatuses,
        FilterFields.Groups => SetKind.Groups,
        _ => throw new FilterException("this field is not a set."),
    };

    internal static Column ColumnOf(string key) => key switch
    {
        FilterFields.FirstName => Column.FirstName,
        FilterFields.LastName => Column.LastName,
        FilterFields.Email => Column.Email,
        FilterFields.Phone => Column.Phone,
        FilterFields.AddressLine => Column.AddressLine,
        FilterFields.PostalCode => Column.PostalCode,
        FilterFields.City => Column.City,
        FilterFields.Country => Column.Country,
        FilterFields.Birthday => Column.Birthday,
        FilterFields.CreatedAt => Column.CreatedAt,
        FilterFields.Source => Column.Source,
        FilterFields.HasAccount => Column.HasAccount,
        FilterFields.PhotoUploaded => Column.PhotoUploaded,
        FilterFields.VisitCount => Column.VisitCount,
        FilterFields.FirstVisitAt => Column.FirstVisitAt,
        FilterFields.LastVisitAt => Column.LastVisitAt,
        FilterFields.OrderCount => Column.OrderCount,
        FilterFields.TotalSpent => Column.TotalSpent,
        FilterFields.FirstOrderAt => Column.FirstOrderAt,
        FilterFields.LastOrderAt => Column.LastOrderAt,
        FilterFields.DonationCount => Column.DonationCount,
        FilterFields.DonationTotal => Column.DonationTotal,
        FilterFields.LastDonationAt => Column.LastDonationAt,
        FilterFields.ActiveMemberships => Column.ActiveMemberships,
        FilterFields.EmailConsent => Column.EmailConsent,
        FilterFields.SmsConsent => Column.SmsConsent,
        FilterFields.LoyaltyEnrolled => Column.LoyaltyEnrolled,
        FilterFields.LoyaltyPoints => Column.LoyaltyPoints,
        FilterFields.RewardInSight => Column.RewardInSight,
        _ => throw new FilterException("this field cannot be filtered."),
    };
}
