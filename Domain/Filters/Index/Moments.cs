namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>
/// Moments in the index are whole seconds since 2000-01-01 UTC in an int (1932 to 2068), rounded down. Every bound a
/// filter compares them with is a whole second (the binder truncates "now"), so rounding down changes no answer:
/// t ≥ b ⇔ ⌊t⌋ ≥ b and t &lt; b ⇔ ⌊t⌋ &lt; b when b is whole.
/// </summary>
internal static class Moments
{
    public const int Null = int.MinValue;
    private static readonly long EpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    public static int From(DateTime utc) => Clamp(Math.DivRem(utc.Ticks - EpochTicks, TimeSpan.TicksPerSecond, out var rem) - (rem < 0 ? 1 : 0));

    public static int From(DateTime? utc) => utc is { } value ? From(value) : Null;

    private static int Clamp(long seconds) => (int)Math.Clamp(seconds, int.MinValue + 1L, int.MaxValue);

    /// <summary>Parses SQLite's text form "yyyy-MM-dd HH:mm:ss[.fffffff]" without allocating.</summary>
    public static int Parse(ReadOnlySpan<char> s)
    {
        if (s.Length < 19)
        {
            return From(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal));
        }

        static int D(ReadOnlySpan<char> s, int at, int n)
        {
            var v = 0;
            for (var i = at; i < at + n; i++)
            {
                v = (v * 10) + (s[i] - '0');
            }

            return v;
        }

        var date = new DateTime(D(s, 0, 4), D(s, 5, 2), D(s, 8, 2), D(s, 11, 2), D(s, 14, 2), D(s, 17, 2), DateTimeKind.Utc);
        return From(date);
    }
}
