using System.Globalization;
using System.Text.Json;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Transfer.Csv;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>
/// Customers → Import: upload a file, choose how to read and map it, preview exactly what would happen, run it in the
/// background (batches are atomic; a crash resumes after the last one), download what was rejected, undo it.
/// </summary>
public sealed partial class ImportService(
    IDbContextFactory<DirectoryDbContext> dbFactory,
    StorageOptions storage,
    TimeProvider clock,
    MerchantOptions merchant,
    ChangeFeed changes,
    GroupEngine groups,
    StaffAccess access,
    AuditLog audit,
    ILogger<ImportService> logger,
    IImportLauncher? launcher = null)
{
    /// <summary>The largest file accepted (the import streams; this only bounds the disk a mistake can fill).</summary>
    public const long MaxFileBytes = 2L * 1024 * 1024 * 1024;

    private const string LastMappingKey = "import.last-mapping";

    /// <summary>How long an upload nobody started is kept.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromDays(1);
    private const int SampleRows = 5;

    /// <summary>Distinct values kept per column from the rows the draft reads (200).</summary>
    private const int ColumnValuesKept = 50;

    private static readonly JsonSerializerOptions Json = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private string Folder
    {
        get
        {
            var folder = Path.Combine(storage.DataFolder, "imports");
            System.IO.Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>Stores an uploaded file (streamed to the data folder) and reads its header to start the wizard.</summary>
    public async Task<ImportDraft> UploadAsync(Stream content, string? fileName, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        ArgumentNullException.ThrowIfNull(content);
        var actor = access.RequireActor();
        var name = Path.GetFileName(ContactRules.Clean(fileName) ?? "import.csv");
        name = name.Length > ImportRun.FileNameMaxLength ? name[..ImportRun.FileNameMaxLength] : name;

        var stored = $"{Guid.NewGuid():N}.csv";
        var path = Path.Combine(Folder, stored);
        long size;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                size = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > MaxFileBytes)
                    {
                        throw new DomainException($"The file is larger than {MaxFileBytes / (1024 * 1024 * 1024)} GB; split it into smaller files.");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }

            if (size == 0)
            {
                throw new DomainException("The file is empty.");
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await PurgeAbandonedAsync(db, ct);
        var run = new ImportRun
        {
            FileName = name,
            StoredFile = stored,
            FileSize = size,
            CreatedById = actor.Id,
            CreatedByName = actor.Name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Status = ImportStatus.Uploaded,
        };
        db.ImportRuns.Add(run);
        await db.SaveChangesAsync(ct);
        try
        {
            return await DraftAsync(run.Id, null, ct);
        }
        catch (DomainException)
        {
            await DiscardAsync(run.Id, ct);
            throw;
        }
    }

    /// <summary>
    /// The header, a sample and a suggested mapping, read with <paramref name="format"/> (the merchant's override) or
    /// the detected encoding and delimiter.
    /// </summary>
    public async Task<ImportDraft> DraftAsync(int id, CsvFormat? format, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await FindUploadedAsync(db, id, ct);

        var path = FileOf(run);
        format ??= await DetectAsync(path, ct);
        await using var stream = File.OpenRead(path);
        using var source = Open(stream, format);
        var sample = new List<IReadOnlyList<string>>();
        var dates = new Dictionary<int, List<string?>>();
        foreach (var record in source.ReadRows(ct))
        {
            if (record.Error is null)
            {
                sample.Add(record.Fields);
            }

            if (sample.Count >= 200)
            {
                break;
            }
        }

        var fields = await db.CustomFields.AsNoTracking().Include(f => f.Options).ToListAsync(ct);
        var remembered = await RememberedAsync(db, ct);
        var columns = Suggest(source.Header, fields, remembered);

        // The date order: from the dates in the sample (a day above 12 settles it); ambiguous ones are asked.
        var dateColumns = columns.Where(c => c.Target == ImportTarget.Birthday
            || (c.Target == ImportTarget.CustomField && fields.FirstOrDefault(f => f.Id == c.CustomFieldId)?.Type == CustomFieldType.Date)).Select(c => c.Column).ToList();
        var guess = CsvValues.GuessDateOrder(sample.SelectMany(r => dateColumns.Where(c => c < r.Count).Select(c => (string?)r[c])));
        var suggested = new ImportSettings
        {
            Encoding = format.Encoding,
            Delimiter = format.Delimiter,
            DateOrder = guess ?? DateOrder.DayMonthYear,
            Columns = columns,
        };
        var ambiguous = guess is null && sample.Any(r => dateColumns.Any(c => c < r.Count && !string.IsNullOrWhiteSpace(r[c])));
        var values = source.Header.Select((_, column) => (IReadOnlyList<string>)[.. sample
            .Select(r => column < r.Count ? CsvValues.Clean(r[column]) : null).OfType<string>()
            .Distinct(StringComparer.CurrentCultureIgnoreCase).Take(ColumnValuesKept)]).ToList();
        return new ImportDraft(run.Id, run.FileName, run.FileSize, source.Header, source.HeaderProblems, [.. sample.Take(SampleRows)], suggested, ambiguous, values);
    }

    /// <summary>Reads the whole file with these settings and says what the import would do; writes nothing.</summary>
    public async Task<ImportPreview> PreviewAsync(int id, ImportSettings settings, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        ArgumentNullException.ThrowIfNull(settings);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await FindUploadedAsync(db, id, ct);

        await CheckAsync(db, settings, ct);
        await using var stream = File.OpenRead(FileOf(run));
        using var source = Open(stream, settings.Format);
        var processor = await ProcessorAsync(db, settings, source.Header, dryRun: true, run.CreatedByName, ct);
        var batch = new List<CsvRecord>(ImportProcessor.BatchSize);
        foreach (var record in source.ReadRows(ct))
        {
            batch.Add(record);
            if (batch.Count == ImportProcessor.BatchSize)
            {
                await processor.ProcessAsync(db, batch, run.Id, null, null, ct);
                batch.Clear();
                progress?.Report(Fraction(source.Position, run.FileSize));
            }
        }

        await processor.ProcessAsync(db, batch, run.Id, null, null, ct);
        progress?.Report(1);
        run.SettingsJson = JsonSerializer.Serialize(settings, Json);
        await db.SaveChangesAsync(ct);
        return new ImportPreview(processor.Rows, processor.Created, processor.Updated, processor.Unchanged, processor.Skipped, processor.Rejected,
            source.BlankLines, processor.Problems, [.. processor.NewTags.Order(StringComparer.CurrentCultureIgnoreCase).Take(100)]);
    }

    /// <summary>Starts the import in the background with these settings (remembered as the next import's mapping).</summary>
    public async Task StartAsync(int id, ImportSettings settings, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        ArgumentNullException.ThrowIfNull(settings);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await FindUploadedAsync(db, id, ct);

        await CheckAsync(db, settings, ct);
        if (launcher is null)
        {
            throw new DomainException("Background jobs are turned off (Jobs:Enabled), and imports run as one.");
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            run.SettingsJson = JsonSerializer.Serialize(settings, Json);
            run.Status = ImportStatus.Queued;
            await RememberAsync(db, run, settings, ct);
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(db, new AuditEvent("import.started", $"Started importing {run.FileName}", "import", run.Id.ToString(CultureInfo.InvariantCulture)), ct);
            await transaction.CommitAsync(ct);
        }

        changes.Publish(ChangeKind.ImportsChanged);
        await launcher.EnqueueAsync(run.Id, ct);
    }

    /// <summary>
    /// Runs (or resumes) a started import: the background job's work. Rows up to the last written line are skipped, so
    /// after a crash it carries on where the last whole batch ended. Writes are made as the person who started it.
    /// </summary>
    public async Task RunAsync(int id, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        ImportRun run;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            run = await FindAsync(db, id, ct);
        }

        if (run.Status == ImportStatus.Stopping)
        {
            await FinishAsync(id, ImportStatus.Cancelled, null, ct); // asked to stop, then the app stopped too
            return;
        }

        if (run.Status is not (ImportStatus.Queued or ImportStatus.Running))
        {
            return;
        }

        var importer = new StaffActor(run.CreatedById, run.CreatedByName);
        using var _ = StaffAccess.As(importer);
        try
        {
            if (!(await access.PermissionsOfAsync(importer, ct)).Contains(Permission.Import))
            {
                throw new DomainException($"{run.CreatedByName} may no longer import.");
            }

            await RunBatchesAsync(run, progress, ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            logger.LogError(e, "Import {Id} failed", id);
            await FinishAsync(id, ImportStatus.Failed, e is DomainException or CsvFileException ? e.Message : "The import stopped on an unexpected error; the batches before it are in.", CancellationToken.None);
        }
    }

    private async Task RunBatchesAsync(ImportRun run, IProgress<double>? progress, CancellationToken ct)
    {
        var settings = JsonSerializer.Deserialize<ImportSettings>(run.SettingsJson!, Json)!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.ImportRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, ImportStatus.Running)
            .SetProperty(r => r.StartedAt, r => r.StartedAt ?? clock.GetUtcNow().UtcDateTime), ct);
        changes.Publish(ChangeKind.ImportsChanged);

        await using var stream = File.OpenRead(FileOf(run));
        using var source = Open(stream, settings.Format);
        var processor = await ProcessorAsync(db, settings, source.Header, dryRun: false, run.CreatedByName, ct);
        await db.Database.OpenConnectionAsync(ct); // one connection for the whole run: the prepared INSERTs live on it
        if (db.Database.IsSqlite())
        {
            // As the demo seeder: index pages of a million-row table stay in memory between batches (this connection only).
            // And the write-ahead log is copied back into the database every 64 MiB instead of every 4 MiB (SQLite's
            // default, less than one batch here): an index page that batch after batch changes is written back once
            // per checkpoint, not once per batch. Every commit is still synced (synchronous=FULL).
            await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 16384;", ct); // 256 MiB; 16,384 pages
        }

        using var writer = processor.Writer(db, access.Current, run.FileName);
        var batch = new List<CsvRecord>(ImportProcessor.BatchSize);
        var (created, updated, unchanged, skipped, rejected) = (run.Created, run.Updated, run.Unchanged, run.Skipped, run.Rejected);

        async Task<bool> WriteAsync()
        {
            if (batch.Count == 0)
            {
                return true;
            }

            var last = batch[^1].Line;
            var position = source.Position;
            var outcome = await processor.ProcessAsync(db, batch, run.Id, writer, async tx =>
            {
                // The run's progress moves in the same transaction as the rows: a crash leaves both or neither.
                await tx.ImportRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.LastLine, last)
                    .SetProperty(r => r.BytesDone, position)
                    .SetProperty(r => r.Created, created + processor.Created)
                    .SetProperty(r => r.Updated, updated + processor.Updated)
                    .SetProperty(r => r.Unchanged, unchanged + processor.Unchanged)
                    .SetProperty(r => r.Skipped, skipped + processor.Skipped)
                    .SetProperty(r => r.Rejected, rejected + processor.Rejected), ct);
            }, ct);
            db.ChangeTracker.Clear();
            batch.Clear();
            changes.PublishMany(ChangeKind.ProfilesImported, outcome.Changed);
            changes.Publish(ChangeKind.ImportsChanged);
            progress?.Report(Fraction(position, run.FileSize));

            // Stopped from the page: finish after this whole batch.
            return await db.ImportRuns.Where(r => r.Id == run.Id).Select(r => r.Status).SingleAsync(ct) == ImportStatus.Running;
        }

        foreach (var record in source.ReadRows(ct))
        {
            if (record.Line <= run.LastLine)
            {
                continue; // written before a crash
            }

            batch.Add(record);
            if (batch.Count == ImportProcessor.BatchSize && !await WriteAsync())
            {
                await FinishAsync(run.Id, ImportStatus.Cancelled, null, ct);
                return;
            }
        }

        if (!await WriteAsync())
        {
            await FinishAsync(run.Id, ImportStatus.Cancelled, null, ct);
            return;
        }

        if (settings.GroupId is { } groupId)
        {
            await AddToGroupAsync(run, groupId, ct);
        }

        await FinishAsync(run.Id, ImportStatus.Completed, null, ct);
    }

    /// <summary>Every profile the import created, updated or matched joins the manual group (idempotent on resume).</summary>
    private async Task AddToGroupAsync(ImportRun run, int groupId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = await db.ImportChanges.Where(c => c.ImportRunId == run.Id).Select(c => c.CustomerId).Distinct().ToListAsync(ct);
        var added = 0;
        foreach (var chunk in ids.Chunk(10_000))
        {
            added += await groups.ApplyManualAsync(groupId, chunk, add: true, MembershipCause.Import, GroupEngine.Actor(run.CreatedByName), ct);
        }

        await db.ImportRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.AddedToGroup, r => r.AddedToGroup + added), ct);
    }

    private async Task FinishAsync(int id, ImportStatus status, string? error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.ImportRuns.SingleAsync(r => r.Id == id, ct);
        run.Status = status;
        run.FinishedAt = clock.GetUtcNow().UtcDateTime;
        run.Error = error is { Length: > 2000 } ? error[..2000] : error;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            var what = status switch
            {
                ImportStatus.Completed => "Imported",
                ImportStatus.Cancelled => "Stopped importing",
                _ => "Failed to import",
            };
            await audit.WriteAsync(db, new AuditEvent($"import.{status.ToString().ToLowerInvariant()}",
                $"{what} {run.FileName}: {run.Created:N0} created, {run.Updated:N0} updated, {run.Skipped:N0} skipped, {run.Rejected:N0} rejected{(error is null ? "" : $" ({error})")}",
                "import", run.Id.ToString(CultureInfo.InvariantCulture)), ct);
            await transaction.CommitAsync(ct);
        }

        // The file holds customer data: kept only while the import may still need it.
        DeleteFile(run);
        changes.Publish(ChangeKind.ImportsChanged);
    }

    /// <summary>Stops a running import after its current batch (what is written stays, and can be undone).</summary>
    public async Task CancelAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await FindAsync(db, id, ct);
        if (run.Status == ImportStatus.Queued)
        {
            await FinishAsync(id, ImportStatus.Cancelled, null, ct);
            return;
        }

        if (run.Status == ImportStatus.Running)
        {
            // The run sees it after its current batch and only then finishes as cancelled (an undo waits for that).
            await db.ImportRuns.Where(r => r.Id == id && r.Status == ImportStatus.Running).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatus.Stopping), ct);
            changes.Publish(ChangeKind.ImportsChanged);
        }
    }

    /// <summary>Uploads nobody started within a day are forgotten with their files (they hold customer data).</summary>
    private async Task PurgeAbandonedAsync(DirectoryDbContext db, CancellationToken ct)
    {
        var before = clock.GetUtcNow().UtcDateTime - AbandonedAfter;
        foreach (var old in await db.ImportRuns.Where(r => r.Status == ImportStatus.Uploaded && r.CreatedAt < before).ToListAsync(ct))
        {
            db.ImportRuns.Remove(old);
            DeleteFile(old);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Forgets an import that was uploaded but never started (and its file).</summary>
    public async Task DiscardAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await FindAsync(db, id, ct);
        if (run.Status != ImportStatus.Uploaded)
        {
            throw new DomainException("Only an import that has not started can be discarded.");
        }

        db.ImportRuns.Remove(run);
        await db.SaveChangesAsync(ct);
        DeleteFile(run);
    }

    public async Task<IReadOnlyList<ImportRunView>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = await db.ImportRuns.AsNoTracking().Where(r => r.Status != ImportStatus.Uploaded).OrderByDescending(r => r.Id).Take(50).ToListAsync(ct);
        return [.. runs.Select(View)];
    }

    public async Task<ImportRunView> GetAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return View(await FindAsync(db, id, ct));
    }

    /// <summary>
    /// The report of rejected and skipped rows as CSV (line, reason, the original text), streamed; values are made
    /// safe to open in a spreadsheet.
    /// </summary>
    public async Task WriteReportAsync(int id, Stream output, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        ArgumentNullException.ThrowIfNull(output);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await FindAsync(db, id, ct);
        // The formula guard is CsvFormula's (reversible, on every cell); CsvHelper's own is off.
        var csv = CsvWriter.Create(output, CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.None }, leaveOpen: true);
        await using (csv)
        {
            foreach (var header in (string[])["Line", "Outcome", "Reason", "Original row"])
            {
                csv.WriteField(header);
            }

            await csv.EndRecordAsync(ct);
            await foreach (var reject in db.ImportRejects.AsNoTracking().Where(r => r.ImportRunId == run.Id).OrderBy(r => r.Line).AsAsyncEnumerable().WithCancellation(ct))
            {
                csv.WriteField(reject.Line.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(reject.Skipped ? "skipped" : "rejected");
                csv.WriteField(CsvFormula.Neutralise(reject.Reason));
                csv.WriteField(CsvFormula.Neutralise(reject.Raw));
                await csv.EndRecordAsync(ct);
            }

            await csv.FlushAsync(ct);
        }
    }

    private async Task<ImportProcessor> ProcessorAsync(DirectoryDbContext db, ImportSettings settings, IReadOnlyList<string> header, bool dryRun, string actorName, CancellationToken ct)
    {
        var fields = await db.CustomFields.AsNoTracking().Include(f => f.Options).ToListAsync(ct);
        var keys = await DirectoryKeys.LoadAsync(db, ct);
        var tags = await db.Tags.AsNoTracking().ToListAsync(ct);
        return new ImportProcessor(settings, fields, header, new ProfileColumns(db.Model), keys, tags, merchant, dryRun, clock.GetUtcNow().UtcDateTime, actorName);
    }

    /// <summary>Refuses settings that cannot work, before anything is read or written.</summary>
    private async Task CheckAsync(DirectoryDbContext db, ImportSettings settings, CancellationToken ct)
    {
        if (!Enum.IsDefined(settings.Encoding) || settings.Delimiter is not (',' or ';' or '\t') || !Enum.IsDefined(settings.DateOrder) || !Enum.IsDefined(settings.Duplicates))
        {
            throw new DomainException("Choose the file's encoding, delimiter and date order again.");
        }

        var used = settings.Columns.Where(c => c.Target != ImportTarget.Ignore).ToList();
        if (used.Any(c => !Enum.IsDefined(c.Target) || c.Column < 0))
        {
            throw new DomainException("A column is mapped to something unknown.");
        }

        var single = used.Where(c => c.Target is not (ImportTarget.Tags or ImportTarget.CustomField)).GroupBy(c => c.Target).FirstOrDefault(g => g.Count() > 1);
        if (single is not null)
        {
            throw new DomainException($"Two columns are mapped to {Describe(single.Key)}; choose one.");
        }

        if (used.Where(c => c.Target == ImportTarget.CustomField).GroupBy(c => c.CustomFieldId).FirstOrDefault(g => g.Count() > 1) is { } field)
        {
            throw new DomainException("Two columns are mapped to the same custom field; choose one.");
        }

        var targets = used.Select(c => c.Target).ToHashSet();
        if (targets.Contains(ImportTarget.FullName) && (targets.Contains(ImportTarget.FirstName) || targets.Contains(ImportTarget.LastName)))
        {
            throw new DomainException("Map either a full name column, or first and last name columns, not both.");
        }

        if (!targets.Overlaps([ImportTarget.FirstName, ImportTarget.LastName, ImportTarget.FullName, ImportTarget.Email, ImportTarget.Phone]))
        {
            throw new DomainException("Map at least a name, an email or a phone column: without them no row can become or find a profile.");
        }

        if (targets.Any(IsFinancial))
        {
            // Orders, amounts and donations are financials: whoever may not see them may not write them either.
            await access.RequireAsync(Permission.ViewFinancials, ct, nameof(StartAsync));
        }

        var fieldIds = used.Where(c => c.Target == ImportTarget.CustomField).Select(c => c.CustomFieldId ?? 0).ToList();
        var known = await db.CustomFields.Where(f => fieldIds.Contains(f.Id)).Select(f => f.Id).ToListAsync(ct);
        if (fieldIds.Except(known).Any())
        {
            throw new DomainException("A mapped custom field no longer exists; choose the column's field again.");
        }

        if (settings.GroupId is { } groupId)
        {
            var group = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == groupId, ct)
                ?? throw new DomainException("The group to import into no longer exists.");
            if (group.Kind != GroupKind.Manual)
            {
                throw new DomainException("Profiles can only be imported into a manual group.");
            }

            await access.RequireAsync(Permission.ManageManualGroups, ct, nameof(StartAsync));
        }
    }

    /// <summary>
    /// A customer's history from before Directory: offered apart in the mapping, never suggested from a header's name (only
    /// the merchant's own choice for a header, remembered from their last import, brings one back).
    /// </summary>
    public static bool IsHistory(ImportTarget target) => target is ImportTarget.VisitsBefore or ImportTarget.LastVisitBefore || IsFinancial(target);

    /// <summary>Orders and donations from before Directory: financials, mapped only by someone who may view them.</summary>
    public static bool IsFinancial(ImportTarget target) => target is ImportTarget.OrdersBefore or ImportTarget.SpentBefore or ImportTarget.LastOrderBefore
        or ImportTarget.DonationsBefore or ImportTarget.DonatedBefore or ImportTarget.LastDonationBefore;

    public static string Describe(ImportTarget target) => target switch
    {
        ImportTarget.Ignore => "Don't import",
        ImportTarget.FirstName => "First name",
        ImportTarget.LastName => "Last name",
        ImportTarget.FullName => "Full name (first and last)",
        ImportTarget.Email => "Email",
        ImportTarget.Phone => "Phone",
        ImportTarget.AddressLine => "Address",
        ImportTarget.PostalCode => "Postal code",
        ImportTarget.City => "City",
        ImportTarget.Country => "Country",
        ImportTarget.Birthday => "Birthday",
        ImportTarget.Tags => "Tags",
        ImportTarget.EmailConsent => "Email marketing consent",
        ImportTarget.SmsConsent => "SMS marketing consent",
        ImportTarget.CustomField => "Custom field",
        ImportTarget.VisitsBefore => "Number of visits before Directory",
        ImportTarget.LastVisitBefore => "Last visit before Directory",
        ImportTarget.OrdersBefore => "Number of orders before Directory",
        ImportTarget.SpentBefore => "Amount spent before Directory",
        ImportTarget.LastOrderBefore => "Last order before Directory",
        ImportTarget.DonationsBefore => "Number of donations before Directory",
        ImportTarget.DonatedBefore => "Amount donated before Directory",
        ImportTarget.LastDonationBefore => "Last donation before Directory",
        _ => target.ToString(),
    };

    private static async Task<CsvFormat> DetectAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        var head = new byte[CsvSniffer.HeadLength];
        var length = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        return CsvSniffer.Detect(head.AsSpan(0, length));
    }

    private static CsvSource Open(Stream stream, CsvFormat format)
    {
        try
        {
            return CsvSource.Open(stream, format);
        }
        catch (CsvFileException e)
        {
            throw new DomainException(e.Message);
        }
    }

    /// <summary>An import still being set up (uploaded, not started).</summary>
    private static async Task<ImportRun> FindUploadedAsync(DirectoryDbContext db, int id, CancellationToken ct)
    {
        var run = await FindAsync(db, id, ct);
        return run.Status == ImportStatus.Uploaded ? run : throw new DomainException("This import has already started.");
    }

    private static async Task<ImportRun> FindAsync(DirectoryDbContext db, int id, CancellationToken ct) =>
        await db.ImportRuns.SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("This import does not exist.");

    private string FileOf(ImportRun run)
    {
        var path = Path.Combine(Folder, run.StoredFile);
        return File.Exists(path) ? path : throw new DomainException("The uploaded file is no longer here; upload it again.");
    }

    private void DeleteFile(ImportRun run)
    {
        try
        {
            File.Delete(Path.Combine(Folder, run.StoredFile));
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not delete the file of import {Id}", run.Id);
        }
    }

    private static double Fraction(long done, long total) => total <= 0 ? 1 : Math.Clamp((double)done / total, 0, 1);

    private static ImportRunView View(ImportRun r)
    {
        var progress = r.Status switch
        {
            ImportStatus.Completed or ImportStatus.Undone => 1,
            _ => Fraction(r.BytesDone, r.FileSize),
        };
        ImportSettings? settings = null;
        if (r.SettingsJson is not null)
        {
            settings = JsonSerializer.Deserialize<ImportSettings>(r.SettingsJson, Json);
        }

        return new ImportRunView(r.Id, r.FileName, r.FileSize, r.CreatedByName, r.CreatedAt, r.Status, progress, r.Created, r.Updated, r.Unchanged,
            r.Skipped, r.Rejected, r.AddedToGroup, r.StartedAt, r.FinishedAt, r.Error, r.UndoneAt, r.UndoneByName, r.UndoSummary, settings);
    }
}

/// <summary>Starts a started import's run in the background (the Quartz job, in the app).</summary>
public interface IImportLauncher
{
    Task EnqueueAsync(int importId, CancellationToken ct);
}
