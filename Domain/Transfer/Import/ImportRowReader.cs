using System.Globalization;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Tags;
using CustomerDirectory.Domain.Transfer.Csv;

namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>One row of the file, read into values (nothing is looked up or written yet).</summary>
internal sealed class ImportRow
{
    public required long Line { get; init; }

    public required string Raw { get; init; }

    /// <summary>Contact fields by <see cref="ImportTarget"/> name; present only when a column maps there (null: blank cell).</summary>
    public Dictionary<ImportTarget, string?> Text { get; } = [];

    public bool HasBirthday { get; set; }

    public DateOnly? Birthday { get; set; }

    /// <summary>Cleaned tag names; null when no column maps to tags.</summary>
    public List<string>? Tags { get; set; }

    public bool? EmailConsent { get; set; }

    public bool? SmsConsent { get; set; }

    /// <summary>Custom field id → its values for this row (an empty list: a blank cell).</summary>
    public Dictionary<int, List<ImportFieldValue>> Custom { get; } = [];

    /// <summary>Counts and amounts (minor units) from before Directory by target; present only when a column maps there (null: blank).</summary>
    public Dictionary<ImportTarget, long?> PriorNumbers { get; } = [];

    /// <summary>Last dates from before Directory by target, as UTC; present only when a column maps there (null: blank).</summary>
    public Dictionary<ImportTarget, DateTime?> PriorDates { get; } = [];

    public string? EmailKey => Text.TryGetValue(ImportTarget.Email, out var email) ? ContactRules.NormalizeEmail(email) : null;

    /// <summary>Read once: a phone key takes a parse (<see cref="ContactRules.PhoneKey"/>), and the row is looked up twice.</summary>
    public string? PhoneKey
    {
        get
        {
            if (!_phoneKeyRead)
            {
                (_phoneKey, _phoneKeyRead) = (Text.TryGetValue(ImportTarget.Phone, out var phone) ? ContactRules.PhoneKey(phone) : null, true);
            }

            return _phoneKey;
        }
    }

    private string? _phoneKey;
    private bool _phoneKeyRead;

    /// <summary>
    /// The history from before Directory this row gives on its own (a new profile), or over <paramref name="existing"/>
    /// (an update: a blank cell leaves its value unless blanks erase); null when no column maps to it.
    /// </summary>
    public PriorActivity? ToPrior(PriorActivity? existing, bool blanksErase)
    {
        if (PriorNumbers.Count == 0 && PriorDates.Count == 0)
        {
            return null;
        }

        long Number(ImportTarget target, long current) =>
            PriorNumbers.TryGetValue(target, out var value) && (value is not null || blanksErase || existing is null) ? value ?? 0 : current;
        DateTime? Date(ImportTarget target, DateTime? current) =>
            PriorDates.TryGetValue(target, out var value) && (value is not null || blanksErase || existing is null) ? value : current;

        var e = existing ?? PriorActivity.None;
        return new PriorActivity(
            (int)Number(ImportTarget.VisitsBefore, e.Visits), Date(ImportTarget.LastVisitBefore, e.LastVisitAt),
            (int)Number(ImportTarget.OrdersBefore, e.Orders), Number(ImportTarget.SpentBefore, e.SpentMinor), Date(ImportTarget.LastOrderBefore, e.LastOrderAt),
            (int)Number(ImportTarget.DonationsBefore, e.Donations), Number(ImportTarget.DonatedBefore, e.DonatedMinor), Date(ImportTarget.LastDonationBefore, e.LastDonationAt));
    }

    /// <summary>The profile form this row gives on its own (a new profile), or over <paramref name="existing"/> (an update).</summary>
    public CustomerInput ToInput(Customer? existing, bool blanksErase)
    {
        string? Pick(ImportTarget target, string? current) =>
            Text.TryGetValue(target, out var value) && (value is not null || blanksErase || existing is null) ? value : current;

        return new CustomerInput
        {
            FirstName = Pick(ImportTarget.FirstName, existing?.FirstName),
            LastName = Pick(ImportTarget.LastName, existing?.LastName),
            Email = Pick(ImportTarget.Email, existing?.Email),
            Phone = Pick(ImportTarget.Phone, existing?.Phone),
            AddressLine = Pick(ImportTarget.AddressLine, existing?.AddressLine),
            PostalCode = Pick(ImportTarget.PostalCode, existing?.PostalCode),
            City = Pick(ImportTarget.City, existing?.City),
            Country = Pick(ImportTarget.Country, existing?.Country),
            Birthday = HasBirthday && (Birthday is not null || blanksErase || existing is null) ? Birthday : existing?.Birthday,
        };
    }
}

/// <summary>
/// Reads records into <see cref="ImportRow"/>s by the mapping: every value parsed and checked, or the row's reason
/// for rejection naming the column and the text. Nothing outside the mapping is ever read from the file.
/// </summary>
internal sealed class ImportRowReader
{
    private static readonly char[] ListSeparators = [',', ';', '|'];

    private readonly ImportSettings _settings;
    private readonly IReadOnlyList<string> _header;
    private readonly Dictionary<int, CustomField> _fields;
    private readonly Func<string, bool> _isTag;
    private readonly int _longestJoinedTag;
    private readonly Dictionary<int, int> _longestJoinedOption;
    private readonly MerchantOptions _merchant;
    private readonly DateTime _now;

    // The existing tags, so that a tag cell keeps a name with a comma whole (SplitList); the merchant's clock, for dates of
    // activity (a day starts at their midnight) and now, which no activity can be after.
    public ImportRowReader(ImportSettings settings, IReadOnlyList<string> header, IEnumerable<CustomField> fields, IReadOnlyCollection<Tag> tags,
        MerchantOptions merchant, DateTime nowUtc)
    {
        _settings = settings;
        _merchant = merchant;
        _now = nowUtc;
        _header = header;
        _fields = fields.ToDictionary(f => f.Id);
        var tagKeys = tags.Select(t => t.NameKey).ToHashSet(StringComparer.Ordinal);
        _isTag = name => tagKeys.Contains(Tag.Key(name));
        _longestJoinedTag = LongestJoined(tags.Select(t => t.Name));
        _longestJoinedOption = _fields.Values.ToDictionary(f => f.Id, f => LongestJoined(f.Options.Select(o => o.Label)));
    }

    /// <summary>The row, or why it cannot be imported.</summary>
    public (ImportRow? Row, string? Error) Read(CsvRecord record)
    {
        if (record.Error is not null)
        {
            return (null, record.Error);
        }

        var row = new ImportRow { Line = record.Line, Raw = record.Raw };
        foreach (var column in _settings.Columns)
        {
            if (column.Target == ImportTarget.Ignore || column.Column < 0 || column.Column >= record.Fields.Count)
            {
                continue;
            }

            var cell = CsvFormula.Restore(CsvValues.Clean(record.Fields[column.Column]));
            if (ReadCell(row, column, cell) is { } error)
            {
                var name = column.Column < _header.Count ? _header[column.Column] : $"Column {column.Column + 1}";
                return (null, $"{name}: {error}");
            }
        }

        return (row, null);
    }

    private string? ReadCell(ImportRow row, ImportColumn column, string? cell)
    {
        switch (column.Target)
        {
            case ImportTarget.FirstName or ImportTarget.LastName or ImportTarget.Email or ImportTarget.Phone
                or ImportTarget.AddressLine or ImportTarget.PostalCode or ImportTarget.City or ImportTarget.Country:
                row.Text[column.Target] = cell;
                return null;
            case ImportTarget.FullName:
                var (first, last) = SplitName(cell);
                row.Text[ImportTarget.FirstName] = first;
                row.Text[ImportTarget.LastName] = last;
                return null;
            case ImportTarget.Birthday:
                var date = CsvValues.ParseDate(cell, _settings.DateOrder);
                row.HasBirthday = true;
                row.Birthday = date.Value;
                return date.Error;
            case ImportTarget.Tags:
                row.Tags ??= [];
                foreach (var name in SplitList(cell, _isTag, _longestJoinedTag))
                {
                    try
                    {
                        row.Tags.Add(Tag.Clean(name));
                    }
                    catch (DomainException e)
                    {
                        return $"{e.Message} (“{Shorten(name)}”)";
                    }
                }

                return null;
            case ImportTarget.EmailConsent or ImportTarget.SmsConsent:
                var yes = CsvValues.ParseYesNo(cell);
                if (column.Target == ImportTarget.EmailConsent)
                {
                    row.EmailConsent = yes.Value;
                }
                else
                {
                    row.SmsConsent = yes.Value;
                }

                return yes.Error;
            case ImportTarget.VisitsBefore or ImportTarget.OrdersBefore or ImportTarget.DonationsBefore:
                var count = CsvValues.ParseCount(cell);
                row.PriorNumbers[column.Target] = count.Value;
                return count.Error;
            case ImportTarget.SpentBefore or ImportTarget.DonatedBefore:
                var amount = CsvValues.ParseMoneyMinor(cell);
                row.PriorNumbers[column.Target] = amount.Value;
                return amount.Value < 0 ? "an amount spent or donated cannot be negative." : amount.Error;
            case ImportTarget.LastVisitBefore or ImportTarget.LastOrderBefore or ImportTarget.LastDonationBefore:
                var day = CsvValues.ParseDate(cell, _settings.DateOrder);
                var at = day.Value is { } d ? Insights.InsightPeriods.StartOfDayUtc(d, _merchant.TimeZone) : (DateTime?)null;
                row.PriorDates[column.Target] = at;
                var what = column.Target switch
                {
                    ImportTarget.LastVisitBefore => "last visit",
                    ImportTarget.LastOrderBefore => "last order",
                    _ => "last donation",
                };
                return day.Error ?? (at is null ? null : ActivityRules.WhenError(what, at, _now));
            case ImportTarget.CustomField when column.CustomFieldId is { } fieldId && _fields.TryGetValue(fieldId, out var field):
                var (values, error) = ReadCustom(field, cell);
                row.Custom[fieldId] = values;
                return error;
            case ImportTarget.CustomField:
                return "this custom field was deleted; choose the column's field again.";
            default:
                return null;
        }
    }

    private (List<ImportFieldValue> Values, string? Error) ReadCustom(CustomField field, string? cell)
    {
        if (cell is null)
        {
            return ([], null);
        }

        switch (field.Type)
        {
            case CustomFieldType.Toggle:
                var flag = CsvValues.ParseYesNo(cell);
                return flag.Value is { } f ? ([new(f, null, null, null, null)], flag.Error) : ([], flag.Error);
            case CustomFieldType.Select:
                return Option(field, cell) is { } option
                    ? ([new(null, option, null, null, null)], null)
                    : ([], $"“{Shorten(cell)}” is not one of the choices of {field.Name}.");
            case CustomFieldType.MultiSelect:
                var chosen = new List<ImportFieldValue>();
                foreach (var label in SplitList(cell, l => Option(field, l) is not null, _longestJoinedOption[field.Id]))
                {
                    if (Option(field, label) is not { } id)
                    {
                        return ([], $"“{Shorten(label)}” is not one of the choices of {field.Name}.");
                    }

                    if (chosen.All(c => c.OptionId != id))
                    {
                        chosen.Add(new(null, id, null, null, null));
                    }
                }

                return (chosen, null);
            case CustomFieldType.Text:
                return cell.Length > CustomFieldService.TextMaxLength
                    ? ([], $"{field.Name} can be at most {CustomFieldService.TextMaxLength} characters.")
                    : ([new(null, null, cell, null, null)], null);
            case CustomFieldType.Number:
                if (!TryParseNumber(cell, out var number))
                {
                    return ([], $"“{Shorten(cell)}” is not a number.");
                }

                return Math.Abs(number) >= CustomFieldService.NumberLimit
                    ? ([], $"{field.Name} must be between -1,000,000,000,000 and 1,000,000,000,000.")
                    : ([new(null, null, null, (double)number, null)], null);
            case CustomFieldType.Date:
                var date = CsvValues.ParseDate(cell, _settings.DateOrder);
                if (date.Error is not null || date.Value is not { } d)
                {
                    return ([], date.Error);
                }

                return d.Year is < 1900 or > 2200
                    ? ([], $"{field.Name} must be a date between 1900 and 2200.")
                    : ([new(null, null, null, null, d)], null);
            default:
                return ([], $"{field.Name} cannot be imported.");
        }
    }

    private static int? Option(CustomField field, string label)
    {
        var key = ContactRules.Fold(label);
        return field.Options.FirstOrDefault(o => ContactRules.Fold(o.Label) == key)?.Id;
    }

    /// <summary>"1 234,5", "1,234.5", "-3.25": a space or a separator followed by three digits groups thousands.</summary>
    internal static bool TryParseNumber(string text, out decimal value)
    {
        var compact = text.Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal).Replace("\u202F", "", StringComparison.Ordinal);
        var comma = compact.LastIndexOf(',');
        var dot = compact.LastIndexOf('.');
        if (comma >= 0 && dot >= 0)
        {
            // Both: the last one is the decimal separator.
            compact = comma > dot ? compact.Replace(".", "", StringComparison.Ordinal).Replace(',', '.') : compact.Replace(",", "", StringComparison.Ordinal);
        }
        else if (comma >= 0)
        {
            compact = compact.Count(c => c == ',') == 1 ? compact.Replace(',', '.') : compact.Replace(",", "", StringComparison.Ordinal);
        }

        return decimal.TryParse(compact, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    internal static (string? First, string? Last) SplitName(string? full)
    {
        if (full is null)
        {
            return (null, null);
        }

        var space = full.LastIndexOf(' ');
        return space < 0 ? (full, null) : (ContactRules.Clean(full[..space]), ContactRules.Clean(full[(space + 1)..]));
    }

    /// <summary>
    /// The values of a list cell ("VIP, Regular; Newsletter | Wine"), split on <c>,</c> <c>;</c> and <c>|</c>, except where
    /// the text across separators is a name that already exists: an export writes a tag “Wine, cheese” or an option
    /// “Yes; by email” as it is, and its re-import must give it back whole, not as two new names.
    /// </summary>
    /// <param name="cell">The cell.</param>
    /// <param name="exists">Whether a cleaned name exists.</param>
    /// <param name="longestJoined">
    /// The length of the longest existing name that holds a separator (0 when none does: a plain split). No candidate
    /// spans more than twice that, so the work per value is bounded by the names, not by the cell.
    /// </param>
    internal static List<string> SplitList(string? cell, Func<string, bool> exists, int longestJoined)
    {
        var values = new List<string>();
        for (var start = 0; cell is not null && start <= cell.Length;)
        {
            var end = NextSeparator(cell, start);
            if (!cell.AsSpan(start, end - start).IsWhiteSpace()) // a name never starts with a separator
            {
                // The longest existing name wins.
                for (var further = end; further < cell.Length;)
                {
                    further = NextSeparator(cell, further + 1);
                    if (further - start > 2 * longestJoined)
                    {
                        break;
                    }

                    if (ContactRules.Clean(cell[start..further]) is { } joined && exists(joined))
                    {
                        end = further;
                    }
                }
            }

            if (ContactRules.Clean(cell[start..end]) is { } value)
            {
                values.Add(value);
            }

            start = end + 1;
        }

        return values;

        static int NextSeparator(string text, int from) => text.IndexOfAny(ListSeparators, from) is var at and >= 0 ? at : text.Length;
    }

    /// <summary>The length of the longest of <paramref name="names"/> that holds a list separator (0 when none does).</summary>
    internal static int LongestJoined(IEnumerable<string> names) =>
        names.Where(n => n.IndexOfAny(ListSeparators) >= 0).Select(n => n.Length).DefaultIfEmpty(0).Max();

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
