namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>
/// Each slot's activity moments (seconds, ascending), with running totals of amounts for orders. Bulk-loaded into
/// one flat array (start offsets per slot); a slot whose activity changes later gets its own arrays.
/// </summary>
internal sealed class ActivityColumn(bool withAmounts)
{
    private int[] _offsets = [0];
    private int[] _moments = [];
    private long[]? _running = withAmounts ? [] : null;
    private int _used;
    private int _lastSlot = -1;
    private readonly Dictionary<int, (int[] Moments, long[]? Running)> _replaced = [];
    private Bitmap _isReplaced = new(0);

    public void Resize(int capacity)
    {
        _offsets = ColumnArrays.GrowOffsets(_offsets, capacity);
        _isReplaced = ColumnArrays.Grow(_isReplaced, capacity);
    }

    /// <summary>Bulk load: slots in increasing order, moments ascending within a slot; then <see cref="Seal"/>.</summary>
    public void Append(int slot, int moment, long amount)
    {
        if (_used == _moments.Length)
        {
            Array.Resize(ref _moments, Math.Max(1024, _moments.Length * 2));
            if (_running is not null)
            {
                Array.Resize(ref _running, _moments.Length);
            }
        }

        // Slots between the last one seen and this one have no rows: they start (and end) here.
        for (; _lastSlot < slot; _lastSlot++)
        {
            _offsets[_lastSlot + 1] = _used;
        }

        if (_running is not null)
        {
            _running[_used] = amount + (_used > _offsets[slot] ? _running[_used - 1] : 0);
        }

        _moments[_used++] = moment;
    }

    /// <summary>Closes the bulk load: every remaining slot ends where the data ends.</summary>
    public void Seal()
    {
        for (var s = _lastSlot + 1; s < _offsets.Length; s++)
        {
            _offsets[s] = _used;
        }

        _lastSlot = _offsets.Length - 1;
        Array.Resize(ref _moments, _used);
        if (_running is not null)
        {
            Array.Resize(ref _running, _used);
        }
    }

    public void Replace(int slot, int[] moments, long[]? amounts)
    {
        long[]? running = null;
        if (_running is not null)
        {
            running = new long[moments.Length];
            for (var i = 0; i < moments.Length; i++)
            {
                running[i] = amounts![i] + (i > 0 ? running[i - 1] : 0);
            }
        }

        _replaced[slot] = (moments, running);
        _isReplaced.Set(slot);
    }

    /// <summary>Whether at least <paramref name="n"/> (≥ 1) moments of the slot are at or after <paramref name="since"/>.</summary>
    /// <remarks>Moments are ascending, so that is: the n-th from the end is at or after it. No search.</remarks>
    public bool AtLeast(int slot, int since, long n)
    {
        if (_isReplaced[slot])
        {
            var moments = _replaced[slot].Moments;
            return moments.Length >= n && moments[moments.Length - (int)n] >= since;
        }

        var (start, end) = (_offsets[slot], _offsets[slot + 1]);
        return end - start >= n && _moments[end - (int)n] >= since;
    }

    /// <summary>The sum of the amounts of the slot's moments at or after <paramref name="since"/>.</summary>
    public long SumSince(int slot, int since)
    {
        ReadOnlySpan<int> moments;
        ReadOnlySpan<long> running;
        if (_isReplaced[slot])
        {
            var (m, r) = _replaced[slot];
            moments = m;
            running = r;
        }
        else
        {
            var (start, end) = (_offsets[slot], _offsets[slot + 1]);
            moments = new ReadOnlySpan<int>(_moments, start, end - start);
            running = _running is null ? default : new ReadOnlySpan<long>(_running, start, end - start);
        }

        if (moments.Length == 0 || moments[^1] < since || running.IsEmpty)
        {
            return 0;
        }

        var first = LowerBound(moments, since);
        return running[^1] - (first > 0 ? running[first - 1] : 0);
    }

    private static int LowerBound(ReadOnlySpan<int> sorted, int value)
    {
        var (lo, hi) = (0, sorted.Length);
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public long Bytes => (_offsets.LongLength * 4) + (_moments.LongLength * 4) + ((_running?.LongLength ?? 0) * 8)
        + _replaced.Values.Sum(r => 48L + (r.Moments.Length * 4) + ((r.Running?.Length ?? 0) * 8));
}
