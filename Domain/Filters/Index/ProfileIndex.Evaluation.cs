using System.Text;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Filters.Index;

// Evaluating a bound filter: each condition is one pass over a column (both cores on large indexes) producing a
// bitmap; groups combine bitmaps; sets go through posting lists and touch only holders.
public sealed partial class ProfileIndex
{
    /// <summary>The matching profiles' ids, one page of them in order, and the counts.</summary>
    internal IndexPage Query(Bound bound, string? text, CustomerSort sort, bool descending, int skip, int take, CancellationToken ct)
    {
        _lock.EnterReadLock();
        using var scratch = new Scratch(this);
        try
        {
            var match = Match(bound, text, ct);
            var total = match.Count();
            return new IndexPage(Page(match, total, sort, descending, skip, take), total, _sortedCount);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Which of <paramref name="ids"/> match, ascending (a group re-evaluated for the profiles that just changed).</summary>
    internal int[] MatchingIdsAmong(Bound bound, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        _lock.EnterReadLock();
        using var scratch = new Scratch(this);
        try
        {
            var among = Fresh();
            var (first, last) = (int.MaxValue, -1);
            foreach (var id in ids)
            {
                if (SlotOf(id) is { } slot && _live[slot])
                {
                    among.Set(slot);
                    (first, last) = (Math.Min(first, slot), Math.Max(last, slot));
                }
            }

            if (last < 0)
            {
                return [];
            }

            // Scans only need to look at the words holding these slots: one profile costs a few words, not the index.
            t_scanWords = (first >> 6, (last >> 6) + 1);
            try
            {
                var found = Evaluate(bound, among, ct).Slots().Select(slot => _ids[slot]).ToArray();
                Array.Sort(found);
                return found;
            }
            finally
            {
                t_scanWords = null;
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Every matching id as a set (a group's full evaluation): no sorting, one bit per id.</summary>
    internal Groups.IdSet MatchingIdSet(Bound bound, CancellationToken ct)
    {
        _lock.EnterReadLock();
        using var scratch = new Scratch(this);
        try
        {
            var set = new Groups.IdSet(_slotById.Length);
            foreach (var slot in Evaluate(bound, null, ct).Slots())
            {
                set.Add(_ids[slot]);
            }

            return set;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Every matching id, ascending (groups, exports and the differential test).</summary>
    internal int[] MatchingIds(Bound bound, string? text, CancellationToken ct)
    {
        _lock.EnterReadLock();
        using var scratch = new Scratch(this);
        try
        {
            var ids = Match(bound, text, ct).Slots().Select(slot => _ids[slot]).ToArray();
            Array.Sort(ids);
            return ids;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private Bitmap Match(Bound bound, string? text, CancellationToken ct)
    {
        var match = Evaluate(bound, null, ct);
        return ContactRules.Clean(text) is { } cleaned ? Search(cleaned, match, ct) : match;
    }

    /// <summary>
    /// The slots matching <paramref name="bound"/> among <paramref name="within"/> (all live slots when null). An AND
    /// group narrows as it goes, cheapest conditions first, so costly ones only test the survivors.
    /// </summary>
    private Bitmap Evaluate(Bound bound, Bitmap? within, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        switch (bound)
        {
            case BoundConstant k:
                return k.Value ? CopyOf(within ?? _live) : Fresh();
            case BoundNot not:
                return CopyOf(within ?? _live).AndNot(Evaluate(not.Inner, within, ct));
            case BoundGroup { Any: false } all:
                var narrowed = within;
                foreach (var item in all.Items.OrderBy(Cost))
                {
                    narrowed = Evaluate(item, narrowed, ct);
                    if (narrowed.IsEmpty())
                    {
                        break;
                    }
                }

                return narrowed!;
            case BoundGroup any:
                var union = Fresh();
                var rest = CopyOf(within ?? _live);
                foreach (var item in any.Items.OrderBy(Cost))
                {
                    var matched = Evaluate(item, rest, ct);
                    union.Or(matched);
                    rest.AndNot(matched);
                    if (rest.IsEmpty())
                    {
                        break;
                    }
                }

                return union;
            case BoundText t when t.Column == Column.Phone:
                return Text(_phone, t.Match, t.Value, within);
            case BoundText t:
                return Text(TextOf(t.Column), t.Match, t.Value, within);
            case BoundIsNull n:
                return n.Column switch
                {
                    Column.Phone => Scan(new TextNull(_phone), within),
                    Column.Birthday => Scan(new IntRange(_birthday, int.MinValue, int.MinValue), within),
                    Column.FirstVisitAt or Column.LastVisitAt or Column.FirstOrderAt or Column.LastOrderAt or Column.LastDonationAt
                        => Scan(new IntRange(MomentsOf(n.Column), Moments.Null, Moments.Null), within),
                    _ => Scan(new TextNull(TextOf(n.Column)), within),
                };
            case BoundRange r:
                return r.Column is Column.TotalSpent or Column.DonationTotal
                    ? Scan(new LongRange(r.Column == Column.TotalSpent ? _totalSpent : _donationTotal, r.Min, r.Max), within)
                    : Scan(new IntRange(IntsOf(r.Column), Clamp(r.Min), Clamp(r.Max)), within);
            case BoundMoment m:
                var from = m.From is { } f ? Moments.From(f) : Moments.Null + 1;
                var to = m.To is { } t2 ? Moments.From(t2) - 1L : int.MaxValue;
                return Scan(new IntRange(MomentsOf(m.Column), from, Clamp(to)), within);
            case BoundDate d:
                return Scan(new IntRange(_birthday, d.From?.DayNumber ?? int.MinValue + 1, d.To?.DayNumber ?? int.MaxValue), within);
            case BoundFlag flag:
                return Scan(new ByteIn(flag.Column switch
                {
                    Column.HasAccount => _hasAccount,
                    Column.PhotoUploaded => _photoUploaded,
                    Column.RewardInSight => _rewardInSight,
                    _ => _loyaltyEnrolled,
                }, 1UL << 1), within);
            case BoundEnumIn e:
                var mask = e.Values.Aggregate(0UL, (acc, v) => acc | (1UL << v));
                return Scan(new ByteIn(e.Column switch
                {
                    Column.Source => _source,
                    Column.EmailConsent => _emailConsent,
                    _ => _smsConsent,
                }, mask), within);
            case BoundGroupJoined or BoundSet { Kind: SetKind.Groups }:
                throw new InvalidOperationException("Group conditions are resolved to ids before the index evaluates a filter.");
            case BoundSet s:
                var column = s.Kind switch
                {
                    SetKind.Tags => _tags,
                    SetKind.Lists => _lists,
                    SetKind.MembershipPlans => _plans,
                    _ => _statuses,
                };
                var values = s.Kind == SetKind.MembershipPlans
                    ? [.. s.Names.Select(n => _planIds.TryGetValue(n, out var id) ? id : -1)]
                    : s.Ids;
                return values.Count == 0 ? Scan(new SetAny(column), within) : Postings(column, values, s.All, within);
            case BoundActivity a:
                if (a.Threshold <= 0)
                {
                    return CopyOf(within ?? _live);
                }

                var activity = a.Kind switch
                {
                    ActivityKind.Visits => _visits,
                    ActivityKind.Donations => _donations,
                    _ => _orders,
                };
                return Scan(new ActivityTest(activity, Moments.From(a.Since), a.Threshold, a.Kind == ActivityKind.Spending, _totalSpent, _lastOrderAt), within);
            case BoundIds ids:
                return Scan(new IdTest(ids.Ids, _ids), within);
            default:
                return EvaluateCustom(bound, within);
        }
    }

    private Bitmap EvaluateCustom(Bound bound, Bitmap? within)
    {
        int fieldId = bound switch
        {
            BoundCustomHasValue h => h.FieldId,
            BoundCustomFlag f => f.FieldId,
            BoundCustomOptions o => o.FieldId,
            BoundCustomText t => t.FieldId,
            BoundCustomNumber n => n.FieldId,
            BoundCustomDate d => d.FieldId,
            _ => throw new InvalidOperationException($"The index cannot evaluate {bound.GetType().Name}."),
        };
        if (!_custom.TryGetValue(fieldId, out var column))
        {
            return Fresh(); // deleted since the filter was bound: nobody has a value
        }

        return bound switch
        {
            BoundCustomHasValue => Scan(new CustomHas(column), within),
            BoundCustomFlag => Scan(new ByteIn(column.Flags, 1UL << 2), within),
            BoundCustomOptions o => Postings(column.Options, o.OptionIds, o.All, within),
            BoundCustomText t => Text(column.Text, t.Match, t.Value, within),
            BoundCustomNumber n => Scan(new NumberRange(column.Numbers, n.Min ?? double.NegativeInfinity, n.MinInclusive || n.Min is null, n.Max ?? double.PositiveInfinity, n.MaxInclusive || n.Max is null), within),
            BoundCustomDate d => Scan(new IntRange(column.Dates, d.From?.DayNumber ?? int.MinValue + 1, d.To?.DayNumber ?? int.MaxValue), within),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>The directory's search box: every word in the name or email; or, for a phone-like query, the digits.</summary>
    private Bitmap Search(string cleaned, Bitmap within, CancellationToken ct)
    {
        var folded = ContactRules.Fold(cleaned);
        if (ContactRules.LooksLikePhone(cleaned))
        {
            // The whole query in "first last email": each of its words must be in one of the parts first (cheap),
            // and only those profiles get the line built and searched.
            var candidates = Words(folded, within, ct);
            var result = Scan(new SearchTextTest(_firstName, _lastName, _email, Encoding.UTF8.GetBytes(folded)), candidates);
            foreach (var key in ContactRules.PhoneSearchKeys(cleaned))
            {
                result.Or(Text(_phone, TextMatch.Contains, key, within));
            }

            return result;
        }

        return Words(folded, within, ct);
    }

    /// <summary>Profiles whose first name, last name or email contains every word (longest, usually rarest, first).</summary>
    private Bitmap Words(string folded, Bitmap within, CancellationToken ct)
    {
        var narrowed = within;
        foreach (var word in folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).OrderByDescending(w => w.Length))
        {
            ct.ThrowIfCancellationRequested();
            var needle = Encoding.UTF8.GetBytes(word);
            narrowed = Scan(new WordTest(
                _firstName, _firstName.MatchingStarts(TextMatch.Contains, needle),
                _lastName, _lastName.MatchingStarts(TextMatch.Contains, needle),
                _email, needle), narrowed);
        }

        return narrowed;
    }

    // Bitmaps made while answering one query come from a pool and all go back when it is answered: a million
    // profiles make each one 128 KB, which would otherwise be a large-object allocation per condition.
    private readonly System.Collections.Concurrent.ConcurrentBag<ulong[]> _pool = [];

    [ThreadStatic]
    private static List<ulong[]>? t_scratch;

    // Set by MatchingIdsAmong: the only words a scan needs to visit (the candidates lie there).
    [ThreadStatic]
    private static (int From, int To)? t_scanWords;

    private Bitmap Fresh()
    {
        var words = Rent();
        Array.Clear(words);
        return new Bitmap(_capacity, words);
    }

    private Bitmap CopyOf(Bitmap source)
    {
        var words = Rent();
        Array.Copy(source.Words, words, words.Length);
        return new Bitmap(_capacity, words);
    }

    private ulong[] Rent()
    {
        var length = Bitmap.WordsFor(_capacity);
        ulong[]? words = null;
        while (_pool.TryTake(out var pooled))
        {
            if (pooled.Length == length)
            {
                words = pooled;
                break;
            }
        }

        words ??= new ulong[length];
        t_scratch?.Add(words);
        return words;
    }

    /// <summary>Marks the bitmaps rented on this thread from now on as belonging to one query; returns them at the end.</summary>
    private readonly struct Scratch : IDisposable
    {
        private readonly ProfileIndex _index;
        private readonly List<ulong[]>? _outer;

        public Scratch(ProfileIndex index)
        {
            _index = index;
            _outer = t_scratch;
            t_scratch = [];
        }

        public void Dispose()
        {
            foreach (var words in t_scratch ?? [])
            {
                if (_index._pool.Count < 32)
                {
                    _index._pool.Add(words);
                }
            }

            t_scratch = _outer;
        }
    }

    private Bitmap Text(TextColumn column, TextMatch match, string value, Bitmap? within)
    {
        var needle = Encoding.UTF8.GetBytes(value);
        // Interned values are matched once per distinct value, which pays over many profiles; for the few profiles of
        // an incremental pass, matching their own values is cheaper.
        return column.IsInterned && t_scanWords is null
            ? Scan(new InternedTest(column, column.MatchingStarts(match, needle)), within)
            : Scan(new TextTest(column, match, needle), within);
    }

    private Bitmap Postings(SetColumn column, IReadOnlyList<int> values, bool all, Bitmap? within)
    {
        Bitmap? result = null;
        foreach (var value in values)
        {
            var holders = Fresh();
            foreach (var slot in column.Holders(value))
            {
                holders.Set(slot);
            }

            result = result is null ? holders : all ? result.And(holders) : result.Or(holders);
        }

        return (result ?? Fresh()).And(within ?? _live);
    }

    /// <summary>Rough cost class of evaluating a condition, so AND groups run the cheap ones first.</summary>
    private static int Cost(Bound bound) => bound switch
    {
        BoundConstant => 0,
        BoundSet or BoundCustomOptions => 1,
        BoundText or BoundCustomText => 3,
        BoundActivity { Kind: ActivityKind.Spending } => 5,
        BoundActivity => 4,
        BoundNot not => Cost(not.Inner),
        BoundGroup group => group.Items.Max(Cost),
        _ => 2,
    };

    private TextColumn TextOf(Column column) => column switch
    {
        Column.FirstName => _firstName,
        Column.LastName => _lastName,
        Column.Email => _email,
        Column.AddressLine => _address,
        Column.PostalCode => _postalCode,
        Column.City => _city,
        Column.Country => _country,
        _ => throw new InvalidOperationException($"{column} is not text."),
    };

    private int[] MomentsOf(Column column) => column switch
    {
        Column.CreatedAt => _createdAt,
        Column.FirstVisitAt => _firstVisitAt,
        Column.LastVisitAt => _lastVisitAt,
        Column.FirstOrderAt => _firstOrderAt,
        Column.LastOrderAt => _lastOrderAt,
        Column.LastDonationAt => _lastDonationAt,
        _ => throw new InvalidOperationException($"{column} is not a moment."),
    };

    private int[] IntsOf(Column column) => column switch
    {
        Column.VisitCount => _visitCount,
        Column.OrderCount => _orderCount,
        Column.DonationCount => _donationCount,
        Column.ActiveMemberships => _activeMemberships,
        Column.LoyaltyPoints => _loyaltyPoints,
        _ => throw new InvalidOperationException($"{column} is not a count."),
    };

    private static int Clamp(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);

    /// <summary>
    /// One pass over the slots, 64 at a time into bitmap words, testing only the slots in <paramref name="within"/>
    /// (all live slots when null); split across cores when it pays.
    /// </summary>
    private Bitmap Scan<T>(T test, Bitmap? within)
        where T : struct, ISlotTest
    {
        var result = Fresh();
        var words = result.Words;
        var candidates = (within ?? _live).Words;
        var wordCount = (_count + 63) >> 6;

        void Run(int fromWord, int toWord)
        {
            for (var w = fromWord; w < toWord; w++)
            {
                var candidate = candidates[w];
                var bits = 0UL;
                while (candidate != 0)
                {
                    var bit = System.Numerics.BitOperations.TrailingZeroCount(candidate);
                    if (test.Test((w << 6) + bit))
                    {
                        bits |= 1UL << bit;
                    }

                    candidate &= candidate - 1;
                }

                words[w] = bits;
            }
        }

        const int parallelFromWords = 2048; // 131,072 profiles
        if (t_scanWords is var (fromWord, toWord) && within is not null)
        {
            Run(fromWord, Math.Min(toWord, wordCount));
        }
        else if (wordCount < parallelFromWords || Environment.ProcessorCount < 2)
        {
            Run(0, wordCount);
        }
        else
        {
            var parts = Math.Min(Environment.ProcessorCount, 8);
            var per = (wordCount + parts - 1) / parts;
            Parallel.For(0, parts, p => Run(p * per, Math.Min(wordCount, (p + 1) * per)));
        }

        return result;
    }

    private interface ISlotTest
    {
        bool Test(int slot);
    }

    private readonly struct IdTest(Groups.IdSet set, int[] ids) : ISlotTest
    {
        public bool Test(int slot) => set.Contains(ids[slot]);
    }

    private readonly struct IntRange(int[] values, int min, int max) : ISlotTest
    {
        public bool Test(int slot) => (uint)(values[slot] - min) <= (uint)(max - min);
    }

    private readonly struct LongRange(long[] values, long min, long max) : ISlotTest
    {
        public bool Test(int slot) => values[slot] >= min && values[slot] <= max;
    }

    private readonly struct NumberRange(double[] values, double min, bool minInclusive, double max, bool maxInclusive) : ISlotTest
    {
        public bool Test(int slot)
        {
            var v = values[slot];
            return !double.IsNaN(v) && (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
        }
    }

    private readonly struct ByteIn(byte[] values, ulong mask) : ISlotTest
    {
        public bool Test(int slot) => ((mask >> values[slot]) & 1) != 0;
    }

    private readonly struct TextNull(TextColumn column) : ISlotTest
    {
        public bool Test(int slot) => column.IsNull(slot);
    }

    private readonly struct TextTest(TextColumn column, TextMatch match, byte[] needle) : ISlotTest
    {
        public bool Test(int slot)
        {
            if (column.IsNull(slot))
            {
                return false;
            }

            return TextColumn.Matches(column.Get(slot), match, needle);
        }
    }

    private readonly struct InternedTest(TextColumn column, Bitmap starts) : ISlotTest
    {
        public bool Test(int slot) => !column.IsNull(slot) && starts[column.StartOf(slot)];
    }

    /// <summary>A search word (no spaces) is in "first last email" when it is in one of them.</summary>
    private readonly struct WordTest(TextColumn first, Bitmap firstStarts, TextColumn last, Bitmap lastStarts, TextColumn email, byte[] needle) : ISlotTest
    {
        public bool Test(int slot) =>
            (!first.IsNull(slot) && firstStarts[first.StartOf(slot)])
            || (!last.IsNull(slot) && lastStarts[last.StartOf(slot)])
            || email.Get(slot).IndexOf(needle) >= 0;
    }

    /// <summary>What the SQL search reads: "first last email", folded; a word is in it when it is in one of the parts.</summary>
    private readonly struct SearchTextTest(TextColumn first, TextColumn last, TextColumn email, byte[] needle) : ISlotTest
    {
        public bool Test(int slot)
        {
            if (Array.IndexOf(needle, (byte)' ') < 0)
            {
                return first.Get(slot).IndexOf(needle) >= 0 || last.Get(slot).IndexOf(needle) >= 0 || email.Get(slot).IndexOf(needle) >= 0;
            }

            // With spaces the needle can straddle the parts: build the line.
            var f = first.Get(slot);
            var l = last.Get(slot);
            var e = email.Get(slot);
            var length = f.Length + 1 + l.Length + (email.IsNull(slot) ? 0 : 1 + e.Length);
            Span<byte> line = length <= 1024 ? stackalloc byte[length] : new byte[length];
            f.CopyTo(line);
            line[f.Length] = (byte)' ';
            l.CopyTo(line[(f.Length + 1)..]);
            if (!email.IsNull(slot))
            {
                line[f.Length + 1 + l.Length] = (byte)' ';
                e.CopyTo(line[(f.Length + l.Length + 2)..]);
            }

            return line.IndexOf(needle) >= 0;
        }
    }

    private readonly struct SetAny(SetColumn column) : ISlotTest
    {
        public bool Test(int slot) => column.Any(slot);
    }

    private readonly struct CustomHas(CustomColumn column) : ISlotTest
    {
        public bool Test(int slot) => column.HasValue(slot);
    }

    private readonly struct ActivityTest(ActivityColumn column, int since, long threshold, bool sum, long[] totals, int[] lastAt) : ISlotTest
    {
        // Spending: the all-time total and the last order (columns) rule most profiles out before any search; both are
        // exact bounds because amounts are never negative (ActivityRules.AmountError).
        public bool Test(int slot) => sum
            ? totals[slot] >= threshold && lastAt[slot] >= since && column.SumSince(slot, since) >= threshold
            : column.AtLeast(slot, since, threshold);
    }
}

/// <summary>One page of ids from the index, the matching count and the number of profiles.</summary>
internal sealed record IndexPage(int[] Ids, int Total, int AllCount);
