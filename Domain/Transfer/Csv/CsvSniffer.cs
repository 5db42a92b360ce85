using System.Buffers;
using System.Text.Unicode;

namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>Guesses how a file is written from its first bytes; the merchant can override the guess.</summary>
public static class CsvSniffer
{
    public const int HeadLength = 65536;

    /// <summary>How many records the delimiter guess looks at.</summary>
    private const int SampleRecords = 50;

    private static readonly char[] Delimiters = [',', ';', '\t'];

    /// <summary>
    /// Detects the encoding (BOMs for UTF-8 and UTF-16 LE/BE; else UTF-16 without BOM by its NUL pattern; else valid
    /// UTF-8; else Windows-1252) and the delimiter (comma, semicolon or tab: the one that splits the most of the first
    /// records into as many values as the header, outside quotes; or the one that Excel's "sep=;" first line names).
    /// </summary>
    /// <param name="head">Up to the first <see cref="HeadLength"/> bytes of the file.</param>
    public static CsvFormat Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length > HeadLength)
        {
            head = head[..HeadLength];
        }

        var encoding = DetectEncoding(head);
        var text = CsvEncodings.Get(encoding).GetString(head);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }
        if (head.Length == HeadLength)
        {
            // The last line is probably cut short; a partial line would count as inconsistent.
            var lastBreak = text.AsSpan().LastIndexOfAny('\r', '\n');
            if (lastBreak > 0)
            {
                text = text[..lastBreak];
            }
        }
        var firstLine = text.AsSpan(0, Math.Max(0, text.AsSpan().IndexOfAny('\r', '\n')));
        if (CsvSource.IsSeparatorHint(firstLine) && firstLine[4] is not ('"' or '\r' or '\n'))
        {
            return new CsvFormat(encoding, firstLine[4]);
        }
        return new CsvFormat(encoding, DetectDelimiter(text));
    }

    /// <summary>Reads the head of a seekable stream, detects its format and puts the stream back where it was.</summary>
    public static CsvFormat Detect(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable: the head is read, then read again by CsvSource.", nameof(stream));
        }
        var start = stream.Position;
        var head = new byte[HeadLength];
        var read = 0;
        int n;
        while (read < head.Length && (n = stream.Read(head, read, head.Length - read)) > 0)
        {
            read += n;
        }
        stream.Position = start;
        return Detect(head.AsSpan(0, read));
    }

    internal static CsvEncoding DetectEncoding(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return CsvEncoding.Utf8;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return CsvEncoding.Utf16LittleEndian;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return CsvEncoding.Utf16BigEndian;
        }

        // Before the UTF-8 check: UTF-16 text that is mostly ASCII is also valid UTF-8 (NUL is a valid character).
        // The pattern must be lopsided (NULs in one byte of each pair, almost never in the other), so a UTF-8 file
        // with a few stray NULs, or padded with runs of them, stays UTF-8.
        var pairs = head.Length / 2;
        if (pairs >= 2)
        {
            int evenNuls = 0, oddNuls = 0;
            for (var i = 0; i + 1 < head.Length; i += 2)
            {
                if (head[i] == 0)
                {
                    evenNuls++;
                }
                if (head[i + 1] == 0)
                {
                    oddNuls++;
                }
            }
            if (oddNuls >= pairs * 0.3 && evenNuls <= pairs * 0.05)
            {
                return CsvEncoding.Utf16LittleEndian;
            }
            if (evenNuls >= pairs * 0.3 && oddNuls <= pairs * 0.05)
            {
                return CsvEncoding.Utf16BigEndian;
            }
        }

        return IsUtf8(head) ? CsvEncoding.Utf8 : CsvEncoding.Windows1252;
    }

    /// <summary>Whether the bytes are valid UTF-8, allowing a sequence cut short at the end (the head is a prefix).</summary>
    private static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[2048];
        while (true)
        {
            var status = Utf8.ToUtf16(bytes, chars, out var read, out _, replaceInvalidSequences: false, isFinalBlock: false);
            bytes = bytes[read..];
            switch (status)
            {
                case OperationStatus.Done:
                    return true;
                case OperationStatus.NeedMoreData:
                    return bytes.Length < 4;
                case OperationStatus.DestinationTooSmall:
                    continue;
                default:
                    return false;
            }
        }
    }

    internal static char DetectDelimiter(string text)
    {
        var best = ',';
        var bestScore = 0;
        var bestColumns = 0;
        foreach (var delimiter in Delimiters)
        {
            var counts = CountPerRecord(text, delimiter);
            if (counts.Count == 0 || counts[0] == 0)
            {
                // A file to import has several columns, so its header contains the delimiter.
                continue;
            }
            var header = counts[0];
            var score = counts.Count(c => c == header);
            if (score > bestScore || (score == bestScore && header > bestColumns))
            {
                (best, bestScore, bestColumns) = (delimiter, score, header);
            }
        }
        return best;
    }

    /// <summary>Delimiters outside quotes in each of the first non-blank records (a quote opens only at the start of a value).</summary>
    private static List<int> CountPerRecord(string text, char delimiter)
    {
        var counts = new List<int>();
        var count = 0;
        var inQuotes = false;
        var atFieldStart = true;
        var blank = true;
        for (var i = 0; i < text.Length && counts.Count < SampleRecords; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                continue;
            }
            if (c == delimiter)
            {
                count++;
                atFieldStart = true;
                blank = false;
            }
            else if (c is '\r' or '\n')
            {
                if (!blank)
                {
                    counts.Add(count);
                }
                count = 0;
                atFieldStart = true;
                blank = true;
            }
            else
            {
                if (c == '"' && atFieldStart)
                {
                    inQuotes = true;
                }
                atFieldStart = false;
                blank = false;
            }
        }
        if (!blank && counts.Count < SampleRecords)
        {
            counts.Add(count);
        }
        return counts;
    }
}
