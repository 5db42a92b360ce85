using System.Text.Json;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using CustomerDirectory.Domain.Transfer.Csv;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>
/// Decides, row by row, what an import does (create, update, leave, skip or reject) and, unless it is a preview,
/// writes each batch in one transaction with the run's progress. Preview and run share every decision, so the
/// preview's counts are what the run does (unless the directory changes in between).
/// </summary>
internal sealed class ImportProcessor
{
    /// <summary>Rows per transaction: large enough to amortise the commit, small enough to keep a crash's loss small.</summary>
    public const int BatchSize = 2_000;

    /// <summary>Problems a preview lists (the run writes every one to the report).</summary>
    public const int PreviewProblems = 500;

    private readonly ImportSettings _settings;
    private readonly ImportRowReader _reader;
    private readonly DirectoryKeys _keys;
    private readonly Dictionary<string, int> _tagIds;
    private readonly Dictionary<int, string> _tagNames;
    private readonly IReadOnlyList<CustomField> _fields;
    private readonly ProfileColumns _columns;
    private readonly HashSet<string> _newTags = new(StringComparer.Ordinal);
    private readonly bool _dryRun;
    private readonly DateTime _now;
    private readonly string _actor;
    private int _nextPlaceholder = -1;

    public ImportProcessor(ImportSettings settings, IReadOnlyList<CustomField> fields, IReadOnlyList<string> header, ProfileColumns columns, DirectoryKeys keys,
        IReadOnlyList<Tag> tags, MerchantOptions merchant, bool dryRun, DateTime nowUtc, string actorName)
    {
        _settings = settings;
        _fields = fields;
        _reader = new ImportRowReader(settings, header, fields, tags, merchant, nowUtc);
        _columns = columns;
        _keys = keys;
        _tagIds = tags.ToDictionary(t => t.NameKey, t => t.Id, StringComparer.Ordinal);
        _tagNames = tags.ToDictionary(t => t.Id, t => t.Name);
        _dryRun = dryRun;
        _now = nowUtc;
        _actor = actorName;
    }

    public int Created { get; private set; }

    public int Updated { get; private set; }

    public int Unchanged { get; private set; }

    public int Skipped { get; private set; }

    public int Rejected { get; private set; }

    public long Rows { get; private set; }

    public List<ImportRowProblem> Problems { get; } = [];

    public IReadOnlyCollection<string> NewTags => _newTags;

    /// <summary>The writer of a run's batches (on <paramref name="db"/>'s connection), as <paramref name="actor"/>.</summary>
    public ImportWriter Writer(DirectoryDbContext db, StaffActor? actor, string fileName) => new(db, _columns, _fields, actor, fileName);

    /// <summary>Decides a batch and (unless previewing) writes it, with <paramref name="beforeCommit"/> in the same transaction.</summary>
    /// <returns>The profiles created or changed (to refresh), and every profile the rows matched (for a group).</returns>
    public async Task<BatchOutcome> ProcessAsync(DirectoryDbContext db, IReadOnlyList<CsvRecord> records, int runId, ImportWriter? writer, Func<DirectoryDbContext, Task>? beforeCommit, CancellationToken ct)
    {
        var batch = new Batch();
        var rows = new List<ImportRow>(records.Count);
        foreach (var record in records)
        {
            Rows++;
            var (row, error) = _reader.Read(record);
            if (row is null)
            {
                Reject(batch, record.Line, record.Raw, error!, runId);
            }
            else
            {
                rows.Add(row);
            }
        }

        await PreloadAsync(db, batch, rows, ct);
        foreach (var row in rows)
        {
            Decide(batch, row, runId);
        }

        if (_dryRun || writer is null)
        {
            return new([], []);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        writer.Enlist(transaction);
        var outcome = await WriteAsync(db, batch, runId, writer, ct);
        if (beforeCommit is not null)
        {
            await beforeCommit(db);
        }

        await transaction.CommitAsync(ct);
        return outcome;
    }

    private sealed class Batch
    {
        /// <summary>The profiles the rows matched, as read (not tracked: the writer writes what changed).</summary>
        public Dictionary<int, Customer> Existing { get; } = [];

        /// <summary>Their values as read (a run only): what changed since, and the version to check.</summary>
        public Dictionary<int, object?[]> Read { get; } = [];

        public Dictionary<int, HashSet<int>> ExistingTags { get; } = [];

        public Dictionary<(int Customer, int Field), List<CustomFieldValue>> ExistingValues { get; } = [];

        /// <summary>Placeholder id → the new profile and the line that created it.</summary>
        public Dictionary<int, (Customer Customer, long Line)> Created { get; } = [];

        /// <summary>Profile (or placeholder) id → tags, values and undo data gathered for it.</summary>
        public Dictionary<int, Touch> Touched { get; } = [];

        public HashSet<int> Matched { get; } = [];

        public List<ImportReject> Rejects { get; } = [];
    }

    private sealed class Touch
    {
        public List<string> Tags { get; } = [];

        public Dictionary<int, List<ImportFieldValue>> Values { get; } = [];

        public Dictionary<string, string?> Fields { get; } = [];

        public bool BirthdayChanged { get; set; }

        public DateOnly? Birthday { get; set; }

        public List<int> TagsAdded { get; } = [];

        public Dictionary<int, List<ImportFieldValue>> ValuesBefore { get; } = [];

        public ImportConsent? EmailConsent { get; set; }

        public ImportConsent? SmsConsent { get; set; }

        /// <summary>The history from before Directory as read, when the import changes it (the totals are then recounted).</summary>
        public PriorActivity? Prior { get; set; }

        public bool Changed { get; set; }

        /// <summary>The rows that matched an existing profile, and whether each was counted as an update.</summary>
        public List<(long Line, string Raw, bool Updated)> Rows { get; } = [];
    }

    private async Task PreloadAsync(DirectoryDbContext db, Batch batch, List<ImportRow> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => _keys.Match(r.EmailKey, r.PhoneKey).Id).OfType<int>().Where(id => id > 0).Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        foreach (var customer in await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(ct))
        {
            batch.Existing[customer.Id] = customer;
            if (!_dryRun)
            {
                batch.Read[customer.Id] = _columns.Read(customer);
            }
        }

        if (rows.Any(r => r.Tags is { Count: > 0 }))
        {
            foreach (var link in await db.CustomerTags.AsNoTracking().Where(t => ids.Contains(t.CustomerId)).Select(t => new { t.CustomerId, t.TagId }).ToListAsync(ct))
            {
                (batch.ExistingTags.TryGetValue(link.CustomerId, out var set) ? set : batch.ExistingTags[link.CustomerId] = []).Add(link.TagId);
            }
        }

        var fieldIds = _settings.Columns.Where(c => c.Target == ImportTarget.CustomField && c.CustomFieldId is not null).Select(c => c.CustomFieldId!.Value).Distinct().ToList();
        if (fieldIds.Count > 0)
        {
            foreach (var value in await db.CustomFieldValues.AsNoTracking().Where(v => ids.Contains(v.CustomerId) && fieldIds.Contains(v.FieldId)).ToListAsync(ct))
            {
                (batch.ExistingValues.TryGetValue((value.CustomerId, value.FieldId), out var list) ? list : batch.ExistingValues[(value.CustomerId, value.FieldId)] = []).Add(value);
            }
        }
    }

    private void Decide(Batch batch, ImportRow row, int runId)
    {
        var match = _keys.Match(row.EmailKey, row.PhoneKey);
        var duplicates = _settings.Duplicates;
        if (match.Ambiguous && duplicates != DuplicatePolicy.CreateAnyway)
        {
            var why = $"The phone number matches {match.Count} profiles; add an email to say which one.";
            if (duplicates == DuplicatePolicy.Skip)
            {
                Skip(batch, row, why, runId);
            }
            else
            {
                Reject(batch, row.Line, row.Raw, why, runId);
            }

            return;
        }

        if (match.Id is not { } id || (duplicates == DuplicatePolicy.CreateAnyway && match.By == MatchedBy.Phone))
        {
            Create(batch, row, runId);
            return;
        }

        var which = id < 0 && batch.Created.TryGetValue(id, out var earlier) ? $"line {earlier.Line} of this file" : id < 0 ? "an earlier line of this file" : $"profile #{id}";
        var by = match.By == MatchedBy.Email ? "email" : "phone number";
        switch (duplicates)
        {
            case DuplicatePolicy.Skip:
                batch.Matched.Add(id);
                Skip(batch, row, $"Same {by} as {which}.", runId);
                return;
            case DuplicatePolicy.CreateAnyway:
                Reject(batch, row.Line, row.Raw, $"The email is already used by {which}, and an email belongs to one profile only.", runId);
                return;
            default:
                Update(batch, row, id, which, runId);
                return;
        }
    }

    private void Create(Batch batch, ImportRow row, int runId)
    {
        var input = row.ToInput(null, blanksErase: true);
        var prior = row.ToPrior(null, blanksErase: true);
        if (Problem(input, prior, row) is { } problem)
        {
            Reject(batch, row.Line, row.Raw, problem, runId);
            return;
        }

        var customer = Customer.Create(input, _now, CustomerSource.Imported);
        if (prior is not null)
        {
            customer.StartWithPriorActivity(prior);
        }

        if (row.EmailConsent == true)
        {
            customer.SetConsent(ConsentChannel.Email, ConsentStatus.Subscribed, ConsentOrigin.Imported, _actor, _now);
        }

        if (row.SmsConsent == true)
        {
            customer.SetConsent(ConsentChannel.Sms, ConsentStatus.Subscribed, ConsentOrigin.Imported, _actor, _now);
        }

        var placeholder = _nextPlaceholder--;
        _keys.Add(placeholder, customer.EmailKey, customer.PhoneKey);
        var touch = new Touch { Changed = true };
        touch.Tags.AddRange((row.Tags ?? []).DistinctBy(Tag.Key));
        foreach (var (field, values) in row.Custom)
        {
            touch.Values[field] = values;
        }

        NoteNewTags(row.Tags);
        batch.Created[placeholder] = (customer, row.Line);
        batch.Touched[placeholder] = touch;
        batch.Matched.Add(placeholder);
        Created++;
    }

    private void Update(Batch batch, ImportRow row, int id, string which, int runId)
    {
        Customer? customer = id < 0
            ? batch.Created.TryGetValue(id, out var pending) ? pending.Customer : null
            : batch.Existing.GetValueOrDefault(id);
        if (customer is null)
        {
            // A profile created by an earlier batch of this preview (not kept), or deleted since the batch began.
            if (id < 0 && _dryRun)
            {
                NoteNewTags(row.Tags);
                Updated++;
            }
            else
            {
                Reject(batch, row.Line, row.Raw, $"The matching profile ({which}) was deleted during the import.", runId);
            }

            return;
        }

        var input = row.ToInput(customer, _settings.BlanksErase);
        var prior = row.ToPrior(customer.Prior, _settings.BlanksErase);
        if (Problem(input, prior, row) is { } problem)
        {
            Reject(batch, row.Line, row.Raw, problem, runId);
            return;
        }

        var emailKey = ContactRules.NormalizeEmail(input.Email);
        if (emailKey is not null && emailKey != customer.EmailKey && _keys.EmailOwner(emailKey) is { } owner && owner != id)
        {
            Reject(batch, row.Line, row.Raw, $"The email {input.Email} is already used by {(owner < 0 ? "an earlier line of this file" : $"profile #{owner}")}.", runId);
            return;
        }

        var touch = batch.Touched.TryGetValue(id, out var seen) ? seen : batch.Touched[id] = new Touch();
        batch.Matched.Add(id);
        var (oldEmail, oldPhone) = (customer.EmailKey, customer.PhoneKey);
        var before = Snapshot(customer);
        var birthdayBefore = customer.Birthday;
        if (customer.Update(input, _now))
        {
            touch.Changed = true;
            var after = Snapshot(customer);
            foreach (var (field, value) in before)
            {
                if (after[field] != value)
                {
                    touch.Fields.TryAdd(field, value);
                }
            }

            if (birthdayBefore != customer.Birthday && !touch.BirthdayChanged)
            {
                touch.BirthdayChanged = true;
                touch.Birthday = birthdayBefore;
            }

            _keys.Remove(id, oldEmail, oldPhone);
            _keys.Add(id, customer.EmailKey, customer.PhoneKey);
        }

        var priorBefore = customer.Prior;
        if (prior is not null && prior.Normalized() != priorBefore)
        {
            if (id < 0)
            {
                customer.StartWithPriorActivity(prior); // created by an earlier line of this batch: not written yet
            }
            else
            {
                customer.SetPriorActivity(prior);
                touch.Prior ??= priorBefore;
            }

            touch.Changed = true;
        }

        touch.Changed |= Consent(customer, ConsentChannel.Email, row.EmailConsent, touch);
        touch.Changed |= Consent(customer, ConsentChannel.Sms, row.SmsConsent, touch);

        var tags = id > 0 && batch.ExistingTags.TryGetValue(id, out var has) ? has : [];
        foreach (var tag in row.Tags ?? [])
        {
            var key = Tag.Key(tag);
            var known = _tagIds.TryGetValue(key, out var tagId);
            if ((!known || !tags.Contains(tagId)) && !touch.Tags.Any(t => Tag.Key(t) == key))
            {
                touch.Tags.Add(tag);
                touch.Changed = true;
            }
        }

        NoteNewTags(row.Tags);
        foreach (var (field, values) in row.Custom)
        {
            if (values.Count == 0 && !_settings.BlanksErase)
            {
                continue;
            }

            var current = touch.Values.TryGetValue(field, out var chosen) ? chosen
                : id > 0 && batch.ExistingValues.TryGetValue((id, field), out var rows) ? [.. rows.Select(ToValue)]
                : [];
            if (current.SequenceEqual(values))
            {
                continue;
            }

            if (id > 0)
            {
                touch.ValuesBefore.TryAdd(field, batch.ExistingValues.TryGetValue((id, field), out var old) ? [.. old.Select(ToValue)] : []);
            }

            touch.Values[field] = values;
            touch.Changed = true;
        }

        if (touch.Changed)
        {
            Updated++;
        }
        else
        {
            Unchanged++;
        }

        if (id > 0)
        {
            touch.Rows.Add((row.Line, row.Raw, touch.Changed));
        }
    }

    /// <summary>
    /// Applies an imported consent: a yes subscribes, unless they unsubscribed or bounced (an import never brings them
    /// back); a no unsubscribes someone subscribed. Blank: no change.
    /// </summary>
    private bool Consent(Customer customer, ConsentChannel channel, bool? wish, Touch touch)
    {
        var current = channel == ConsentChannel.Email ? customer.EmailConsent : customer.SmsConsent;
        var next = wish switch
        {
            true when current.Status is ConsentStatus.NeverAsked => ConsentStatus.Subscribed,
            false when current.Status is ConsentStatus.Subscribed => ConsentStatus.Unsubscribed,
            _ => (ConsentStatus?)null,
        };
        if (next is not { } status)
        {
            return false;
        }

        var saved = new ImportConsent(current.Status, current.ChangedAt, current.Origin, current.ChangedBy, current.SubscribedAt);
        customer.SetConsent(channel, status, ConsentOrigin.Imported, _actor, _now);
        if (channel == ConsentChannel.Email)
        {
            touch.EmailConsent ??= saved;
        }
        else
        {
            touch.SmsConsent ??= saved;
        }

        return true;
    }

    /// <summary>Why the profile the row gives cannot be saved, or null.</summary>
    private static string? Problem(CustomerInput input, PriorActivity? prior, ImportRow row)
    {
        var errors = input.Errors().Select(e => e.Message).ToList();
        if (prior?.Normalized().Error() is { } history)
        {
            errors.Add(history);
        }

        if (row.EmailConsent == true && ContactRules.Clean(input.Email) is null)
        {
            errors.Add("Email consent is yes, but there is no email address.");
        }

        if (row.SmsConsent == true && ContactRules.Clean(input.Phone) is null)
        {
            errors.Add("SMS consent is yes, but there is no phone number.");
        }

        return errors.Count == 0 ? null : string.Join(" ", errors);
    }

    private static ImportFieldValue ToValue(CustomFieldValue v) => new(v.Flag, v.OptionId, v.Text, v.Number, v.Date);

    private static Dictionary<string, string?> Snapshot(Customer c) => new()
    {
        [nameof(Customer.FirstName)] = c.FirstName,
        [nameof(Customer.LastName)] = c.LastName,
        [nameof(Customer.Email)] = c.Email,
        [nameof(Customer.Phone)] = c.Phone,
        [nameof(Customer.AddressLine)] = c.AddressLine,
        [nameof(Customer.PostalCode)] = c.PostalCode,
        [nameof(Customer.City)] = c.City,
        [nameof(Customer.Country)] = c.Country,
    };

    private void NoteNewTags(List<string>? tags)
    {
        foreach (var tag in tags ?? [])
        {
            if (!_tagIds.ContainsKey(Tag.Key(tag)))
            {
                _newTags.Add(tag);
            }
        }
    }

    private void Skip(Batch batch, ImportRow row, string reason, int runId)
    {
        Skipped++;
        Note(batch, row.Line, row.Raw, reason, skipped: true, runId);
    }

    private void Reject(Batch batch, long line, string raw, string reason, int runId)
    {
        Rejected++;
        Note(batch, line, raw, reason, skipped: false, runId);
    }

    private void Note(Batch batch, long line, string raw, string reason, bool skipped, int runId)
    {
        raw = raw.Length > ImportReject.RawMaxLength ? raw[..ImportReject.RawMaxLength] + "…" : raw;
        if (_dryRun)
        {
            if (Problems.Count < PreviewProblems)
            {
                Problems.Add(new ImportRowProblem(line, reason, raw, skipped));
            }
        }
        else
        {
            batch.Rejects.Add(new ImportReject { ImportRunId = runId, Line = line, Raw = raw, Reason = reason, Skipped = skipped });
        }
    }

    private async Task<BatchOutcome> WriteAsync(DirectoryDbContext db, Batch batch, int runId, ImportWriter writer, CancellationToken ct)
    {
        // Tags first: new ones need their ids (few, and rare after the first batch: through EF, audited).
        var newTags = new Dictionary<string, Tag>(StringComparer.Ordinal);
        foreach (var name in batch.Touched.Values.SelectMany(t => t.Tags))
        {
            var key = Tag.Key(name);
            if (!_tagIds.ContainsKey(key) && !newTags.ContainsKey(key))
            {
                newTags[key] = Tag.Create(name, _now);
            }
        }

        if (newTags.Count > 0)
        {
            db.Tags.AddRange(newTags.Values);
            await db.SaveChangesAsync(ct);
            foreach (var (key, tag) in newTags)
            {
                _tagIds[key] = tag.Id;
                _tagNames[tag.Id] = tag.Name;
            }
        }

        // New profiles, with their tags and values, by prepared INSERTs.
        var ids = new Dictionary<int, int>();
        foreach (var (placeholder, (customer, _)) in batch.Created)
        {
            var touch = batch.Touched[placeholder];
            var id = writer.Customer(customer, _now, touch.Tags);
            ids[placeholder] = id;
            _keys.Resolve(placeholder, id);
            foreach (var tagId in touch.Tags.Select(t => _tagIds[Tag.Key(t)]).Distinct())
            {
                writer.Tag(id, tagId, _now);
            }

            foreach (var (field, values) in touch.Values)
            {
                foreach (var value in values)
                {
                    writer.Value(id, field, value);
                }
            }
        }

        int Real(int id) => id < 0 ? ids[id] : id;

        // Existing profiles: what changed since they were read, where nobody else changed them meanwhile.
        var changed = new List<int>(ids.Values);
        var recount = new List<int>();
        foreach (var (id, touch) in batch.Touched.Where(t => t.Key > 0))
        {
            var customer = batch.Existing[id];
            if (!writer.Update(customer, batch.Read[id], _now))
            {
                await ConflictAsync(db, batch, id, touch, runId, ct);
                continue;
            }

            foreach (var tag in touch.Tags)
            {
                var tagId = _tagIds[Tag.Key(tag)];
                if (writer.Tagged(id, tagId, _tagNames[tagId], _now))
                {
                    touch.TagsAdded.Add(tagId);
                }
            }

            foreach (var (field, values) in touch.Values)
            {
                writer.ReplaceValues(id, field, batch.ExistingValues.GetValueOrDefault((id, field)) ?? [], values, _now);
            }

            if (touch.Changed)
            {
                changed.Add(id);
            }

            if (touch.Prior is not null)
            {
                recount.Add(id);
            }
        }

        await ActivityService.RefreshTotalsAsync(db, recount, ct);

        foreach (var id in batch.Matched)
        {
            var touched = batch.Touched.GetValueOrDefault(id);
            var created = id < 0;
            var customer = created ? batch.Created[id].Customer : batch.Existing.GetValueOrDefault(id);
            writer.Change(new ImportChange
            {
                ImportRunId = runId,
                CustomerId = Real(id),
                Created = created,
                VersionAfter = customer?.Version ?? 0,
                BeforeJson = created || touched is not { Changed: true } ? null : JsonSerializer.Serialize(new ImportBefore
                {
                    Fields = touched.Fields.Count > 0 ? touched.Fields : null,
                    BirthdayChanged = touched.BirthdayChanged,
                    Birthday = touched.Birthday,
                    TagsAdded = touched.TagsAdded.Count > 0 ? touched.TagsAdded : null,
                    CustomValues = touched.ValuesBefore.Count > 0 ? touched.ValuesBefore : null,
                    EmailConsent = touched.EmailConsent,
                    SmsConsent = touched.SmsConsent,
                    Prior = touched.Prior,
                }),
            });
        }

        foreach (var reject in batch.Rejects)
        {
            writer.Reject(reject);
        }

        return new BatchOutcome(changed, [.. batch.Matched.Select(Real)]);
    }

    /// <summary>
    /// A profile changed or deleted by someone else between the batch reading it and writing it: its rows are rejected
    /// (nothing of them written; their edit stands), and the duplicate look-up learns its email and phone as they are now.
    /// </summary>
    private async Task ConflictAsync(DirectoryDbContext db, Batch batch, int id, Touch touch, int runId, CancellationToken ct)
    {
        var customer = batch.Existing[id];
        _keys.Remove(id, customer.EmailKey, customer.PhoneKey);
        var current = await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.EmailKey, c.PhoneKey }).SingleOrDefaultAsync(ct);
        if (current is not null)
        {
            _keys.Add(id, current.EmailKey, current.PhoneKey);
        }

        var why = current is null
            ? $"The matching profile (profile #{id}) was deleted during the import."
            : $"The matching profile (profile #{id}) was changed by someone else while the import ran; their change was kept: import this row again to apply it.";
        foreach (var (line, raw, updated) in touch.Rows)
        {
            if (updated)
            {
                Updated--;
            }
            else
            {
                Unchanged--;
            }

            Reject(batch, line, raw, why, runId);
        }

        batch.Matched.Remove(id);
    }
}

/// <summary>What a written batch touched.</summary>
internal sealed record BatchOutcome(IReadOnlyList<int> Changed, IReadOnlyList<int> Matched);
