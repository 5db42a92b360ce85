using System.Numerics;

namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>A set of index slots, one bit each. Counts are popcounts.</summary>
internal sealed class Bitmap
{
    public Bitmap(int length)
    {
        Length = length;
        Words = new ulong[WordsFor(length)];
    }

    /// <summary>Over an array the caller provides (pooled), which must be zeroed and exactly <see cref="WordsFor"/> long.</summary>
    public Bitmap(int length, ulong[] words)
    {
        Length = length;
        Words = words;
    }

    public static int WordsFor(int length) => (length + 63) >> 6;

    public int Length { get; }

    public ulong[] Words { get; }

    public bool this[int slot] => (Words[slot >> 6] & (1UL << slot)) != 0;

    public void Set(int slot) => Words[slot >> 6] |= 1UL << slot;

    public int Count()
    {
        var count = 0;
        foreach (var word in Words)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }

    public Bitmap And(Bitmap other)
    {
        var (a, b) = (Words, other.Words);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] &= b[i];
        }

        return this;
    }

    public Bitmap Or(Bitmap other)
    {
        var (a, b) = (Words, other.Words);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] |= b[i];
        }

        return this;
    }

    /// <summary>Removes the members of <paramref name="other"/>.</summary>
    public Bitmap AndNot(Bitmap other)
    {
        var (a, b) = (Words, other.Words);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] &= ~b[i];
        }

        return this;
    }

    public bool IsEmpty() => Array.TrueForAll(Words, w => w == 0);

    public Bitmap Copy()
    {
        var copy = new Bitmap(Length);
        Array.Copy(Words, copy.Words, Words.Length);
        return copy;
    }

    public IEnumerable<int> Slots()
    {
        for (var w = 0; w < Words.Length; w++)
        {
            var word = Words[w];
            while (word != 0)
            {
                yield return (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
    }
}
