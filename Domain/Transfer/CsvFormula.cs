namespace CustomerDirectory.Domain.Transfer;

/// <summary>
/// Guards exported cells against spreadsheet formula injection, reversibly. A cell that a spreadsheet would read as a
/// formula (it begins with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return) gets one apostrophe in
/// front, which spreadsheets show as "text" and hide; an import calls <see cref="Restore"/> to take it off again, so a
/// phone "+33 6 12 34 56 78" exported and re-imported is unchanged.
/// </summary>
/// <remarks>
/// For the round trip to be exact, a value that already begins with apostrophes followed by one of those characters
/// ("'=x", "''+1") gets one more apostrophe too: <see cref="Restore"/> takes one apostrophe off any value of the form
/// "one or more apostrophes, then a trigger", and leaves every other value alone ("'hello" stays "'hello").
/// The one ambiguity left is a file that did not come from us holding such a value: it loses one apostrophe.
/// </remarks>
public static class CsvFormula
{
    private const char Guard = '\'';

    public static string? Neutralise(string? value) => NeedsGuard(value) ? Guard + value : value;

    public static string? Restore(string? value) => NeedsGuard(value) && value![0] == Guard ? value[1..] : value;

    /// <summary>Starts with a trigger, possibly behind apostrophes.</summary>
    private static bool NeedsGuard(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var i = 0;
        while (i < value.Length && value[i] == Guard)
        {
            i++;
        }

        return i < value.Length && value[i] is '=' or '+' or '-' or '@' or '\t' or '\r';
    }
}
