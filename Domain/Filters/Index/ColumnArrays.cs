namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>Growing the index's per-slot arrays when profiles are added: one way, for every column.</summary>
internal static class ColumnArrays
{
    /// <summary>The array at <paramref name="capacity"/>, new slots set to <paramref name="fill"/>.</summary>
    public static T[] Grow<T>(T[] array, int capacity, T fill)
    {
        var old = array.Length;
        Array.Resize(ref array, capacity);
        Array.Fill(array, fill, old, capacity - old);
        return array;
    }

    /// <summary>Start offsets of a flat column (one more than slots): new slots start, and end, where the data ends.</summary>
    public static int[] GrowOffsets(int[] offsets, int capacity) => Grow(offsets, capacity + 1, offsets[^1]);

    /// <summary>A copy of <paramref name="bitmap"/> with room for <paramref name="capacity"/> slots.</summary>
    public static Bitmap Grow(Bitmap bitmap, int capacity)
    {
        var grown = new Bitmap(capacity);
        Array.Copy(bitmap.Words, grown.Words, Math.Min(bitmap.Words.Length, grown.Words.Length));
        return grown;
    }
}
