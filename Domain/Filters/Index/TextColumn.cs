using System.Text;

namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>
/// Strings as UTF-8 in one buffer: per slot a start and a length (0xFFFF = empty/null). UTF-8 byte order is SQLite's
/// BINARY collation, and a substring of the UTF-8 is a substring of the text, so comparisons and searches run on
/// bytes. Replaced values leave garbage behind until the buffer is compacted. With <c>intern</c>, repeated values
/// (cities, first names) are stored once.
/// </summary>
internal sealed class TextColumn(bool intern)
{
    private const ushort Null = ushort.MaxValue;
    private byte[] _data = new byte[1 << 16];
    private int _used;
    private int _garbage;
    private int[] _start = [];
    private ushort[] _length = [];
    private readonly Dictionary<string, (int Start, ushort Length)>? _interned = intern ? new(StringComparer.Ordinal) : null;

    public void Resize(int capacity)
    {
        Array.Resize(ref _start, capacity);
        var old = _length.Length;
        Array.Resize(ref _length, capacity);
        Array.Fill(_length, Null, old, capacity - old);
    }

    public bool IsNull(int slot) => _length[slot] == Null;

    public bool IsInterned => _interned is not null;

    /// <summary>Where the slot's value starts in the buffer; interned equal values share it.</summary>
    public int StartOf(int slot) => _start[slot];

    /// <summary>
    /// For an interned column: the buffer offsets of the distinct values that match <paramref name="needle"/>, so a
    /// scan tests each distinct value once and each slot with one bit lookup.
    /// </summary>
    public Bitmap MatchingStarts(TextMatch match, byte[] needle)
    {
        var starts = new Bitmap(Math.Max(_used, 1));
        foreach (var (start, length) in _interned!.Values)
        {
            var value = new ReadOnlySpan<byte>(_data, start, length);
            if (Matches(value, match, needle))
            {
                starts.Set(start);
            }
        }

        return starts;
    }

    public static bool Matches(ReadOnlySpan<byte> value, TextMatch match, ReadOnlySpan<byte> needle) => match switch
    {
        TextMatch.Equals => value.SequenceEqual(needle),
        TextMatch.StartsWith => value.StartsWith(needle),
        _ => value.IndexOf(needle) >= 0,
    };

    public ReadOnlySpan<byte> Get(int slot) => _length[slot] == Null ? default : new ReadOnlySpan<byte>(_data, _start[slot], _length[slot]);

    public void Set(int slot, string? value)
    {
        if (_length[slot] != Null && _interned is null)
        {
            _garbage += _length[slot];
        }

        if (value is null)
        {
            _length[slot] = Null;
            return;
        }

        if (_interned is not null && _interned.TryGetValue(value, out var known))
        {
            (_start[slot], _length[slot]) = known;
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_used + max > _data.Length)
        {
            Grow(max);
        }

        var length = Encoding.UTF8.GetBytes(value, 0, value.Length, _data, _used);
        if (length >= Null)
        {
            throw new InvalidOperationException("A text value is too long for the index.");
        }

        (_start[slot], _length[slot]) = (_used, (ushort)length);
        _interned?.Add(value, (_used, (ushort)length));
        _used += length;
    }

    private void Grow(int needed)
    {
        if (_interned is null && _garbage > _used / 2)
        {
            Compact();
            if (_used + needed <= _data.Length)
            {
                return;
            }
        }

        Array.Resize(ref _data, Math.Max(_data.Length * 2, _used + needed));
    }

    private void Compact()
    {
        var data = new byte[_data.Length];
        var used = 0;
        for (var slot = 0; slot < _start.Length; slot++)
        {
            if (_length[slot] != Null)
            {
                Array.Copy(_data, _start[slot], data, used, _length[slot]);
                _start[slot] = used;
                used += _length[slot];
            }
        }

        (_data, _used, _garbage) = (data, used, 0);
    }

    /// <summary>Bytes held (buffer and per-slot arrays), for the memory report.</summary>
    public long Bytes => _data.LongLength + (_start.LongLength * 4) + (_length.LongLength * 2);
}
