using System.Numerics;

namespace CustomerDirectory.Domain.Groups;

/// <summary>A set of profile ids, one bit per id (ids are dense integers): 125 KB per million profiles.</summary>
internal sealed class IdSet
{
    private ulong[] _words;

    public IdSet(int capacity = 0) => _words = new ulong[(Math.Max(capacity, 1) + 63) >> 6];

    public IdSet(IEnumerable<int> ids)
        : this()
    {
        foreach (var id in ids)
        {
            Add(id);
        }
    }

    private IdSet(ulong[] words) => _words = words;

    public bool Contains(int id) => id >= 0 && (id >> 6) < _words.Length && (_words[id >> 6] & (1UL << id)) != 0;

    public void Add(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        if ((id >> 6) >= _words.Length)
        {
            Array.Resize(ref _words, Math.Max((id >> 6) + 1, _words.Length * 2));
        }

        _words[id >> 6] |= 1UL << id;
    }

    public void Remove(int id)
    {
        if (id >= 0 && (id >> 6) < _words.Length)
        {
            _words[id >> 6] &= ~(1UL << id);
        }
    }

    public int Count()
    {
        var count = 0;
        foreach (var word in _words)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }

    public IdSet Copy() => new((ulong[])_words.Clone());

    /// <summary>Keeps only ids also in <paramref name="other"/>.</summary>
    public IdSet IntersectWith(IdSet other)
    {
        for (var i = 0; i < _words.Length; i++)
        {
            _words[i] &= i < other._words.Length ? other._words[i] : 0;
        }

        return this;
    }

    public IdSet UnionWith(IdSet other)
    {
        if (other._words.Length > _words.Length)
        {
            Array.Resize(ref _words, other._words.Length);
        }

        for (var i = 0; i < other._words.Length; i++)
        {
            _words[i] |= other._words[i];
        }

        return this;
    }

    public IdSet ExceptWith(IdSet other)
    {
        var n = Math.Min(_words.Length, other._words.Length);
        for (var i = 0; i < n; i++)
        {
            _words[i] &= ~other._words[i];
        }

        return this;
    }

    /// <summary>Ascending.</summary>
    public IEnumerable<int> Ids()
    {
        for (var w = 0; w < _words.Length; w++)
        {
            var word = _words[w];
            while (word != 0)
            {
                yield return (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
    }

    public int[] ToArray()
    {
        var ids = new int[Count()];
        var i = 0;
        foreach (var id in Ids())
        {
            ids[i++] = id;
        }

        return ids;
    }
}
