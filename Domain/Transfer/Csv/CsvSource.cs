using System.Globalization;

namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>A streamed CSV file: the header, then rows one at a time. Never buffers the whole file.</summary>
/// <remarks>
/// A first line "sep=;" (written by Excel) is skipped. A row whose values are all blank (an empty line, or only delimiters and spaces, as spreadsheets leave at the end)
/// is skipped and counted in <see cref="BlankLines"/>, not returned.
/// </remarks>
public sealed class CsvSource : IDisposable
{
    private readonly CsvScanner _scanner;
    private readonly long _startPosition;
    private bool _rowsRead;

    private CsvSource(CsvScanner scanner, Stream stream, IReadOnlyList<string> header, IReadOnlyList<string> headerProblems)
    {
        _scanner = scanner;
        Header = header;
        HeaderProblems = headerProblems;
        _startPosition = stream.CanSeek ? stream.Position - scanner.BytesRead : 0;
        Length = stream.CanSeek ? stream.Length : null;
    }

    /// <summary>The column names: trimmed and cleaned; duplicates made unique ("Email (2)"); a blank one is "Column 7".</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>What was changed in the header, for the merchant.</summary>
    public IReadOnlyList<string> HeaderProblems { get; }

    /// <summary>Blank lines skipped so far (including rows whose values are all blank).</summary>
    public long BlankLines => _scanner.BlankLines;

    /// <summary>Bytes of the stream consumed so far, for progress (read ahead by up to 64 KB).</summary>
    public long Position => _startPosition + _scanner.BytesRead;

    /// <summary>
    /// Byte sequences read so far that are not valid in the chosen encoding (each read as U+FFFD). Above zero, the
    /// encoding is probably wrong: say so to the merchant, who can choose another.
    /// </summary>
    public long InvalidBytes => _scanner.InvalidBytes;

    /// <summary>The stream's length when it is seekable.</summary>
    public long? Length { get; }

    /// <summary>Opens a file and reads its header. The source owns the stream and disposes it.</summary>
    /// <exception cref="CsvFileException">The file is empty, has no header, or its header is beyond <paramref name="limits"/>.</exception>
    public static CsvSource Open(Stream stream, CsvFormat format, CsvLimits? limits = null) =>
        Open(stream, format, limits, leaveOpen: false);

    /// <summary>Opens a file and reads its header; <paramref name="leaveOpen"/> keeps the stream open after disposal.</summary>
    /// <exception cref="CsvFileException">The file is empty, has no header, or its header is beyond <paramref name="limits"/>.</exception>
    public static CsvSource Open(Stream stream, CsvFormat format, CsvLimits? limits, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(format);
        limits ??= CsvLimits.Default;
        var scanner = new CsvScanner(stream, format, limits, leaveOpen);
        try
        {
            var (header, problems) = ReadHeader(scanner, limits);
            return new CsvSource(scanner, stream, header, problems);
        }
        catch
        {
            scanner.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The rows after the header, read as they are enumerated (once per source). Rows that cannot be read have an
    /// <see cref="CsvRecord.Error"/>; reading always goes on to the end of the file.
    /// </summary>
    public IEnumerable<CsvRecord> ReadRows(CancellationToken ct = default)
    {
        if (_rowsRead)
        {
            throw new InvalidOperationException("The rows of a CsvSource can be read only once: open the file again.");
        }
        _rowsRead = true;
        return Rows(ct);
    }

    private IEnumerable<CsvRecord> Rows(CancellationToken ct)
    {
        var columns = Header.Count;
        while (_scanner.ReadRecord(columns))
        {
            ct.ThrowIfCancellationRequested();
            var fields = new string[columns];
            var stored = _scanner.Fields;
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = i < stored.Count ? stored[i] : "";
            }
            yield return new CsvRecord(_scanner.StartLine, _scanner.Raw, fields, RowError(columns));
        }
    }

    private string? RowError(int columns) => _scanner.Problem switch
    {
        CsvScanProblem.UnbalancedQuote when _scanner.ResumeLine == _scanner.QuoteLine + 1 => Invariant(
            $"A quote opened on line {_scanner.QuoteLine:N0} is never closed (unbalanced quote), so this row was skipped; reading went on with line {_scanner.ResumeLine:N0}."),
        CsvScanProblem.UnbalancedQuote => Invariant(
            $"A quote opened on line {_scanner.QuoteLine:N0} is never closed (unbalanced quote); lines {_scanner.QuoteLine:N0} to {_scanner.ResumeLine - 1:N0} could not be read."),
        CsvScanProblem.FieldTooLong when _scanner.ProblemField < columns => Invariant(
            $"The value in column “{Header[_scanner.ProblemField]}” is {_scanner.ProblemLength:N0} characters long; the limit is {_scanner.Limits.MaxFieldLength:N0}."),
        CsvScanProblem.FieldTooLong => Invariant(
            $"Value {_scanner.ProblemField + 1:N0}, beyond the header's {columns:N0} columns, is {_scanner.ProblemLength:N0} characters long; the limit is {_scanner.Limits.MaxFieldLength:N0}."),
        CsvScanProblem.RecordTooLong => Invariant(
            $"This row is {_scanner.ProblemLength:N0} characters long; the limit is {_scanner.Limits.MaxRecordLength:N0}."),
        _ when _scanner.ValueCount > columns => Invariant(
            $"This row has {_scanner.ValueCount:N0} values but the header has {columns:N0} columns."),
        _ => null,
    };

    private static (IReadOnlyList<string> Header, IReadOnlyList<string> Problems) ReadHeader(CsvScanner scanner, CsvLimits limits)
    {
        var found = scanner.ReadRecord(limits.MaxColumns);
        if (found && IsSeparatorHint(scanner.Raw))
        {
            found = scanner.ReadRecord(limits.MaxColumns);
        }
        if (!found)
        {
            throw new CsvFileException(scanner.BlankLines == 0
                ? "The file is empty."
                : "The file has no header row: it contains only blank lines.");
        }
        switch (scanner.Problem)
        {
            case CsvScanProblem.UnbalancedQuote:
                throw new CsvFileException(Invariant(
                    $"The header row (line {scanner.StartLine:N0}) has a quote that is never closed (unbalanced quote)."));
            case CsvScanProblem.FieldTooLong:
                throw new CsvFileException(Invariant(
                    $"Column {scanner.ProblemField + 1:N0} of the header row is named with {scanner.ProblemLength:N0} characters; the limit is {limits.MaxFieldLength:N0}. Is this really a CSV file?"));
            case CsvScanProblem.RecordTooLong:
                throw new CsvFileException(Invariant(
                    $"The header row is {scanner.ProblemLength:N0} characters long; the limit is {limits.MaxRecordLength:N0}. Is this really a CSV file?"));
            case CsvScanProblem.None:
                break;
        }
        if (scanner.FieldCount > limits.MaxColumns)
        {
            throw new CsvFileException(Invariant(
                $"The header has {scanner.FieldCount:N0} columns; at most {limits.MaxColumns:N0} can be imported."));
        }
        return CsvHeader.MakeUnique(scanner.Fields);
    }

    /// <summary>Excel's "sep=;" first line, which names the delimiter (CsvSniffer reads it) and is not the header.</summary>
    internal static bool IsSeparatorHint(ReadOnlySpan<char> line) =>
        line.Length == 5 && line.StartsWith("sep=", StringComparison.OrdinalIgnoreCase);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _scanner.Dispose();
}
