using System.Buffers;
using System.Text;

namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>What went wrong with the record <see cref="CsvScanner.ReadRecord"/> just read.</summary>
internal enum CsvScanProblem
{
    None,
    UnbalancedQuote,
    FieldTooLong,
    RecordTooLong,
}

/// <summary>
/// An RFC 4180 state machine over a decoded char buffer, with the recoveries an import needs.
/// </summary>
/// <remarks>
/// Not CsvHelper: its 34.0 reader (no CsvParser/CsvConfiguration any more) keeps a whole record in its buffer and
/// <c>MaxRecordSize</c> throws, which ends the import at a 10 MB field instead of rejecting one row; and a quote that
/// is never closed "runs to the end of the input", the only alternative being no line breaks in quotes at all. This
/// reader keeps at most <see cref="CsvLimits.MaxFieldLength"/> characters of a value and <see cref="CsvLimits.MaxRawLength"/>
/// of a row's text, and can go back to the line after an unbalanced quote, because it owns its buffer.
/// Quoting rules, all lenient towards what spreadsheets and hand edits produce:
/// a quote opens a quoted value only at its start (spaces before it allowed); anywhere else it is text (<c>5" screen</c>);
/// a closing quote followed by text means the quotes did not wrap the value, which is then read as written
/// (<c>"5" screen"</c>); but if such a value spans lines, or spans more than <see cref="CsvLimits.MaxRecordLines"/>,
/// or reaches the end of the file, its opening quote is taken to be unbalanced: the row is rejected and reading
/// resumes on the line after the quote's line.
/// </remarks>
internal sealed class CsvScanner : IDisposable
{
    private const int ByteChunk = 64 * 1024;
    private const int InitialFieldCapacity = 256;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Decoder _decoder;
    private readonly byte[] _bytes = new byte[ByteChunk];
    private readonly int _maxCharsPerChunk;
    private readonly char _delimiter;
    private readonly SearchValues<char> _plainStops;
    private readonly SearchValues<char> _quotedStops;
    private readonly CsvLimits _limits;

    /// <summary>How far the buffer may grow to keep the lines after an open quote for a replay.</summary>
    private readonly int _replayCapacity;

    private readonly CountingDecoderFallback _invalid = new();
    private char[] _buf;
    private int _len;
    private int _pos;
    private bool _streamEnded;
    private bool _started;

    // The record being read. Text between a start index and _pos is not copied until the buffer moves (FlushPending).
    private int _recStart = -1;
    private readonly char[] _raw;
    private int _rawLen;
    private long _rawTotal;
    private int _segStart = -1;
    private char[] _field = new char[InitialFieldCapacity];
    private int _fieldLen;
    private long _fieldTotal;
    private int _storeLimit;
    private bool _anyNonBlank;

    // Where to go back to if the quoted value being read turns out to be an unbalanced quote.
    private int _mark = -1;
    private long _markLine;
    private long _rawAtMark;

    public CsvScanner(Stream stream, CsvFormat format, CsvLimits limits, bool leaveOpen)
    {
        if (limits.MaxColumns < 1 || limits.MaxFieldLength < 1 || limits.MaxRecordLines < 1 || limits.MaxRecordLength < 1 || limits.MaxRawLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limits), limits, "Every limit must be at least 1.");
        }
        if (format.Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException("The delimiter cannot be a quote or a line break.", nameof(format));
        }
        _stream = stream;
        _leaveOpen = leaveOpen;
        _limits = limits;
        _delimiter = format.Delimiter;
        var encoding = CsvEncodings.Get(format.Encoding, _invalid);
        _decoder = encoding.GetDecoder();
        _maxCharsPerChunk = encoding.GetMaxCharCount(ByteChunk);
        _buf = new char[_maxCharsPerChunk * 2];
        _raw = new char[limits.MaxRawLength];
        _plainStops = SearchValues.Create([_delimiter, '\r', '\n']);
        _quotedStops = SearchValues.Create(['"', '\r', '\n']);
        _replayCapacity = (int)Math.Min(Array.MaxLength, Math.Max(1L << 20, (long)limits.MaxFieldLength * 4));
    }

    public CsvLimits Limits => _limits;

    /// <summary>Bytes read from the stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The physical line the reader is on (1-based).</summary>
    public long Line { get; private set; } = 1;

    public long BlankLines { get; private set; }

    /// <summary>Byte sequences that were not valid in the encoding, read as U+FFFD.</summary>
    public long InvalidBytes => _invalid.Count;

    // The last record read.
    public List<string> Fields { get; } = [];
    public int FieldCount { get; private set; }

    /// <summary>How many values the record has up to its last non-blank one, when it has more than were stored.</summary>
    public int ValueCount { get; private set; }
    public long StartLine { get; private set; }
    public string Raw { get; private set; } = "";
    public CsvScanProblem Problem { get; private set; }
    public int ProblemField { get; private set; }
    public long ProblemLength { get; private set; }

    /// <summary>For an unbalanced quote: the line the quote opened on, and the line reading resumed at.</summary>
    public long QuoteLine { get; private set; }
    public long ResumeLine { get; private set; }

    /// <summary>
    /// Reads the next record that is not blank (blank lines, and rows whose values are all blank, are counted in
    /// <see cref="BlankLines"/>). Stores up to <paramref name="storeLimit"/> values in <see cref="Fields"/>; the
    /// others are only counted. Returns false at the end of the input.
    /// </summary>
    public bool ReadRecord(int storeLimit)
    {
        _storeLimit = storeLimit;
        while (true)
        {
            if (!SkipLineBreaks())
            {
                return false;
            }
            if (ReadOneRecord())
            {
                return true;
            }
        }
    }

    /// <summary>Skips empty lines (and a byte order mark at the start); false at the end of the input.</summary>
    private bool SkipLineBreaks()
    {
        while (true)
        {
            if (_pos >= _len && !Fill())
            {
                return false;
            }
            var c = _buf[_pos];
            if (!_started)
            {
                _started = true;
                if (c == '\uFEFF')
                {
                    _pos++;
                    continue;
                }
            }
            if (c == '\n')
            {
                _pos++;
                Line++;
                BlankLines++;
            }
            else if (c == '\r')
            {
                ConsumeLineBreak();
                BlankLines++;
            }
            else
            {
                return true;
            }
        }
    }

    /// <summary>Reads one record starting at _pos; false when it was blank (and counted).</summary>
    private bool ReadOneRecord()
    {
        Fields.Clear();
        FieldCount = 0;
        ValueCount = 0;
        Problem = CsvScanProblem.None;
        StartLine = Line;
        _recStart = _pos;
        _rawLen = 0;
        _rawTotal = 0;
        _anyNonBlank = false;
        _mark = -1;

        while (true)
        {
            var quoted = AtQuotedValue();
            var ok = quoted ? ReadQuotedField() : ReadPlainField();
            if (!ok)
            {
                // Unbalanced quote: FinishUnbalanced has placed the reader where reading resumes.
                return true;
            }
            if (_pos >= _len)
            {
                EndRecord(_pos);
                break;
            }
            var c = _buf[_pos];
            if (c == _delimiter)
            {
                _pos++;
                continue;
            }
            var end = _pos;
            EndRecord(end);
            ConsumeLineBreak();
            break;
        }

        if (!_anyNonBlank && Problem == CsvScanProblem.None)
        {
            BlankLines += Math.Max(1, Line - StartLine);
            return false;
        }
        if (Problem == CsvScanProblem.None && _rawTotal > _limits.MaxRecordLength)
        {
            Problem = CsvScanProblem.RecordTooLong;
            ProblemLength = _rawTotal;
        }
        if (Problem == CsvScanProblem.RecordTooLong)
        {
            for (var i = 0; i < Fields.Count; i++)
            {
                Fields[i] = "";
            }
        }
        return true;
    }

    /// <summary>Consumes CR LF, CR or LF at _pos.</summary>
    private void ConsumeLineBreak()
    {
        if (_buf[_pos] == '\r')
        {
            _pos++;
            if ((_pos < _len || Fill()) && _buf[_pos] == '\n')
            {
                _pos++;
            }
        }
        else
        {
            _pos++;
        }
        Line++;
    }

    /// <summary>Whether the value at _pos is quoted (a quote, possibly after spaces); if so _pos is on the quote.</summary>
    private bool AtQuotedValue()
    {
        var offset = 0;
        while (true)
        {
            if (_pos + offset >= _len && !Fill())
            {
                return false;
            }
            var c = _buf[_pos + offset];
            if (c == '"')
            {
                _pos += offset;
                return true;
            }
            if (c is not (' ' or '\t') || c == _delimiter)
            {
                return false;
            }
            offset++;
        }
    }

    private bool ReadPlainField()
    {
        _fieldLen = 0;
        _fieldTotal = 0;
        _segStart = _pos;
        ScanPlain();
        var index = FieldCount++;
        var segment = _buf.AsSpan(_segStart, _pos - _segStart);
        _segStart = -1;
        if (_fieldTotal == 0)
        {
            // The common case: the whole value is in the buffer.
            StoreValue(index, segment, segment.Length);
        }
        else
        {
            AppendField(segment);
            StoreValue(index, _field.AsSpan(0, _fieldLen), _fieldTotal);
        }
        return true;
    }

    /// <summary>Advances _pos to the next delimiter or line break (or the end of the input).</summary>
    private void ScanPlain()
    {
        while (true)
        {
            var idx = _buf.AsSpan(_pos, _len - _pos).IndexOfAny(_plainStops);
            if (idx >= 0)
            {
                _pos += idx;
                return;
            }
            _pos = _len;
            if (!Fill())
            {
                return;
            }
        }
    }

    private bool ReadQuotedField()
    {
        var openLine = Line;
        _fieldLen = 0;
        _fieldTotal = 0;
        _pos++;
        _segStart = _pos;
        var breaks = 0;
        while (true)
        {
            var idx = _buf.AsSpan(_pos, _len - _pos).IndexOfAny(_quotedStops);
            if (idx < 0)
            {
                _pos = _len;
                if (!Fill())
                {
                    _segStart = -1;
                    return FinishUnbalanced(openLine, skipRestOfLine: false);
                }
                continue;
            }
            _pos += idx;
            var c = _buf[_pos];
            if (c == '"')
            {
                if (_pos + 1 >= _len)
                {
                    Fill();
                }
                if (_pos + 1 < _len && _buf[_pos + 1] == '"')
                {
                    // An escaped quote: keep one.
                    AppendField(_buf.AsSpan(_segStart, _pos + 1 - _segStart));
                    _pos += 2;
                    _segStart = _pos;
                    continue;
                }
                AppendField(_buf.AsSpan(_segStart, _pos - _segStart));
                _pos++;
                return CloseQuotedField(openLine, breaks);
            }

            // A line break inside the quotes: part of the value, unless the quote turns out unbalanced.
            var rawBeforeBreak = _rawTotal + (_pos - _recStart);
            ConsumeLineBreak();
            breaks++;
            if (breaks == 1)
            {
                _mark = _pos;
                _markLine = Line;
                _rawAtMark = rawBeforeBreak;
            }
            if (breaks + 1 > _limits.MaxRecordLines)
            {
                _segStart = -1;
                return FinishUnbalanced(openLine, skipRestOfLine: false);
            }
        }
    }

    /// <summary>After the closing quote: fine if only spaces follow before the delimiter or line break.</summary>
    private bool CloseQuotedField(long openLine, int breaks)
    {
        var closedLength = _fieldTotal;
        _segStart = _pos;
        ScanPlain();
        var tail = _buf.AsSpan(_segStart, _pos - _segStart);
        var carried = (int)Math.Min(closedLength, _fieldLen);
        var tailIsBlank = tail.IsWhiteSpace() && (_fieldTotal == closedLength || _field.AsSpan(carried, _fieldLen - carried).IsWhiteSpace());
        if (tailIsBlank)
        {
            _segStart = -1;
            if (_fieldTotal > closedLength)
            {
                _fieldTotal = closedLength;
                _fieldLen = (int)Math.Min(_fieldLen, closedLength);
            }
            _mark = -1;
            StoreValue(FieldCount++, _field.AsSpan(0, _fieldLen), _fieldTotal);
            return true;
        }
        if (breaks > 0)
        {
            // "abc<line break>…"def: the quote that opened this value was most likely never meant to be closed here.
            _segStart = -1;
            return FinishUnbalanced(openLine, skipRestOfLine: true);
        }

        // "5" screen": the quotes did not wrap the value, so it is read as written.
        var stored = _fieldTotal <= _limits.MaxFieldLength;
        var inner = stored ? new string(_field, 0, (int)Math.Min(closedLength, _fieldLen)) : "";
        var after = stored ? new string(_field, (int)closedLength, _fieldLen - (int)closedLength) : "";
        var total = _fieldTotal;
        _fieldLen = 0;
        _fieldTotal = 0;
        if (stored)
        {
            AppendField("\"");
            AppendField(inner.Replace("\"", "\"\"", StringComparison.Ordinal));
            AppendField("\"");
            AppendField(after);
        }
        else
        {
            _fieldTotal = total + 2;
        }
        AppendField(tail);
        _segStart = -1;
        StoreValue(FieldCount++, _field.AsSpan(0, _fieldLen), _fieldTotal);
        return true;
    }

    /// <summary>
    /// Rejects the record for an unbalanced quote opened on <paramref name="openLine"/> and places the reader where
    /// reading goes on: back at the line after the quote's line when that text is still held, otherwise here.
    /// </summary>
    private bool FinishUnbalanced(long openLine, bool skipRestOfLine)
    {
        Problem = CsvScanProblem.UnbalancedQuote;
        QuoteLine = openLine;
        _anyNonBlank = true;
        if (_mark >= 0)
        {
            EndRecord(_pos, _rawAtMark);
            _pos = _mark;
            Line = _markLine;
            _mark = -1;
            ResumeLine = Line;
            return false;
        }
        EndRecord(_pos);
        if (skipRestOfLine && _pos < _len)
        {
            // Mid-line after a closing quote: go on with the next line.
            ScanToLineEnd();
        }
        ResumeLine = Line;
        return false;
    }

    private void ScanToLineEnd()
    {
        while (true)
        {
            var idx = _buf.AsSpan(_pos, _len - _pos).IndexOfAny('\r', '\n');
            if (idx >= 0)
            {
                _pos += idx;
                ConsumeLineBreak();
                return;
            }
            _pos = _len;
            if (!Fill())
            {
                return;
            }
        }
    }

    /// <summary>Stores value number <paramref name="index"/> (or only notes whether it is blank, past the store limit).</summary>
    private void StoreValue(int index, ReadOnlySpan<char> value, long length)
    {
        var tooLong = length > _limits.MaxFieldLength;
        if (tooLong && Problem == CsvScanProblem.None)
        {
            Problem = CsvScanProblem.FieldTooLong;
            ProblemField = index;
            ProblemLength = length;
        }
        if (index < _storeLimit)
        {
            Fields.Add(tooLong || value.IsEmpty ? "" : new string(value));
            if (!_anyNonBlank && (tooLong || !value.IsWhiteSpace()))
            {
                _anyNonBlank = true;
            }
        }
        else if (tooLong || !value.IsWhiteSpace())
        {
            _anyNonBlank = true;
            ValueCount = index + 1;
        }
    }

    private void AppendField(ReadOnlySpan<char> chars)
    {
        var newTotal = _fieldTotal + chars.Length;
        if (newTotal <= _limits.MaxFieldLength && _rawTotal <= _limits.MaxRecordLength)
        {
            if (_fieldLen + chars.Length > _field.Length)
            {
                var size = (int)Math.Min(Math.Max((long)_field.Length * 2, _fieldLen + chars.Length), Math.Max(_limits.MaxFieldLength, InitialFieldCapacity));
                Array.Resize(ref _field, size);
            }
            chars.CopyTo(_field.AsSpan(_fieldLen));
            _fieldLen += chars.Length;
        }
        _fieldTotal = newTotal;
    }

    private void AppendRaw(ReadOnlySpan<char> chars)
    {
        var room = _raw.Length - _rawLen;
        if (room > 0)
        {
            var n = Math.Min(room, chars.Length);
            chars[..n].CopyTo(_raw.AsSpan(_rawLen));
            _rawLen += n;
        }
        _rawTotal += chars.Length;
    }

    /// <summary>Completes <see cref="Raw"/> with the text up to <paramref name="end"/> (kept to <paramref name="keep"/> characters).</summary>
    private void EndRecord(int end, long keep = long.MaxValue)
    {
        if (_rawLen == 0 && _rawTotal == 0 && end - _recStart <= _raw.Length && keep >= end - _recStart)
        {
            Raw = new string(_buf, _recStart, end - _recStart);
            _rawTotal = end - _recStart;
        }
        else
        {
            AppendRaw(_buf.AsSpan(_recStart, end - _recStart));
            var wanted = Math.Min(_rawTotal, keep);
            if (wanted > _rawLen)
            {
                // Cut short for the report; never between the two halves of an emoji.
                var length = _rawLen > 0 && char.IsHighSurrogate(_raw[_rawLen - 1]) ? _rawLen - 1 : _rawLen;
                Raw = string.Concat(_raw.AsSpan(0, length), "…");
            }
            else
            {
                Raw = new string(_raw, 0, (int)wanted);
            }
        }
        _recStart = -1;
    }

    /// <summary>Copies the text of the record and value read so far out of the buffer, which is about to move.</summary>
    private void FlushPending()
    {
        if (_recStart >= 0)
        {
            AppendRaw(_buf.AsSpan(_recStart, _pos - _recStart));
            _recStart = _pos;
        }
        if (_segStart >= 0)
        {
            AppendField(_buf.AsSpan(_segStart, _pos - _segStart));
            _segStart = _pos;
        }
    }

    /// <summary>Reads more text after _len, keeping the buffer from _pos (or from the replay mark). False at the end.</summary>
    private bool Fill()
    {
        if (_streamEnded)
        {
            return false;
        }
        FlushPending();
        if (_buf.Length - _len >= _maxCharsPerChunk)
        {
            return Read();
        }
        var keep = _mark >= 0 ? _mark : _pos;
        if (_mark >= 0 && _len - keep + _maxCharsPerChunk > _replayCapacity)
        {
            // Too much to keep for a replay: give it up; an unbalanced quote then resumes where it is found.
            _mark = -1;
            keep = _pos;
        }
        var live = _len - keep;
        if (live + _maxCharsPerChunk <= _buf.Length)
        {
            Array.Copy(_buf, keep, _buf, 0, live);
        }
        else
        {
            var bigger = new char[Math.Min(Math.Max((long)_buf.Length * 2, (long)live + _maxCharsPerChunk), Array.MaxLength)];
            Array.Copy(_buf, keep, bigger, 0, live);
            _buf = bigger;
        }
        Shift(keep);
        return Read();
    }

    private void Shift(int by)
    {
        _len -= by;
        _pos -= by;
        if (_mark >= 0)
        {
            _mark -= by;
        }
        if (_recStart >= 0)
        {
            _recStart -= by;
        }
        if (_segStart >= 0)
        {
            _segStart -= by;
        }
    }

    private bool Read()
    {
        while (true)
        {
            var n = _stream.Read(_bytes, 0, _bytes.Length);
            BytesRead += n;
            var chars = n == 0
                ? _decoder.GetChars(_bytes, 0, 0, _buf, _len, flush: true)
                : _decoder.GetChars(_bytes, 0, n, _buf, _len, flush: false);
            _len += chars;
            if (n == 0)
            {
                _streamEnded = true;
                return chars > 0;
            }
            if (chars > 0)
            {
                return true;
            }
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
