namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>
/// Several small integer values per slot (tag ids, list ids, option ids, interned plan names): the values of each
/// slot, and for each value the sorted slots that have it (a posting list), so "has any of" touches only holders.
/// </summary>
internal sealed class SetColumn
{
    private int[][] _bySlot = [];
    private readonly Dictionary<int, PostingList> _byValue = [];

    public void Resize(int capacity)
    {
        var old = _bySlot.Length;
        Array.Resize(ref _bySlot, capacity);
        Array.Fill(_bySlot, [], old, capacity - old);
    }

    public ReadOnlySpan<int> Of(int slot) => _bySlot[slot];

    public bool Any(int slot) => _bySlot[slot].Length > 0;

    /// <summary>Bulk load: values must arrive in increasing slot order.</summary>
    public void Append(int slot, int value)
    {
        var current = _bySlot[slot];
        if (Array.IndexOf(current, value) >= 0)
        {
            return;
        }

        _bySlot[slot] = [.. current, value];
        Posting(value).AppendLast(slot);
    }

    public void Replace(int slot, IReadOnlyCollection<int> values)
    {
        foreach (var old in _bySlot[slot])
        {
            if (_byValue.TryGetValue(old, out var posting))
            {
                posting.Remove(slot);
            }
        }

        var distinct = values.Distinct().ToArray();
        _bySlot[slot] = distinct.Length == 0 ? [] : distinct;
        foreach (var value in distinct)
        {
            Posting(value).Insert(slot);
        }
    }

    /// <summary>Forgets a value everywhere (a deleted tag or option).</summary>
    public void Drop(int value)
    {
        if (!_byValue.Remove(value, out var posting))
        {
            return;
        }

        foreach (var slot in posting.Span)
        {
            _bySlot[slot] = [.. _bySlot[slot].Where(v => v != value)];
        }
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

    public long Bytes => (_bySlot.LongLength * 8) + _bySlot.Sum(a => a.Length == 0 ? 0L : 24 + (a.Length * 4)) + _byValue.Values.Sum(p => p.Capacity * 4L);

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
