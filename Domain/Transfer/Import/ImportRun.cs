namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>
/// One import: the uploaded file (kept in the data folder until the import is finished with), how to read and map
/// it, and how far it got. Progress is written in the same transaction as each batch, so a crash leaves whole batches
/// and the run resumes after the last one.
/// </summary>
public sealed class ImportRun
{
    public const int FileNameMaxLength = 255;

    public int Id { get; private set; }

    public string FileName { get; internal set; } = "";

    /// <summary>The stored copy, relative to the imports folder.</summary>
    public string StoredFile { get; internal set; } = "";

    public long FileSize { get; internal set; }

    public string CreatedById { get; internal set; } = "";

    public string CreatedByName { get; internal set; } = "";

    public DateTime CreatedAt { get; internal set; }

    public ImportStatus Status { get; internal set; }

    /// <summary>The reading and mapping chosen (JSON of <see cref="ImportSettings"/>); null until previewed.</summary>
    public string? SettingsJson { get; internal set; }

    /// <summary>The last physical line written (every record starting at or before it is done).</summary>
    public long LastLine { get; internal set; }

    public long BytesDone { get; internal set; }

    public int Created { get; internal set; }

    public int Updated { get; internal set; }

    public int Unchanged { get; internal set; }

    public int Skipped { get; internal set; }

    public int Rejected { get; internal set; }

    public int AddedToGroup { get; internal set; }

    public DateTime? StartedAt { get; internal set; }

    public DateTime? FinishedAt { get; internal set; }

    public string? Error { get; internal set; }

    public DateTime? UndoneAt { get; internal set; }

    public string? UndoneByName { get; internal set; }

    /// <summary>What the undo did, in words ("Removed 120 profiles, restored 30; kept 2 edited since").</summary>
    public string? UndoSummary { get; internal set; }
}

public enum ImportStatus
{
    /// <summary>Uploaded; the merchant is choosing how to read and map it.</summary>
    Uploaded,

    /// <summary>Started; waiting for the background job.</summary>
    Queued,

    Running,

    /// <summary>Asked to stop: the run finishes its current batch, then is <see cref="Cancelled"/>.</summary>
    Stopping,

    Completed,

    /// <summary>Stopped by an error the run could not get past (the batches before it are in).</summary>
    Failed,

    /// <summary>Stopped by the merchant (the batches before it are in).</summary>
    Cancelled,

    /// <summary>Being undone (only one undo at a time).</summary>
    Undoing,

    Undone,
}

/// <summary>What an import did to one profile, so that it can be undone.</summary>
public sealed class ImportChange
{
    public long Id { get; private set; }

    public int ImportRunId { get; init; }

    public int CustomerId { get; init; }

    public bool Created { get; init; }

    /// <summary>The profile's version right after the import wrote it: a different one later means someone edited it.</summary>
    public int VersionAfter { get; init; }

    /// <summary>For an update: what the import replaced (JSON of <see cref="ImportBefore"/>).</summary>
    public string? BeforeJson { get; init; }
}

/// <summary>A row the import could not take, with why, for the downloadable report.</summary>
public sealed class ImportReject
{
    public const int RawMaxLength = 10_000;

    public long Id { get; private set; }

    public int ImportRunId { get; init; }

    public long Line { get; init; }

    public string Raw { get; init; } = "";

    public string Reason { get; init; } = "";

    /// <summary>True for a row skipped as a duplicate (listed in the report, but not an error).</summary>
    public bool Skipped { get; init; }
}
