using System.Runtime.InteropServices;
using System.Text;
using CustomerDirectory.Domain.Audiences;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Groups;

namespace CustomerDirectory.Domain.Filters.Index;

// Audiences: who of a set of profiles can be sent to by email and by SMS, and why the others cannot, from the columns
// already in memory (address states, consent, normalised addresses). One pass over the set, no allocation per person.
public sealed partial class ProfileIndex
{
    /// <summary>
    /// Classifies every live profile of <paramref name="taken"/> (null: everyone) by channel, reasons in
    /// <see cref="AudienceReason"/> order; duplicates keep the lowest id. With <paramref name="collect"/>, also returns the
    /// ids that can be sent to on that channel, ascending.
    /// </summary>
    internal AudienceTally TallyAudience(IdSet? taken, IdSet? excluded, ConsentChannel? collect, CancellationToken ct)
    {
        _lock.EnterReadLock();
        try
        {
            // Sized up front: growing a set of half a million addresses rehashes it several times.
            var expected = taken?.Count() ?? _count;
            var email = new ChannelTally(this, ConsentChannel.Email, collect == ConsentChannel.Email, expected);
            var sms = new ChannelTally(this, ConsentChannel.Sms, collect == ConsentChannel.Sms, expected);
            var count = 0;
            var ids = taken?.Ids() ?? AllIds();
            foreach (var id in ids)
            {
                if (SlotOf(id) is not { } slot || !_live[slot])
                {
                    continue; // deleted since the group last changed
                }

                if ((++count & 0xFFFF) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                if (excluded is not null && excluded.Contains(id))
                {
                    email.Out(AudienceReason.ExcludedGroup);
                    sms.Out(AudienceReason.ExcludedGroup);
                    continue;
                }

                email.Add(id, slot);
                sms.Add(id, slot);
            }

            return new AudienceTally(count, email.Result(), sms.Result(), email.Collected ?? sms.Collected);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Every id that has a slot, ascending.</summary>
    private IEnumerable<int> AllIds()
    {
        for (var id = 0; id < _slotById.Length; id++)
        {
            if (_slotById[id] > 0)
            {
                yield return id;
            }
        }
    }

    internal sealed record AudienceTally(int Taken, ChannelReach Email, ChannelReach Sms, List<int>? Sendable);

    /// <summary>
    /// One channel's counters and, for SMS, the numbers already counted (by hash, confirmed byte for byte). Emails need no
    /// such check: the database's unique index on the normalised email (<c>EmailKey</c>, the key this index holds) makes
    /// two profiles with one address impossible, and the check was most of a count's time (140 ms for everyone at a
    /// million profiles, docs/performance.md).
    /// </summary>
    private sealed class ChannelTally(ProfileIndex index, ConsentChannel channel, bool collect, int expected)
    {
        private readonly int[] _out = new int[Enum.GetValues<AudienceReason>().Length];
        private readonly byte[] _states = channel == ConsentChannel.Email ? index._emailState : index._phoneState;
        private readonly byte[] _consent = channel == ConsentChannel.Email ? index._emailConsent : index._smsConsent;

        // Address hash -> the first slot counted with it; a different address with the same hash goes to the overflow set.
        private readonly Dictionary<int, int>? _seen = channel == ConsentChannel.Sms ? new(expected) : null;
        private HashSet<string>? _overflow;
        private int _sendable;

        public List<int>? Collected { get; } = collect ? [] : null;

        public void Out(AudienceReason reason) => _out[(int)reason]++;

        public void Add(int id, int slot)
        {
            if (AudienceRules.Check(_states[slot], (ConsentStatus)_consent[slot]) is { } reason)
            {
                Out(reason);
                return;
            }

            if (_seen is null)
            {
                _sendable++;
                Collected?.Add(id);
                return;
            }

            var key = Key(slot);
            ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_seen, HashOf(key), out var exists);
            if (!exists)
            {
                first = slot;
            }
            else if (key.SequenceEqual(Key(first)) || !(_overflow ??= new(StringComparer.Ordinal)).Add(Encoding.UTF8.GetString(key)))
            {
                Out(AudienceReason.Duplicate);
                return;
            }

            _sendable++;
            Collected?.Add(id);
        }

        /// <summary>The phone's digit key.</summary>
        private ReadOnlySpan<byte> Key(int slot) => index._phone.Get(slot);

        private static int HashOf(ReadOnlySpan<byte> key)
        {
            var hash = default(HashCode);
            hash.AddBytes(key);
            return hash.ToHashCode();
        }

        public ChannelReach Result() => new(channel, _sendable, _out);
    }
}
