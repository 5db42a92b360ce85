namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>
/// Several small integer values per slot (tag ids, list ids, option ids, interned plan names): for each value the
/// sorted slots that have it (a posting list, so "has any of" touches only holders), and for each slot its values —
/// bulk-loaded into one flat array with start offsets, a slot changed later getting its own array.
/// </summary>
internal sealed class SetColumn
{
    private readonly Dictionary<int, PostingList> _byValue = [];
    private int[] _offsets = [0];
    private int[] _values = [];
    private int _used;
    private int _lastSlot = -1;
    private readonly Dictionary<int, int[]> _replaced = [];
    private Bitmap _isReplaced = new(0);

    public void Resize(int capacity)
    {
        _offsets = ColumnArrays.GrowOffsets(_offsets, capacity);
        _isReplaced = ColumnArrays.Grow(_isReplaced, capacity);
    }

    public ReadOnlySpan<int> Of(int slot) => _isReplaced[slot]
        ? _replaced[slot]
        : new ReadOnlySpan<int>(_values, _offsets[slot], _offsets[slot + 1] - _offsets[slot]);

    public bool Any(int slot) => _isReplaced[slot] ? _replaced[slot].Length > 0 : _offsets[slot + 1] > _offsets[slot];

    /// <summary>Bulk load: slots in increasing order; then <see cref="Seal"/>.</summary>
    public void Append(int slot, int value)
    {
        for (; _lastSlot < slot; _lastSlot++)
        {
            _offsets[_lastSlot + 1] = _used;
        }

        if (new ReadOnlySpan<int>(_values, _offsets[slot], _used - _offsets[slot]).Contains(value))
        {
            return;
        }

        if (_used == _values.Length)
        {
            Array.Resize(ref _values, Math.Max(1024, _values.Length * 2));
        }

        _values[_used++] = value;
        Posting(value).AppendLast(slot);
    }

    public void Seal()
    {
        for (var s = _lastSlot + 1; s < _offsets.Length; s++)
        {
            _offsets[s] = _used;
        }

        _lastSlot = _offsets.Length - 1;
        Array.Resize(ref _values, _used);
    }

    public void Replace(int slot, IReadOnlyCollection<int> values)
    {
        foreach (var old in Of(slot))
        {
            if (_byValue.TryGetValue(old, out var posting))
            {
                posting.Remove(slot);
            }
        }

        var distinct = values.Distinct().ToArray();
        _replaced[slot] = distinct;
        _isReplaced.Set(slot);
        foreach (var value in distinct)
        {
            Posting(value).Insert(slot);
        }
    }

    /// <summary>Forgets a value everywhere (a deleted tag or option).</summary>
    public void Drop(int value)
    {
        if (!_byValue.TryGetValue(value, out var posting))
        {
            return;
        }

        foreach (var slot in posting.Span.ToArray())
        {
            Replace(slot, [.. Of(slot).ToArray().Where(v => v != value)]);
        }

        _byValue.Remove(value);
    }

    public IEnumerable<int> Values => _byValue.Keys;

    public ReadOnlySpan<int> Holders(int value) => _byValue.TryGetValue(value, out var posting) ? posting.Span : default;

    private PostingList Posting(int value)
    {
        if (!_byValue.TryGetValue(value, out var posting))
        {
            posting = new PostingList();
            _byValue.Add(value, posting);
        }

        return posting;
    }

    public long Bytes => (_offsets.LongLength * 4) + (_values.LongLength * 4) + (_isReplaced.Words.LongLength * 8)
        + _replaced.Values.Sum(a => 40L + (a.Length * 4)) + _byValue.Values.Sum(p => 32L + (p.Capacity * 4L));

    private sealed class PostingList
    {
        private int[] _slots = new int[4];
        private int _count;

        public ReadOnlySpan<int> Span => new(_slots, 0, _count);

        public int Capacity => _slots.Length;

        public void AppendLast(int slot)
        {
            if (_count > 0 && _slots[_count - 1] >= slot)
            {
                Insert(slot);
                return;
            }

            EnsureRoom();
            _slots[_count++] = slot;
        }

        public void Insert(int slot)
        {
            var at = Array.BinarySearch(_slots, 0, _count, slot);
            if (at >= 0)
            {
                return;
            }

            at = ~at;
            EnsureRoom();
            Array.Copy(_slots, at, _slots, at + 1, _count - at);
            _slots[at] = slot;
            _count++;
        }

        public void Remove(int slot)
        {
            var at = Array.BinarySearch(_slots, 0, _count, slot);
            if (at < 0)
            {
                return;
            }

            Array.Copy(_slots, at + 1, _slots, at, _count - at - 1);
            _count--;
        }

        private void EnsureRoom()
        {
            if (_count == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }
        }
    }
}
