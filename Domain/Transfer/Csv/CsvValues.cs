using System.Buffers;
using System.Globalization;
using System.Text;

namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>Turning cell text into values. Each parser returns the value or a reason that names the text.</summary>
public static class CsvValues
{
    /// <summary>Excel serial numbers accepted as dates: five digits, 1927-05-18 to 2173-10-14.</summary>
    /// <remarks>
    /// Shorter numbers are refused rather than read as dates in 1900–1927: "2025" in a birthday column is a year,
    /// and must not become 1905-07-17.
    /// </remarks>
    private const int MinExcelSerial = 10_000;
    private const int MaxExcelSerial = 99_999;

    private static readonly DateOnly ExcelEpoch = new(1899, 12, 30);

    private static readonly SearchValues<char> Invisible = SearchValues.Create("\0\u200B\u200C\u200D\u2060\uFEFF");

    private static readonly Dictionary<string, bool> YesNo = new(StringComparer.OrdinalIgnoreCase)
    {
        ["yes"] = true, ["y"] = true, ["true"] = true, ["t"] = true, ["1"] = true, ["x"] = true,
        ["oui"] = true, ["ja"] = true, ["j"] = true, ["si"] = true, ["sí"] = true, ["subscribed"] = true,
        ["✓"] = true, ["✔"] = true, ["☑"] = true,
        ["no"] = false, ["n"] = false, ["false"] = false, ["f"] = false, ["0"] = false,
        ["non"] = false, ["nein"] = false, ["unsubscribed"] = false,
    };

    /// <summary>
    /// Trims (Unicode white space, including no-break spaces), NFC-normalises, removes NUL and invisible characters
    /// (U+200B, U+2060, U+FEFF; U+200C/U+200D too, except between two non-ASCII characters, where they join emoji
    /// such as 👨‍👩‍👧 or shape Persian and Indic words). Keeps emoji and right-to-left text. Blank → null.
    /// </summary>
    public static string? Clean(string? cell)
    {
        if (cell is null)
        {
            return null;
        }
        var text = cell;
        if (text.AsSpan().ContainsAny(Invisible))
        {
            text = RemoveInvisible(text);
        }
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }
        if (!text.IsNormalized(NormalizationForm.FormC))
        {
            text = text.Normalize(NormalizationForm.FormC);
        }
        return text;
    }

    private static string RemoveInvisible(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\0' or '\u200B' or '\u2060' or '\uFEFF':
                    continue;
                case '\u200C' or '\u200D':
                    var joins = i > 0 && i + 1 < text.Length && text[i - 1] > '\u007F' && text[i + 1] > '\u007F'
                        && !char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i + 1]);
                    if (!joins)
                    {
                        continue;
                    }
                    break;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>
    /// A date written dd.MM.yyyy (always day first), dd/MM/yyyy or MM/dd/yyyy (and with dashes) as
    /// <paramref name="order"/> says, yyyy-MM-dd (year first, in every order), or an Excel serial number
    /// (45658 → 2025-01-01). A time after the date is ignored. Two-digit years are refused (1925 or 2025?).
    /// "0000-00-00", "00/00/0000" and 0 mean no date (null).
    /// </summary>
    public static ParseResult<DateOnly?> ParseDate(string? cell, DateOrder order)
    {
        var text = Clean(cell);
        if (text is null)
        {
            return new(null, null);
        }
        var date = text.AsSpan();
        var cut = date.IndexOfAny(' ', 'T');
        if (cut > 0)
        {
            var rest = date[(cut + 1)..].TrimStart();
            if (rest.IsEmpty || !char.IsAsciiDigit(rest[0]))
            {
                return Fail<DateOnly?>($"“{Show(text)}” is not a date.");
            }
            date = date[..cut];
        }

        if (IsExcelSerial(date, out var serial))
        {
            if (serial == 0)
            {
                return new(null, null);
            }
            if (serial is < MinExcelSerial or > MaxExcelSerial)
            {
                return Fail<DateOnly?>($"“{Show(text)}” is not a date (as an Excel date number it would be before 1927 or after 2173).");
            }
            return new(ExcelEpoch.AddDays(serial), null);
        }

        var separator = date.IndexOfAny('-', '/', '.');
        if (separator < 0)
        {
            return Fail<DateOnly?>($"“{Show(text)}” is not a date.");
        }
        var sep = date[separator];
        Span<Range> parts = stackalloc Range[4];
        if (date.Split(parts, sep) != 3)
        {
            return Fail<DateOnly?>($"“{Show(text)}” is not a date.");
        }
        var a = date[parts[0]];
        var b = date[parts[1]];
        var c = date[parts[2]];
        if (!AllDigits(a) || !AllDigits(b) || !AllDigits(c))
        {
            return Fail<DateOnly?>($"“{Show(text)}” is not a date.");
        }
        var first = ParseSmall(a);
        var second = ParseSmall(b);
        var third = ParseSmall(c);
        if (first == 0 && second == 0 && third == 0)
        {
            return new(null, null);
        }

        int year, month, day;
        if (a.Length == 4 && b.Length <= 2 && c.Length <= 2)
        {
            (year, month, day) = (first, second, third);
        }
        else if (c.Length == 4 && a.Length <= 2 && b.Length <= 2)
        {
            if (sep == '.' || order == DateOrder.DayMonthYear)
            {
                (day, month, year) = (first, second, third);
            }
            else if (order == DateOrder.MonthDayYear)
            {
                (month, day, year) = (first, second, third);
            }
            else
            {
                return Fail<DateOnly?>($"“{Show(text)}” is not written year-month-day, as this column's dates are; choose the column's date order.");
            }
        }
        else if (c.Length == 2 && a.Length <= 2 && b.Length <= 2)
        {
            return Fail<DateOnly?>($"“{Show(text)}” has a two-digit year: write the year in full (1925 or 2025?).");
        }
        else
        {
            return Fail<DateOnly?>($"“{Show(text)}” is not a date.");
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            var orderHint = order == DateOrder.MonthDayYear && sep != '.' ? "month/day/year" : "day/month/year";
            return Fail<DateOnly?>(a.Length == 4
                ? $"“{Show(text)}” is not a real date (read as year-month-day)."
                : $"“{Show(text)}” is not a real date (read as {orderHint}).");
        }
        return new(new DateOnly(year, month, day), null);
    }

    /// <summary>
    /// The order a column's dates are written in: <see cref="DateOrder.DayMonthYear"/> if a first number is above 12
    /// (or the dates use dots), <see cref="DateOrder.MonthDayYear"/> if a second number is, <see cref="DateOrder.Iso"/>
    /// when the dates are year-first or Excel numbers; null when both orders fit (only 03/04/2025), the sample
    /// contradicts itself, or it holds no date at all (a sparse birthday column): then ask the merchant.
    /// </summary>
    public static DateOrder? GuessDateOrder(IEnumerable<string?> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        bool dayFirst = false, monthFirst = false, ambiguous = false, unambiguous = false;
        Span<Range> parts = stackalloc Range[4];
        foreach (var cell in sample)
        {
            var text = Clean(cell);
            if (text is null)
            {
                continue;
            }
            var date = text.AsSpan();
            var cut = date.IndexOfAny(' ', 'T');
            if (cut > 0)
            {
                date = date[..cut];
            }
            if (IsExcelSerial(date, out var serial))
            {
                unambiguous |= serial != 0;
                continue;
            }
            var separator = date.IndexOfAny('-', '/', '.');
            if (separator < 0)
            {
                continue;
            }
            var sep = date[separator];
            if (date.Split(parts, sep) != 3)
            {
                continue;
            }
            var a = date[parts[0]];
            var b = date[parts[1]];
            var c = date[parts[2]];
            if (!AllDigits(a) || !AllDigits(b) || !AllDigits(c) || (!a.ContainsAnyExcept('0') && !b.ContainsAnyExcept('0')))
            {
                // Not a date, or the "no date" 0000-00-00 / 00/00/0000.
                continue;
            }
            if (a.Length > 2 || b.Length > 2)
            {
                unambiguous = true;
                continue;
            }
            var first = ParseSmall(a);
            var second = ParseSmall(b);
            if (sep == '.' || first > 12)
            {
                dayFirst = true;
            }
            else if (second > 12)
            {
                monthFirst = true;
            }
            else
            {
                ambiguous = true;
            }
        }
        return (dayFirst, monthFirst, ambiguous) switch
        {
            (true, true, _) => null,
            (true, false, _) => DateOrder.DayMonthYear,
            (false, true, _) => DateOrder.MonthDayYear,
            (false, false, false) when unambiguous => DateOrder.Iso,
            _ => null,
        };
    }

    /// <summary>
    /// An amount in minor units (cents): "1 234,56 €", "€1,234.56", "$ 12", "1.234,56", "-3,50", "(3.50)", "3.50-",
    /// "CHF 1'234.50". A single separator followed by exactly three digits ("1,234") is a thousands separator unless
    /// <paramref name="decimalSeparator"/> says otherwise. More decimals than <paramref name="minorDigits"/> are refused
    /// unless they are zeros.
    /// </summary>
    public static ParseResult<long?> ParseMoneyMinor(string? cell, char? decimalSeparator = null, int minorDigits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minorDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minorDigits, 9);
        if (decimalSeparator is not (null or '.' or ','))
        {
            throw new ArgumentOutOfRangeException(nameof(decimalSeparator), decimalSeparator, "The decimal separator is '.' or ','.");
        }
        var text = Clean(cell);
        if (text is null)
        {
            return new(null, null);
        }
        if (!SplitAmount(text, out var number, out var negative))
        {
            return Fail<long?>($"“{Show(text)}” is not an amount.");
        }
        var dec = decimalSeparator ?? GuessSeparatorOf(number);
        if (!SplitNumber(number, dec, out var whole, out var fraction))
        {
            return Fail<long?>($"“{Show(text)}” is not an amount.");
        }
        var significant = fraction.TrimEnd('0');
        if (significant.Length > minorDigits)
        {
            return Fail<long?>(minorDigits == 0
                ? $"“{Show(text)}” has decimals, but this currency has none."
                : $"“{Show(text)}” has more than {minorDigits} decimals.");
        }
        long value = 0;
        try
        {
            checked
            {
                foreach (var digit in whole)
                {
                    value = value * 10 + (digit - '0');
                }
                for (var i = 0; i < minorDigits; i++)
                {
                    value = value * 10 + (i < significant.Length ? significant[i] - '0' : 0);
                }
            }
        }
        catch (OverflowException)
        {
            return Fail<long?>($"“{Show(text)}” is too large an amount.");
        }
        return new(negative ? -value : value, null);
    }

    /// <summary>
    /// The decimal separator a column of amounts uses: '.' or ',' where cells show it (both separators present, or
    /// one followed by other than three digits, or the other repeated as a thousands separator); null if no cell tells.
    /// </summary>
    public static char? GuessDecimalSeparator(IEnumerable<string?> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        int dots = 0, commas = 0;
        foreach (var cell in sample)
        {
            var text = Clean(cell);
            if (text is null || !SplitAmount(text, out var number, out _))
            {
                continue;
            }
            switch (EvidenceOf(number))
            {
                case '.':
                    dots++;
                    break;
                case ',':
                    commas++;
                    break;
            }
        }
        if (dots == commas)
        {
            return null;
        }
        return dots > commas ? '.' : ',';
    }

    /// <summary>
    /// yes/no, true/false, 1/0, y/n, t/f, x (yes), oui/non, ja/nein, sí/no, subscribed/unsubscribed, ✓, ignoring case.
    /// Blank → null (no value): for a column of crosses, where blank means no, the caller decides.
    /// </summary>
    public static ParseResult<bool?> ParseYesNo(string? cell)
    {
        var text = Clean(cell);
        if (text is null)
        {
            return new(null, null);
        }
        return YesNo.TryGetValue(text, out var value)
            ? new(value, null)
            : Fail<bool?>($"“{Show(text)}” is not yes or no.");
    }

    /// <summary>A non-negative whole number: "1234", "1 234", "1,234", "1.234", "1'234", "12.0".</summary>
    public static ParseResult<int?> ParseCount(string? cell)
    {
        var text = Clean(cell);
        if (text is null)
        {
            return new(null, null);
        }
        var span = text.AsSpan();
        var negative = false;
        if (span[0] is '-' or '\u2212')
        {
            negative = true;
            span = span[1..].TrimStart();
        }
        else if (span[0] == '+')
        {
            span = span[1..].TrimStart();
        }
        if (span.IsEmpty || !char.IsAsciiDigit(span[0]) || !SplitNumber(span, GuessSeparatorOf(span), out var whole, out var fraction))
        {
            return Fail<int?>($"“{Show(text)}” is not a whole number.");
        }
        if (fraction.TrimEnd('0').Length > 0)
        {
            return Fail<int?>($"“{Show(text)}” is not a whole number.");
        }
        var value = 0;
        try
        {
            checked
            {
                foreach (var digit in whole)
                {
                    value = value * 10 + (digit - '0');
                }
            }
        }
        catch (OverflowException)
        {
            return Fail<int?>($"“{Show(text)}” is too large a number.");
        }
        if (negative && value != 0)
        {
            return Fail<int?>($"“{Show(text)}” is negative: a count cannot be below zero.");
        }
        return new(value, null);
    }

    /// <summary>
    /// Separates the number of an amount from its currency (a symbol or up to three letters, before or after) and
    /// its sign (-, −, +, a trailing minus or parentheses).
    /// </summary>
    private static bool SplitAmount(string text, out ReadOnlySpan<char> number, out bool negative)
    {
        number = default;
        negative = false;
        var span = text.AsSpan();
        if (span.Length >= 2 && span[0] == '(' && span[^1] == ')')
        {
            negative = true;
            span = span[1..^1].Trim();
        }
        var firstDigit = span.IndexOfAnyInRange('0', '9');
        if (firstDigit < 0)
        {
            return false;
        }
        var lastDigit = span.LastIndexOfAnyInRange('0', '9');
        if (firstDigit > 0 && span[firstDigit - 1] is '.' or ',')
        {
            firstDigit--;
        }
        var signs = 0;
        if (!IsCurrencyOrSign(span[..firstDigit], ref signs, ref negative) || !IsCurrencyOrSign(span[(lastDigit + 1)..], ref signs, ref negative) || signs > 1)
        {
            return false;
        }
        number = span[firstDigit..(lastDigit + 1)];
        return true;
    }

    private static bool IsCurrencyOrSign(ReadOnlySpan<char> text, ref int signs, ref bool negative)
    {
        var letters = 0;
        foreach (var c in text)
        {
            if (c is '-' or '\u2212')
            {
                signs++;
                negative = !negative;
            }
            else if (c == '+')
            {
                signs++;
            }
            else if (char.IsLetter(c))
            {
                letters++;
            }
            else if (!char.IsWhiteSpace(c) && c != '.' && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.CurrencySymbol)
            {
                return false;
            }
        }
        return letters <= 3;
    }

    private static bool IsGroupSpace(char c) => c is ' ' or '\u00A0' or '\u202F' or '\u2009' or '\'' or '\u2019';

    /// <summary>The decimal separator a number shows by itself, or null ("1,234" and "1234" are ambiguous or have none).</summary>
    private static char? EvidenceOf(ReadOnlySpan<char> number)
    {
        var lastDot = number.LastIndexOf('.');
        var lastComma = number.LastIndexOf(',');
        if (lastDot >= 0 && lastComma >= 0)
        {
            return lastDot > lastComma ? '.' : ',';
        }
        if (lastDot < 0 && lastComma < 0)
        {
            return null;
        }
        var sep = lastDot >= 0 ? '.' : ',';
        var other = sep == '.' ? ',' : '.';
        if (number.Count(sep) > 1)
        {
            return other;
        }
        var after = number.Length - 1 - Math.Max(lastDot, lastComma);
        return after == 3 ? null : sep;
    }

    /// <summary>The decimal separator to read a number with when none is given: its evidence, "1,234" being thousands.</summary>
    private static char? GuessSeparatorOf(ReadOnlySpan<char> number)
    {
        var evidence = EvidenceOf(number);
        if (evidence is not null)
        {
            return evidence;
        }
        // No evidence: a lone separator before three digits groups thousands; name the other one decimal.
        return number.Contains('.') ? ',' : '.';
    }

    /// <summary>Splits digits into whole and fraction, checking that thousands separators group by three.</summary>
    private static bool SplitNumber(ReadOnlySpan<char> number, char? decimalSeparator, out string whole, out string fraction)
    {
        whole = "";
        fraction = "";
        var dec = decimalSeparator ?? '.';
        var group = dec == '.' ? ',' : '.';
        var decAt = number.IndexOf(dec);
        if (decAt >= 0 && number[(decAt + 1)..].Contains(dec))
        {
            return false;
        }
        var integer = decAt >= 0 ? number[..decAt] : number;
        var frac = decAt >= 0 ? number[(decAt + 1)..] : [];
        if (!AllDigits(frac))
        {
            return false;
        }
        var digits = new StringBuilder(integer.Length);
        var run = 0;
        var grouped = false;
        for (var i = 0; i < integer.Length; i++)
        {
            var c = integer[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
                run++;
            }
            else if (c == group || IsGroupSpace(c))
            {
                // The first group has 1 to 3 digits, every later one exactly 3.
                if (run == 0 || run > 3 || (grouped && run != 3))
                {
                    return false;
                }
                grouped = true;
                run = 0;
            }
            else
            {
                return false;
            }
        }
        if (grouped && run != 3)
        {
            return false;
        }
        if (digits.Length == 0 && frac.IsEmpty)
        {
            return false;
        }
        whole = digits.ToString();
        fraction = frac.ToString();
        return true;
    }

    private static bool IsExcelSerial(ReadOnlySpan<char> text, out int serial)
    {
        serial = 0;
        var point = text.IndexOfAny('.', ',');
        var integer = point >= 0 ? text[..point] : text;
        if (integer.IsEmpty || integer.Length > 7 || !AllDigits(integer) || (point >= 0 && !AllDigits(text[(point + 1)..])))
        {
            return false;
        }
        // Dotted dates (1.2.2025) have two separators; a serial with a time has at most one.
        serial = ParseSmall(integer);
        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('0', '9');

    private static int ParseSmall(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static string Show(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");

    private static ParseResult<T> Fail<T>(string error) => new(default!, error);
}
