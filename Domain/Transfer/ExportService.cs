using System.Globalization;
using System.Threading.Channels;
using CsvHelper;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Transfer;

/// <summary>
/// CSV exports of everyone, of what a directory filter and search find, or of a group's members, with the columns the
/// person chose among those they may see. Internal notes are never a column.
/// </summary>
/// <remarks>
/// Streamed with constant memory: profiles are read by id in chunks of <see cref="ChunkSize"/> (with their tags, lists,
/// custom values and memberships, one query each per chunk), a few chunks side by side on background tasks (reading is
/// most of the cost) and written in id order, never more than a few ahead of the writer, so a million rows never sit in
/// memory. A filter or group is first resolved to its ids (4 bytes a person from
/// the in-memory index, or a bitset for a group). The file is UTF-8 with a BOM (Excel), comma-separated, quoted per
/// RFC 4180, and every cell goes through <see cref="CsvFormula.Neutralise"/>.
/// </remarks>
public sealed class ExportService(
    IDbContextFactory<DirectoryDbContext> dbFactory, CustomerService customers, GroupEngine groups, FilterCatalogService catalogs,
    MerchantOptions merchant, StaffAccess access, AuditLog audit)
{
    public const int ChunkSize = 5_000;

    // RFC 4180 (comma, CRLF, quotes when a cell holds a comma, quote, CR or LF), with a BOM so Excel reads UTF-8.
    // CsvHelper's own injection guard is off: CsvFormula does it, reversibly, on every cell (numbers included).
    internal static readonly CsvWriterOptions Csv = CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.None };

    /// <summary>The columns this person may export, in file order, with the default choice marked.</summary>
    public async Task<IReadOnlyList<ExportColumn>> ColumnsAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Export, ct);
        var fields = await access.FieldsAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return [.. ExportColumns.For(fields, await CustomFieldsAsync(db, ct), merchant.Currency).Select(c => c.Column)];
    }

    /// <summary>How many profiles an export of <paramref name="scope"/> would write now.</summary>
    public async Task<int> CountAsync(ExportScope scope, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Export, ct);
        ArgumentNullException.ThrowIfNull(scope);
        return (await ResolveAsync(scope, await access.FieldsAsync(ct), ct)).Count;
    }

    /// <summary>
    /// Writes the CSV of <paramref name="scope"/> to <paramref name="output"/> and audits it (also when it stops half way).
    /// Everything that can refuse the export (permission, a filter on a hidden field, an unknown group, no column) is
    /// checked before the first byte is written.
    /// <para>
    /// The columns are keys from <see cref="ColumnsAsync"/>, null for the default choice. Columns this person may not see,
    /// and keys that no longer exist (a deleted custom field), are left out; the file keeps the catalogue's order.
    /// </para>
    /// </summary>
    public async Task<ExportResult> WriteCsvAsync(ExportScope scope, IReadOnlyCollection<string>? columnKeys, Stream output, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Export, ct);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(output);
        var fields = await access.FieldsAsync(ct);
        var source = await ResolveAsync(scope, fields, ct);
        IReadOnlyList<CustomFieldView> customFields;
        Lookups lookups;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            customFields = await CustomFieldsAsync(db, ct);
            lookups = new Lookups(
                await db.Tags.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct),
                await db.MailingLists.AsNoTracking().ToDictionaryAsync(l => l.Id, l => l.Name, ct),
                customFields.ToDictionary(f => f.Id));
        }

        var available = ExportColumns.For(fields, customFields, merchant.Currency);
        var wanted = columnKeys?.ToHashSet(StringComparer.Ordinal);
        var columns = available.Where(c => wanted is null ? c.Column.IsDefault : wanted.Contains(c.Column.Key)).ToList();
        if (columns.Count == 0)
        {
            throw new DomainException("Choose at least one column to export.");
        }

        var written = new Counter();
        string? stopped = null;
        try
        {
            await WriteAsync(source, columns, fields, lookups, output, written, ct);
        }
        catch (Exception e)
        {
            stopped = e is OperationCanceledException ? "cancelled" : e.GetType().Name;
            throw;
        }
        finally
        {
            await AuditAsync(source, columns, written.Value, stopped);
        }

        return new ExportResult(written.Value, [.. columns.Select(c => c.Column)]);
    }

    private async Task AuditAsync(ExportSource source, List<ExportColumnDefinition> columns, int rows, string? stopped)
    {
        var people = rows == 1 ? "1 profile" : $"{rows.ToString("N0", CultureInfo.InvariantCulture)} profiles";
        var summary = stopped is null
            ? $"Exported {people} ({source.Description}) as CSV"
            : $"CSV export of {source.Description} stopped after {people} ({stopped})";
        List<AuditChange> details =
        [
            new("What", null, source.Description),
            .. source.Details,
            new("Columns", null, string.Join(", ", columns.Select(c => c.Column.Header))),
            new("Rows", null, rows.ToString(CultureInfo.InvariantCulture)),
        ];
        // The line is written even if the request was cancelled: the rows before it may have reached the person.
        await audit.WriteAsync(new AuditEvent("export.customers", summary, source.RecordType, source.RecordId, Changes: details), CancellationToken.None);
    }

    /// <summary>Whom the export covers, checked for this person; throws before anything is written.</summary>
    private async Task<ExportSource> ResolveAsync(ExportScope scope, FieldAccess fields, CancellationToken ct)
    {
        if (scope.GroupId is { } groupId)
        {
            string name;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                name = await db.Groups.AsNoTracking().Where(g => g.Id == groupId).Select(g => g.Name).SingleOrDefaultAsync(ct) ?? throw GroupService.NotFound();
            }

            var members = await groups.MembersOfAsync(groupId, ct);
            var id = groupId.ToString(CultureInfo.InvariantCulture);
            return new ExportSource($"group {id} “{name}”", "group", id, members.Count(), members.Ids, []);
        }

        if (scope.Text is { Length: > CustomerSearch.MaxTextLength })
        {
            throw new DomainException($"Search text can be at most {CustomerSearch.MaxTextLength} characters.", nameof(scope.Text));
        }

        var typed = ContactRules.Clean(scope.Text);
        var requested = scope.Filter is { IsEmpty: false } ? scope.Filter : null;
        if (requested is null && typed is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return new ExportSource("all profiles", null, null, await db.Customers.CountAsync(ct), null, []);
        }

        // The directory's own rules: a filter on a field this person may not see is refused, and without contact
        // details the search matches names only.
        var (filter, text) = CustomerService.ForCaller(fields, requested, typed);
        var ids = await customers.MatchingIdsAsync(filter, text, ct);
        var details = new List<AuditChange>();
        var parts = new List<string>();
        if (requested is not null)
        {
            var sentence = FilterSentence.Describe(requested, await catalogs.GetAsync(ct));
            parts.Add($"filter: {sentence}");
            details.Add(new("Filter", null, requested.ToJson()));
        }

        if (typed is not null)
        {
            parts.Add($"search “{typed}”");
            details.Add(new("Search", null, typed));
        }

        return new ExportSource($"directory, {string.Join(", ", parts)}", null, null, ids.Length, () => ids, details);
    }

    private async Task WriteAsync(ExportSource source, List<ExportColumnDefinition> columns, FieldAccess fields, Lookups lookups, Stream output, Counter written, CancellationToken ct)
    {
        var needs = columns.Aggregate(ExportNeeds.None, (n, c) => n | c.Needs);
        // Chunks are read in parallel (one per core) and written in order: at most this many are in flight.
        var chunks = Channel.CreateBounded<Task<ExportRow[]>>(new BoundedChannelOptions(Math.Max(2, Environment.ProcessorCount)) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        // Reading (SQLite, synchronous underneath) runs beside writing (the response, asynchronous).
        var reader = Task.Run(() => ReadAllAsync(source, needs, fields, lookups, chunks.Writer, stop.Token), CancellationToken.None);
        try
        {
            var csv = CsvWriter.Create(output, Csv, leaveOpen: true);
            await using (csv)
            {
                foreach (var column in columns)
                {
                    csv.WriteField(CsvFormula.Neutralise(column.Column.Header));
                }

                await csv.EndRecordAsync(stop.Token);
                await foreach (var reading in chunks.Reader.ReadAllAsync(stop.Token))
                {
                    foreach (var row in await reading)
                    {
                        foreach (var column in columns)
                        {
                            csv.WriteField(CsvFormula.Neutralise(column.Value(row)));
                        }

                        // Async: when its buffer is nearly full the writer hands it to the response without blocking a
                        // thread (Kestrel refuses synchronous writes), so the file streams in 64 KB pieces.
                        await csv.EndRecordAsync(stop.Token);
                        written.Value++;
                    }
                }

                await csv.FlushAsync(stop.Token);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await reader;
            }
            catch (OperationCanceledException)
            {
                // Stopped because the writing stopped; the writer's own exception is the one that matters.
            }

            // Chunks read ahead that nobody will write: let them finish (they hold a connection), and drop them.
            while (chunks.Reader.TryRead(out var unread))
            {
                try
                {
                    await unread;
                }
                catch (Exception e) when (e is OperationCanceledException or DbUpdateException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
                {
                    // Cancelled or failed along with the export.
                }
            }
        }
    }

    /// <summary>Starts reading each chunk in id order, as many at once as the channel holds.</summary>
    private async Task ReadAllAsync(ExportSource source, ExportNeeds needs, FieldAccess fields, Lookups lookups, ChannelWriter<Task<ExportRow[]>> chunks, CancellationToken ct)
    {
        try
        {
            if (source.Ids is null)
            {
                // Everyone: by id ranges of ChunkSize, independent of each other so they can be read side by side
                // (ids are dense; a gap only makes a chunk smaller).
                int maxId;
                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                {
                    maxId = await db.Customers.MaxAsync(c => (int?)c.Id, ct) ?? 0;
                }

                for (var after = 0; after < maxId; after += ChunkSize)
                {
                    var from = after;
                    await chunks.WriteAsync(Task.Run(() => ReadChunkAsync(from, null, needs, fields, lookups, ct), ct), ct);
                }
            }
            else
            {
                foreach (var ids in source.Ids().Chunk(ChunkSize))
                {
                    await chunks.WriteAsync(Task.Run(() => ReadChunkAsync(0, ids, needs, fields, lookups, ct), ct), ct);
                }
            }

            chunks.Complete();
        }
        catch (Exception e)
        {
            chunks.Complete(e);
            throw;
        }
    }

    /// <summary>
    /// One chunk in id order: the profiles with ids in (<paramref name="after"/>, <paramref name="after"/> + <see cref="ChunkSize"/>],
    /// or those among <paramref name="ids"/> that still exist; then what the columns need from other tables, by the chunk's id range.
    /// </summary>
    private async Task<ExportRow[]> ReadChunkAsync(int after, int[]? ids, ExportNeeds needs, FieldAccess fields, Lookups lookups, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var people = db.Customers.AsNoTracking();
        var last = after + ChunkSize;
        people = ids is null ? people.Where(c => c.Id > after && c.Id <= last).OrderBy(c => c.Id) : people.Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id);
        var (contact, financials) = (fields.Contact, fields.Financials);
        var profiles = await people.Select(c => new ExportProfile(
                c.Id, c.FirstName, c.LastName,
                contact ? c.Email : null, contact ? c.Phone : null, contact ? c.AddressLine : null, contact ? c.PostalCode : null,
                contact ? c.City : null, contact ? c.Country : null,
                c.Birthday, c.Source, c.HasAccount, c.PhotoUploaded, c.CreatedAt,
                c.EmailConsent.Status, c.EmailConsent.ChangedAt, c.SmsConsent.Status, c.SmsConsent.ChangedAt,
                c.VisitCount, c.LastVisitAt,
                financials ? c.OrderCount : 0, financials ? c.TotalSpentMinor : 0, financials ? c.LastOrderAt : null,
                financials ? c.DonationCount : 0, financials ? c.DonationTotalMinor : 0,
                c.ActiveMembershipCount, c.LoyaltyEnrolled, c.LoyaltyPoints))
            .ToListAsync(ct);
        var rows = profiles.Select(p => new ExportRow(p)).ToArray();
        if (rows.Length == 0 || needs == ExportNeeds.None)
        {
            return rows;
        }

        var (lo, hi) = (rows[0].Profile.Id, rows[^1].Profile.Id);
        var byId = rows.ToDictionary(r => r.Profile.Id);

        if (needs.HasFlag(ExportNeeds.Tags))
        {
            var links = db.CustomerTags.AsNoTracking().Where(t => t.CustomerId >= lo && t.CustomerId <= hi);
            links = ids is null ? links : links.Where(t => ids.Contains(t.CustomerId));
            foreach (var link in await links.Select(t => new { t.CustomerId, t.TagId }).ToListAsync(ct))
            {
                if (byId.TryGetValue(link.CustomerId, out var row) && lookups.Tags.TryGetValue(link.TagId, out var name))
                {
                    (row.Tags ??= []).Add(name);
                }
            }

            foreach (var row in rows)
            {
                row.Tags?.Sort(StringComparer.CurrentCultureIgnoreCase);
            }
        }

        if (needs.HasFlag(ExportNeeds.Lists))
        {
            var links = db.ListSubscriptions.AsNoTracking().Where(s => s.CustomerId >= lo && s.CustomerId <= hi);
            links = ids is null ? links : links.Where(s => ids.Contains(s.CustomerId));
            foreach (var link in await links.Select(s => new { s.CustomerId, s.ListId }).ToListAsync(ct))
            {
                if (byId.TryGetValue(link.CustomerId, out var row) && lookups.Lists.TryGetValue(link.ListId, out var name))
                {
                    (row.Lists ??= []).Add(name);
                }
            }

            foreach (var row in rows)
            {
                row.Lists?.Sort(StringComparer.CurrentCultureIgnoreCase);
            }
        }

        if (needs.HasFlag(ExportNeeds.CustomValues))
        {
            var values = db.CustomFieldValues.AsNoTracking().Where(v => v.CustomerId >= lo && v.CustomerId <= hi);
            values = ids is null ? values : values.Where(v => ids.Contains(v.CustomerId));
            foreach (var person in (await values.ToListAsync(ct)).GroupBy(v => v.CustomerId))
            {
                if (!byId.TryGetValue(person.Key, out var row))
                {
                    continue;
                }

                row.Custom = [];
                foreach (var field in person.GroupBy(v => v.FieldId))
                {
                    if (lookups.CustomFields.TryGetValue(field.Key, out var definition))
                    {
                        row.Custom[field.Key] = ExportColumns.CustomValue(definition, [.. field]);
                    }
                }
            }
        }

        if (needs.HasFlag(ExportNeeds.Memberships))
        {
            var memberships = db.Memberships.AsNoTracking().Where(m => m.CustomerId >= lo && m.CustomerId <= hi);
            memberships = ids is null ? memberships : memberships.Where(m => ids.Contains(m.CustomerId));
            var found = await memberships.Select(m => new { m.CustomerId, m.Plan, m.Status, m.StartedAt, m.RateMinor }).ToListAsync(ct);
            foreach (var person in found.GroupBy(m => m.CustomerId))
            {
                if (byId.TryGetValue(person.Key, out var row))
                {
                    row.Membership = MembershipSummary.Of([.. person.Select(m => (m.Plan, m.Status, m.StartedAt, financials ? m.RateMinor : 0))]);
                }
            }
        }

        return rows;
    }

    private static async Task<IReadOnlyList<CustomFieldView>> CustomFieldsAsync(DirectoryDbContext db, CancellationToken ct)
    {
        var fields = await db.CustomFields.AsNoTracking().Include(f => f.Options).OrderBy(f => f.Position).ThenBy(f => f.Id).ToListAsync(ct);
        return [.. fields.Select(f => new CustomFieldView(f.Id, f.Name, f.Type, f.Visibility, f.Position,
            [.. f.Options.OrderBy(o => o.Position).ThenBy(o => o.Id).Select(o => new CustomFieldOptionView(o.Id, o.Label))]))];
    }

    /// <summary>Whom an export covers. <c>Ids</c>: the profiles' ids, ascending; null for everyone (read by keyset from the table).</summary>
    private sealed record ExportSource(string Description, string? RecordType, string? RecordId, int Count, Func<IEnumerable<int>>? Ids, IReadOnlyList<AuditChange> Details);

    private sealed record Lookups(Dictionary<int, string> Tags, Dictionary<int, string> Lists, Dictionary<int, CustomFieldView> CustomFields);

    private sealed class Counter
    {
        public int Value { get; set; }
    }
}
