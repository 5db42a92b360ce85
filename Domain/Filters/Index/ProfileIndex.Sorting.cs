using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Filters.Index;

// Every sortable column keeps a permutation of the live slots in ascending order (key, then id), exactly the order
// SQL gives: NULLs first, text by UTF-8 bytes (SQLite's BINARY collation), ties by id. Descending walks it backwards,
// which is ORDER BY key DESC, id DESC. A page is a walk that skips non-matching slots.
public sealed partial class ProfileIndex
{
    private static readonly CustomerSort[] Sorts = Enum.GetValues<CustomerSort>();
    private readonly Dictionary<CustomerSort, int[]> _sorted = [];
    private int _sortedCount;

    private void SortAll()
    {
        var live = _live.Slots().ToArray();
        _sortedCount = live.Length;
        var sorted = new int[Sorts.Length][];
        Parallel.For(0, Sorts.Length, i =>
        {
            var perm = new int[Math.Max(_capacity, 1)];
            live.CopyTo(perm, 0);
            var sort = Sorts[i];
            Array.Sort(perm, 0, live.Length, Comparer<int>.Create((a, b) => Compare(sort, a, b)));
            sorted[i] = perm;
        });
        for (var i = 0; i < Sorts.Length; i++)
        {
            _sorted[Sorts[i]] = sorted[i];
        }
    }

    private int Compare(CustomerSort sort, int a, int b)
    {
        var c = sort switch
        {
            CustomerSort.Email => CompareText(EmailKeyColumn(a), a, EmailKeyColumn(b), b),
            CustomerSort.CreatedAt => _createdAt[a].CompareTo(_createdAt[b]),
            CustomerSort.TotalSpent => _totalSpent[a].CompareTo(_totalSpent[b]),
            CustomerSort.OrderCount => _orderCount[a].CompareTo(_orderCount[b]),
            CustomerSort.LastOrderAt => _lastOrderAt[a].CompareTo(_lastOrderAt[b]),
            CustomerSort.LastVisitAt => _lastVisitAt[a].CompareTo(_lastVisitAt[b]),
            CustomerSort.SubscribedAt => _subscribedAt[a].CompareTo(_subscribedAt[b]),
            _ => CompareName(a, b),
        };
        return c != 0 ? c : _ids[a].CompareTo(_ids[b]);
    }

    private static int CompareText(TextColumn columnA, int a, TextColumn columnB, int b) => (columnA.IsNull(a), columnB.IsNull(b)) switch
    {
        (true, true) => 0,
        (true, false) => -1,
        (false, true) => 1,
        _ => columnA.Get(a).SequenceCompareTo(columnB.Get(b)),
    };

    /// <summary>The email key sorts; it is stored only where it differs from the folded email (null email: both null).</summary>
    private TextColumn EmailKeyColumn(int slot) => _emailKey.IsNull(slot) ? _email : _emailKey;

    /// <summary>Compares "last first" (the folded sort name) byte by byte without building it.</summary>
    private int CompareName(int a, int b)
    {
        var lastA = _lastName.Get(a);
        var lastB = _lastName.Get(b);
        var common = Math.Min(lastA.Length, lastB.Length);
        var c = lastA[..common].SequenceCompareTo(lastB[..common]);
        if (c != 0)
        {
            return c;
        }

        if (lastA.Length == lastB.Length)
        {
            return _firstName.Get(a).SequenceCompareTo(_firstName.Get(b));
        }

        // One last name is a prefix of the other: the longer one goes on where the shorter has its space.
        return lastA.Length < lastB.Length
            ? CompareTail(_firstName.Get(a), lastB[common..], _firstName.Get(b))
            : -CompareTail(_firstName.Get(b), lastA[common..], _firstName.Get(a));
    }

    /// <summary>Compares " " + <paramref name="first"/> with <paramref name="rest"/> + " " + <paramref name="otherFirst"/>.</summary>
    private static int CompareTail(ReadOnlySpan<byte> first, ReadOnlySpan<byte> rest, ReadOnlySpan<byte> otherFirst)
    {
        var left = first.Length + 1;
        var right = rest.Length + 1 + otherFirst.Length;
        for (var i = 0; i < Math.Min(left, right); i++)
        {
            var x = i == 0 ? (byte)' ' : first[i - 1];
            var y = i < rest.Length ? rest[i] : i == rest.Length ? (byte)' ' : otherFirst[i - rest.Length - 1];
            if (x != y)
            {
                return x.CompareTo(y);
            }
        }

        return left.CompareTo(right);
    }

    /// <summary>Where the slot sits in each permutation now (before its values change).</summary>
    private int[] Locate(int slot)
    {
        var positions = new int[Sorts.Length];
        for (var i = 0; i < Sorts.Length; i++)
        {
            positions[i] = Find(Sorts[i], slot);
        }

        return positions;
    }

    private int Find(CustomerSort sort, int slot)
    {
        var perm = _sorted[sort];
        var (lo, hi) = (0, _sortedCount - 1);
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = Compare(sort, perm[mid], slot);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    /// <summary>Moves the slot to its new place in each permutation (inserts it when new).</summary>
    private void Resort(int slot, int[]? positions)
    {
        if (positions is null)
        {
            foreach (var sort in Sorts)
            {
                var perm = EnsureRoom(sort);
                var at = ~Find(sort, slot);
                Array.Copy(perm, at, perm, at + 1, _sortedCount - at);
                perm[at] = slot;
            }

            _sortedCount++;
            return;
        }

        for (var i = 0; i < Sorts.Length; i++)
        {
            var (sort, perm, at) = (Sorts[i], _sorted[Sorts[i]], positions[i]);
            if ((at == 0 || Compare(sort, perm[at - 1], slot) < 0) && (at == _sortedCount - 1 || Compare(sort, slot, perm[at + 1]) < 0))
            {
                continue; // still in order: the change did not move it
            }

            Array.Copy(perm, at + 1, perm, at, _sortedCount - at - 1);
            _sortedCount--;
            var to = ~Find(sort, slot);
            Array.Copy(perm, to, perm, to + 1, _sortedCount - to);
            perm[to] = slot;
            _sortedCount++;
        }
    }

    /// <summary>
    /// Takes the <paramref name="leaving"/> slots out of every order and puts the <paramref name="entering"/> ones (with
    /// their new values) in: one pass to drop, a sort of the few, and one merge, per order.
    /// </summary>
    private void ResortMany(List<int> leaving, List<int> entering)
    {
        bool[]? drop = null;
        if (leaving.Count > 0)
        {
            drop = new bool[_capacity];
            foreach (var slot in leaving)
            {
                drop[slot] = true;
            }
        }

        var count = _sortedCount;
        foreach (var sort in Sorts)
        {
            var perm = _sorted[sort];
            var kept = _sortedCount;
            if (drop is not null)
            {
                kept = 0;
                for (var i = 0; i < _sortedCount; i++)
                {
                    if (!drop[perm[i]])
                    {
                        perm[kept++] = perm[i];
                    }
                }
            }

            var incoming = entering.ToArray();
            Array.Sort(incoming, (a, b) => Compare(sort, a, b));
            count = kept + incoming.Length;
            if (perm.Length < count)
            {
                Array.Resize(ref perm, Math.Max(count, perm.Length * 2));
                _sorted[sort] = perm;
            }

            // Where each newcomer goes among those kept (a binary search each: comparing every kept slot on the way would
            // cost a million comparisons per order), then the kept runs between them are moved up in blocks, from the
            // back, so nothing is overwritten before it has moved.
            var places = new int[incoming.Length];
            var lo = 0;
            for (var j = 0; j < incoming.Length; j++)
            {
                var hi = kept;
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (Compare(sort, perm[mid], incoming[j]) < 0)
                    {
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                places[j] = lo;
            }

            var (end, to) = (kept, count);
            for (var j = incoming.Length - 1; j >= 0; j--)
            {
                var run = end - places[j];
                to -= run;
                Array.Copy(perm, places[j], perm, to, run);
                perm[--to] = incoming[j];
                end = places[j];
            }
        }

        _sortedCount = count;
    }

    private void Unsort(int slot)
    {
        foreach (var sort in Sorts)
        {
            var perm = _sorted[sort];
            var at = Find(sort, slot);
            Array.Copy(perm, at + 1, perm, at, _sortedCount - at - 1);
        }

        _sortedCount--;
    }

    private int[] EnsureRoom(CustomerSort sort)
    {
        var perm = _sorted[sort];
        if (_sortedCount == perm.Length)
        {
            Array.Resize(ref perm, Math.Max(1024, perm.Length * 2));
            _sorted[sort] = perm;
        }

        return perm;
    }

    /// <summary>The ids of one page of the matching slots in the given order.</summary>
    private int[] Page(Bitmap match, int total, CustomerSort sort, bool descending, int skip, int take)
    {
        if (skip >= total)
        {
            return [];
        }

        take = Math.Min(take, total - skip);
        var perm = _sorted[sort];
        var page = new int[take];
        // Walk from whichever end is nearer: a deep page in one direction is a shallow one in the other.
        var fromEnd = skip + take > total / 2;
        var toSkip = fromEnd ? total - skip - take : skip;
        var forward = descending == fromEnd;
        var found = 0;
        for (var k = 0; k < _sortedCount && found < take; k++)
        {
            var slot = perm[forward ? k : _sortedCount - 1 - k];
            if (!match[slot])
            {
                continue;
            }

            if (toSkip > 0)
            {
                toSkip--;
                continue;
            }

            page[found++] = _ids[slot];
        }

        if (fromEnd)
        {
            Array.Reverse(page, 0, found);
        }

        return found == take ? page : page[..found];
    }
}
