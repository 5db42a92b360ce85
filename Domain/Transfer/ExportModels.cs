using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.Domain.Transfer;

/// <summary>A column a CSV export can have.</summary>
/// <param name="Key">Stable identifier, used in addresses (<c>cols=</c>): "email", "tags", "cf:12" (custom field 12).</param>
/// <param name="Header">The header cell.</param>
/// <param name="Section">Where the column chooser lists it ("Profile", "Contact", "Marketing"…).</param>
/// <param name="IsDefault">Ticked when the chooser opens.</param>
public sealed record ExportColumn(string Key, string Header, string Section, bool IsDefault);

/// <summary>Whom an export covers: everyone, what a directory filter and search find, or a group's members.</summary>
public sealed record ExportScope
{
    public static ExportScope Everyone { get; } = new();

    public FilterDefinition? Filter { get; init; }

    public string? Text { get; init; }

    public int? GroupId { get; init; }

    /// <summary>The directory as the person sees it: its filter (null or empty for none) and search text.</summary>
    public static ExportScope Directory(FilterDefinition? filter, string? text) => new() { Filter = filter is { IsEmpty: false } ? filter : null, Text = text };

    public static ExportScope Group(int groupId) => new() { GroupId = groupId };
}

/// <summary>What an export wrote.</summary>
public sealed record ExportResult(int Rows, IReadOnlyList<ExportColumn> Columns);
