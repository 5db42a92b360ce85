namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>One row of a file.</summary>
/// <param name="Line">1-based physical line where the row starts (the header is line 1 when the file starts with it).</param>
/// <param name="Raw">The original text of the row, without its line break, capped at <see cref="CsvLimits.MaxRawLength"/> characters plus "…".</param>
/// <param name="Fields">
/// Exactly as many values as the header has columns, as written (not trimmed: see <see cref="CsvValues.Clean"/>).
/// Missing trailing values are "". Extra values are dropped when empty, otherwise the row has an <paramref name="Error"/>.
/// </param>
/// <param name="Error">Null when the row is fine; otherwise why it is rejected, for the merchant.</param>
public sealed record CsvRecord(long Line, string Raw, IReadOnlyList<string> Fields, string? Error);
