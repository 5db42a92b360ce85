using CustomerDirectory.Domain.Transfer.Csv;

namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>
/// Where a column's values go. Anything not listed (ids, creation dates, the totals Directory counts) can never be written
/// by an import; a customer's history from before Directory only through the <c>…Before</c> targets, chosen by hand.
/// </summary>
public enum ImportTarget
{
    Ignore,
    FirstName,
    LastName,

    /// <summary>"Ada Lovelace": the last word is the last name, the rest the first name.</summary>
    FullName,
    Email,
    Phone,
    AddressLine,
    PostalCode,
    City,
    Country,
    Birthday,

    /// <summary>Tags separated by commas, semicolons or vertical bars; missing tags are created.</summary>
    Tags,
    EmailConsent,
    SmsConsent,
    CustomField,

    // History from before Directory (Activity.PriorActivity), counted in the profile's totals. Only ever mapped by hand:
    // no header name suggests one of these, so a "Total spent" column is never written unless the merchant says so.

    VisitsBefore,
    LastVisitBefore,
    OrdersBefore,
    SpentBefore,
    LastOrderBefore,
    DonationsBefore,
    DonatedBefore,
    LastDonationBefore,
}

/// <summary>A column of the file and where it goes (<see cref="CustomFieldId"/> for <see cref="ImportTarget.CustomField"/>).</summary>
public sealed record ImportColumn(int Column, ImportTarget Target, int? CustomFieldId = null);

/// <summary>What to do with a row whose email or phone is already in the directory (or earlier in the file).</summary>
public enum DuplicatePolicy
{
    /// <summary>Leave the existing profile as it is; the row is listed as skipped.</summary>
    Skip,

    /// <summary>Fill the existing profile with the row's values (blanks never erase unless asked).</summary>
    Update,

    /// <summary>Create a new profile anyway (an email already used is still refused: emails are unique).</summary>
    CreateAnyway,
}

/// <summary>How to read a file and what to do with it: chosen in the import wizard, fixed when the import starts.</summary>
public sealed record ImportSettings
{
    public CsvEncoding Encoding { get; init; } = CsvEncoding.Utf8;

    public char Delimiter { get; init; } = ',';

    public DateOrder DateOrder { get; init; } = DateOrder.Iso;

    public IReadOnlyList<ImportColumn> Columns { get; init; } = [];

    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Skip;

    /// <summary>With <see cref="DuplicatePolicy.Update"/>: a blank cell erases the profile's value.</summary>
    public bool BlanksErase { get; init; }

    /// <summary>A manual group the imported profiles (created, updated or matched) are added to.</summary>
    public int? GroupId { get; init; }

    public CsvFormat Format => new(Encoding, Delimiter);
}

/// <summary>
/// An uploaded file, read far enough to choose how to import it: the first rows as a sample, and per column the
/// distinct values of the first rows read (a new choice field's options come from them).
/// </summary>
public sealed record ImportDraft(
    int Id,
    string FileName,
    long FileSize,
    IReadOnlyList<string> Header,
    IReadOnlyList<string> HeaderProblems,
    IReadOnlyList<IReadOnlyList<string>> Sample,
    ImportSettings Suggested,
    bool DateOrderAmbiguous,
    IReadOnlyList<IReadOnlyList<string>> ColumnValues);

/// <summary>What an import would do, found by reading the whole file without writing anything.</summary>
public sealed record ImportPreview(
    long Rows,
    int ToCreate,
    int ToUpdate,
    int Unchanged,
    int ToSkip,
    int ToReject,
    long BlankLines,
    IReadOnlyList<ImportRowProblem> Problems,
    IReadOnlyList<string> NewTags);

/// <summary>A rejected or skipped row: its line in the file, why, and its text.</summary>
public sealed record ImportRowProblem(long Line, string Reason, string Raw, bool Skipped);

/// <summary>An import as its page and the list show it.</summary>
public sealed record ImportRunView(
    int Id,
    string FileName,
    long FileSize,
    string CreatedBy,
    DateTime CreatedAt,
    ImportStatus Status,
    double Progress,
    int Created,
    int Updated,
    int Unchanged,
    int Skipped,
    int Rejected,
    int AddedToGroup,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Error,
    DateTime? UndoneAt,
    string? UndoneBy,
    string? UndoSummary,
    ImportSettings? Settings)
{
    /// <summary>Finished with something to undo (or left half-undone by a stopped app).</summary>
    public bool CanUndo => Status is ImportStatus.Completed or ImportStatus.Failed or ImportStatus.Cancelled or ImportStatus.Undoing && (Created > 0 || Updated > 0);

    public bool IsActive => Status is ImportStatus.Queued or ImportStatus.Running or ImportStatus.Stopping;
}

/// <summary>What an undo did.</summary>
public sealed record ImportUndoResult(int Removed, int Restored, IReadOnlyList<string> Kept);

/// <summary>The values an import replaced on one profile (only what it changed).</summary>
public sealed record ImportBefore
{
    public Dictionary<string, string?>? Fields { get; init; }

    public DateOnly? Birthday { get; init; }

    public bool BirthdayChanged { get; init; }

    public List<int>? TagsAdded { get; init; }

    /// <summary>Custom field id → the rows it had (empty list: it had none).</summary>
    public Dictionary<int, List<ImportFieldValue>>? CustomValues { get; init; }

    public ImportConsent? EmailConsent { get; init; }

    public ImportConsent? SmsConsent { get; init; }

    /// <summary>The history from before Directory the profile had, when the import changed it.</summary>
    public Activity.PriorActivity? Prior { get; init; }
}

public sealed record ImportFieldValue(bool? Flag, int? OptionId, string? Text, double? Number, DateOnly? Date);

public sealed record ImportConsent(Consent.ConsentStatus Status, DateTime? ChangedAt, Consent.ConsentOrigin Origin, string? ChangedBy, DateTime? SubscribedAt);
