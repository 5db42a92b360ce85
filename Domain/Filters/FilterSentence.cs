using System.Globalization;
using System.Text;

namespace CustomerDirectory.Domain.Filters;

/// <summary>
/// A filter as one sentence people can read back: <c>Visits in the last days at least 3 in 56 days AND (Tags has
/// any of VIP OR Total spent ≥ 500)</c>. Option ids are shown by their labels; a field or option that no longer
/// exists is named as such, so a saved filter that stopped binding still reads sensibly.
/// </summary>
/// <remarks>
/// It describes what it is given, valid or not, and never throws for a malformed filter: it may be read from an
/// address bar. Long value lists and very large filters are cut short ("and 9,995 more", "…").
/// </remarks>
public static class FilterSentence
{
    /// <summary>Values listed before "and N more".</summary>
    public const int MaxValuesShown = 5;

    /// <summary>Characters of a text value shown before "…".</summary>
    public const int MaxValueChars = 40;

    /// <summary>The sentence for a whole filter; empty when it has no conditions.</summary>
    public static string Describe(FilterDefinition definition, FilterCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(catalog);
        var writer = new Writer(catalog);
        var root = definition.Root is null ? null : writer.Node(definition.Root, depth: 1);
        var text = root?.Text ?? "";
        return writer.Truncated ? text + " …" : text;
    }

    /// <summary>One condition, as it reads inside <see cref="Describe"/> (with its "NOT" when negated).</summary>
    public static string DescribeCondition(FilterNode condition, FilterCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(catalog);
        return new Writer(catalog).Node(condition, depth: 1)?.Text ?? "";
    }

    private sealed record Part(string Text, bool Compound);

    private sealed class Writer(FilterCatalog catalog)
    {
        // Deeper than any valid filter (FilterLimits.MaxDepth) and than the JSON reader allows; a guard, not a rule.
        private const int MaxDepth = 40;
        private int _conditions;

        public bool Truncated { get; private set; }

        public Part? Node(FilterNode? node, int depth)
        {
            if (node is null || Truncated)
            {
                return null;
            }

            if (depth > MaxDepth)
            {
                Truncated = true;
                return null;
            }

            if (!node.IsGroup)
            {
                if (++_conditions > FilterLimits.MaxConditions)
                {
                    Truncated = true;
                    return null;
                }

                var condition = Condition(node);
                return new Part(node.Not ? "NOT " + condition : condition, false);
            }

            var parts = new List<Part>();
            foreach (var item in node.Items ?? [])
            {
                if (Node(item, depth + 1) is { } part)
                {
                    parts.Add(part);
                }
            }

            if (parts.Count == 0)
            {
                return null;
            }

            var joiner = node.Match == FilterMatch.Any ? " OR " : " AND ";
            var inner = parts.Count == 1 ? parts[0] : new Part(string.Join(joiner, parts.Select(Wrap)), true);
            return node.Not ? new Part("NOT " + Wrap(inner), false) : inner;
        }

        private static string Wrap(Part part) => part.Compound ? $"({part.Text})" : part.Text;

        private string Condition(FilterNode node)
        {
            var field = catalog.Find(node.Field);
            var label = field?.Label ?? (string.IsNullOrEmpty(node.Field) ? "(no field)" : $"unknown field \"{Shorten(node.Field)}\"");
            if (node.Op is not { } op)
            {
                return $"{label} (no operator)";
            }

            var values = node.Values ?? [];
            var type = field?.Type ?? FilterFieldType.Text;
            if (type is FilterFieldType.Activity or FilterFieldType.Spending && op is FilterOperator.AtLeast or FilterOperator.LessThan)
            {
                // "Visits at least 3 in the last 56 days", not "Visits in the last days at least 3 in 56 days".
                var noun = label.EndsWith(ActivitySuffix, StringComparison.Ordinal) ? label[..^ActivitySuffix.Length] : label;
                string At(int i) => i < values.Count ? values[i] ?? "" : "…";
                return $"{noun} {FilterFieldTypes.Phrase(op)} {Shorten(At(0).Trim())} in the last {Period(At(1), "days")}";
            }

            // One choice reads "is Subscribed"; several, "is any of Subscribed, Bounced".
            var phrase = values.Count == 1 ? op switch
            {
                FilterOperator.AnyOf => "is",
                FilterOperator.NoneOf => "is not",
                _ => FilterFieldTypes.Phrase(op),
            } : FilterFieldTypes.Phrase(op);
            var text = new StringBuilder(label).Append(' ').Append(phrase);
            var said = Values(field, type, op, values);
            if (said.Length > 0)
            {
                text.Append(' ').Append(said);
            }

            return text.ToString();
        }

        private const string ActivitySuffix = " in the last days";

        private static string Values(FilterField? field, FilterFieldType type, FilterOperator op, IReadOnlyList<string?> values)
        {
            string At(int i) => i < values.Count ? values[i] ?? "" : "…";
            switch (op)
            {
                case FilterOperator.IsEmpty or FilterOperator.IsNotEmpty or FilterOperator.IsTrue or FilterOperator.IsFalse:
                    return "";
                case FilterOperator.WithinLast:
                    return Period(At(0), At(1));
                case FilterOperator.MoreThanAgo:
                    return Period(At(0), At(1)) + " ago";
                case FilterOperator.AtLeast or FilterOperator.LessThan:
                    return $"{Shorten(At(0).Trim())} in {Period(At(1), "days")}";
                case FilterOperator.Between:
                    return $"{One(type, At(0))} and {One(type, At(1))}";
                case FilterOperator.AnyOf or FilterOperator.NoneOf or FilterOperator.HasAny or FilterOperator.HasAll or FilterOperator.HasNone:
                    return List(field, values);
                default:
                    return One(type, At(0));
            }
        }

        private static string One(FilterFieldType type, string value) => type switch
        {
            FilterFieldType.Text => $"\"{Shorten(value)}\"",
            FilterFieldType.Moment or FilterFieldType.Date =>
                DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    ? day.ToString("d MMM yyyy", CultureInfo.InvariantCulture)
                    : Shorten(value),
            _ => Shorten(value.Trim()),
        };

        private static string Period(string count, string unit)
        {
            var n = count.Trim();
            var u = unit.Trim().ToLowerInvariant();
            if (n == "1" && u.EndsWith('s'))
            {
                u = u[..^1];
            }

            return $"{Shorten(n)} {Shorten(u)}";
        }

        private static string List(FilterField? field, IReadOnlyList<string?> values)
        {
            if (values.Count == 0)
            {
                return "…";
            }

            var shown = values.Take(MaxValuesShown).Select(v => Label(field, v ?? ""));
            var text = string.Join(", ", shown);
            return values.Count > MaxValuesShown
                ? $"{text} and {(values.Count - MaxValuesShown).ToString("N0", CultureInfo.InvariantCulture)} more"
                : text;
        }

        /// <summary>An option's label; free values (membership plans) as typed; a deleted option says so.</summary>
        private static string Label(FilterField? field, string value)
        {
            if (field is null || field.Options.Count == 0)
            {
                return Shorten(value);
            }

            return field.LabelOf(value) is { } label ? Shorten(label) : "a deleted choice";
        }

        private static string Shorten(string value) =>
            value.Length <= MaxValueChars ? value : string.Concat(value.AsSpan(0, MaxValueChars), "…");
    }
}
