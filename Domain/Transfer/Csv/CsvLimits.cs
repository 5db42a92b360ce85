namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>Bounds that keep reading a hostile or broken file cheap: past them a row is rejected, never buffered.</summary>
public sealed record CsvLimits
{
    public static readonly CsvLimits Default = new();

    /// <summary>A header with this many columns is accepted; more is a <see cref="CsvFileException"/>.</summary>
    public int MaxColumns { get; init; } = 10_000;

    /// <summary>A longer value rejects its row (with the reason); reading goes on and the value is never held whole.</summary>
    public int MaxFieldLength { get; init; } = 100_000;

    /// <summary>
    /// A quoted value spanning more physical lines than this is taken for an unbalanced quote: its row is rejected and
    /// reading resumes on the line after the one where the quote opened.
    /// </summary>
    public int MaxRecordLines { get; init; } = 1_000;

    /// <summary>A longer row (in characters, all values together) is rejected, so many long values cannot add up unbounded.</summary>
    public int MaxRecordLength { get; init; } = 2_000_000;

    /// <summary>How much of a row's original text <see cref="CsvRecord.Raw"/> keeps for the rejects report (then "…").</summary>
    public int MaxRawLength { get; init; } = 10_000;
}
