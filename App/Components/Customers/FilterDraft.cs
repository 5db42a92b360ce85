using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.App.Components.Customers;

/// <summary>
/// The filter as it is being edited in the filter bar: mutable, and allowed to hold conditions that are not finished
/// yet (no value typed). <see cref="DraftGroup.ToDefinition"/> gives what is applied: the finished conditions only.
/// </summary>
public abstract class DraftNode
{
    private static int _nextKey;

    /// <summary>A stable identity for <c>@key</c>, so editors keep their focus and typing when lines move.</summary>
    public int Key { get; } = Interlocked.Increment(ref _nextKey);

    public bool Not { get; set; }

    public abstract FilterNode? ToNode(FilterCatalog catalog);
}

public sealed class DraftGroup : DraftNode
{
    public FilterMatch Match { get; set; } = FilterMatch.All;

    public List<DraftNode> Items { get; } = [];

    /// <summary>Null when nothing in the group is finished (an empty group means nothing, so it is left out).</summary>
    public override FilterNode? ToNode(FilterCatalog catalog)
    {
        var items = Items.Select(i => i.ToNode(catalog)).OfType<FilterNode>().ToArray();
        return items.Length == 0 ? null : new FilterNode { Match = Match, Items = items, Not = Not };
    }

    /// <summary>The applied filter: finished conditions, empty groups left out.</summary>
    public FilterDefinition ToDefinition(FilterCatalog catalog)
    {
        var items = Items.Select(i => i.ToNode(catalog)).OfType<FilterNode>().ToArray();
        return new FilterDefinition { Root = new FilterNode { Match = Match, Items = items, Not = Not && items.Length > 0 } };
    }

    /// <summary>
    /// The editable form of a filter, or null when it is too large to edit (more conditions, values or nesting than
    /// any valid filter has; the search explains what is wrong, and the bar offers to clear it).
    /// </summary>
    public static DraftGroup? From(FilterDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var conditions = 0;
        return definition.Root is null ? new DraftGroup() : FromGroup(definition.Root, 1, ref conditions);
    }

    private static DraftGroup? FromGroup(FilterNode node, int depth, ref int conditions)
    {
        if (depth > FilterLimits.MaxDepth)
        {
            return null;
        }

        var group = new DraftGroup { Match = node.Match ?? FilterMatch.All, Not = node.Not };
        foreach (var item in node.Items ?? [])
        {
            if (item is null)
            {
                continue;
            }

            if (item.IsGroup)
            {
                if (FromGroup(item, depth + 1, ref conditions) is not { } child)
                {
                    return null;
                }

                group.Items.Add(child);
            }
            else
            {
                if (++conditions > FilterLimits.MaxConditions || item.Values is { Count: > FilterLimits.MaxValuesPerCondition })
                {
                    return null;
                }

                group.Items.Add(new DraftCondition
                {
                    Field = item.Field,
                    Op = item.Op,
                    Values = [.. (item.Values ?? []).Select(v => v ?? "")],
                    Not = item.Not,
                });
            }
        }

        return group;
    }
}

public sealed class DraftCondition : DraftNode
{
    public string? Field { get; set; }

    public FilterOperator? Op { get; set; }

    public List<string> Values { get; set; } = [];

    /// <summary>
    /// Finished: a field, an operator it accepts, and enough non-blank values. A field the catalog no longer has
    /// counts as finished, so the search can say what is wrong with it instead of the condition silently vanishing.
    /// </summary>
    public bool IsComplete(FilterCatalog catalog)
    {
        if (Field is null || Op is not { } op)
        {
            return false;
        }

        if (catalog.Find(Field) is not { } field)
        {
            return true;
        }

        var (min, _) = FilterFieldTypes.Arity(field.Type, op);
        return Values.Count >= min && Values.All(v => !string.IsNullOrWhiteSpace(v));
    }

    public override FilterNode? ToNode(FilterCatalog catalog) =>
        IsComplete(catalog) ? new FilterNode { Field = Field, Op = Op, Values = [.. Values], Not = Not } : null;

    /// <summary>Picks a field: its first operator, and the values that operator starts with.</summary>
    public void ChooseField(FilterField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        Field = field.Key;
        Op = null;
        Values = [];
        ChooseOperator(field, field.Operators[0]);
    }

    /// <summary>Picks an operator, keeping the values typed so far when they still mean the same thing.</summary>
    public void ChooseOperator(FilterField field, FilterOperator op)
    {
        ArgumentNullException.ThrowIfNull(field);
        var before = Op is { } old ? KindOf(field.Type, old) : Kind.None;
        var after = KindOf(field.Type, op);
        Op = op;
        var (min, max) = FilterFieldTypes.Arity(field.Type, op);
        if (before != after)
        {
            Values = after switch
            {
                Kind.Period => ["", "days"],
                Kind.Activity => ["", "30"],
                _ => [],
            };
        }

        // Single values and ranges share their first value ("≥ 10" → "between 10 and …").
        while (Values.Count < min && after != Kind.List)
        {
            Values.Add("");
        }

        if (Values.Count > max)
        {
            Values.RemoveRange(max, Values.Count - max);
        }
    }

    private enum Kind
    {
        None,
        Single,
        Period,
        Activity,
        List,
    }

    private static Kind KindOf(FilterFieldType type, FilterOperator op) => op switch
    {
        FilterOperator.IsEmpty or FilterOperator.IsNotEmpty or FilterOperator.IsTrue or FilterOperator.IsFalse => Kind.None,
        FilterOperator.WithinLast or FilterOperator.MoreThanAgo => Kind.Period,
        FilterOperator.AtLeast or FilterOperator.LessThan => Kind.Activity,
        FilterOperator.AnyOf or FilterOperator.NoneOf or FilterOperator.HasAny or FilterOperator.HasAll or FilterOperator.HasNone => Kind.List,
        _ when type == FilterFieldType.Boolean => Kind.None,
        _ => Kind.Single,
    };
}
