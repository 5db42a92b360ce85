using System.Data.Common;
using System.Globalization;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>
/// An import's writes, with prepared statements on the batch's own connection and transaction, bypassing EF's change
/// tracking (which costs about a millisecond per profile): new profiles and their rows, and the changes to existing
/// profiles, each with the audit lines a save through EF would give it (described by the same code,
/// <see cref="AuditCapture"/>) and, for a changed profile, its version checked and bumped as EF checks a concurrency
/// token, so an edit made in a browser meanwhile is detected, never overwritten.
/// </summary>
internal sealed class ImportWriter : IDisposable
{
    private readonly DbConnection _connection;
    private readonly StaffActor? _actor;
    private readonly string _fileName;
    private readonly ProfileColumns _columns;
    private readonly Dictionary<int, string> _fieldNames;
    private readonly Dictionary<int, string> _optionLabels;
    private readonly DbCommand _customer;
    private readonly DbCommand _lastId;
    private readonly DbCommand _audit;
    private readonly DbCommand _tag;
    private readonly DbCommand _tagExisting;
    private readonly DbCommand _value;
    private readonly DbCommand _deleteValue;
    private readonly DbCommand _change;
    private readonly DbCommand _reject;

    /// <summary>UPDATEs of a profile by the set of columns they write (a bit per column): a few shapes cover an import.</summary>
    private readonly Dictionary<ulong, DbCommand> _updates = [];
    private DbTransaction? _transaction;

    public ImportWriter(DirectoryDbContext db, ProfileColumns columns, IReadOnlyList<CustomField> fields, StaffActor? actor, string fileName)
    {
        _connection = db.Database.GetDbConnection();
        _actor = actor;
        _fileName = fileName;
        _columns = columns;
        if (columns.Count > 64)
        {
            throw new InvalidOperationException("A profile has more than 64 columns: widen the UPDATE shapes' key.");
        }

        _fieldNames = fields.ToDictionary(f => f.Id, f => f.Name);
        _optionLabels = fields.SelectMany(f => f.Options).ToDictionary(o => o.Id, o => o.Label);
        _customer = PreparedInsert.Create(_connection, null, "Customers", [.. columns.Columns]);
        // The new id: RETURNING costs SQLite about three times the insert itself here; this costs a few microseconds.
        _lastId = PreparedInsert.Command(_connection, "SELECT last_insert_rowid()", 0);
        _audit = Insert("AuditEntries", "At", "ActorId", "ActorName", "Action", "RecordType", "RecordId", "CustomerId", "Summary", "Changes");
        _tag = Insert("CustomerTags", "CustomerId", "TagId", "AddedAt");
        // On an existing profile the tag may have been put on since the batch read its tags: then there is nothing to add (or undo).
        _tagExisting = PreparedInsert.Command(_connection, "INSERT INTO \"CustomerTags\" (\"CustomerId\", \"TagId\", \"AddedAt\") VALUES (@p0, @p1, @p2) ON CONFLICT DO NOTHING", 3);
        _value = Insert("CustomFieldValues", "CustomerId", "FieldId", "Flag", "OptionId", "Text", "Number", "Date");
        _deleteValue = PreparedInsert.Command(_connection, "DELETE FROM \"CustomFieldValues\" WHERE \"Id\" = @p0", 1);
        _change = Insert("ImportChanges", "ImportRunId", "CustomerId", "Created", "VersionAfter", "BeforeJson");
        _reject = Insert("ImportRejects", "ImportRunId", "Line", "Raw", "Reason", "Skipped");
    }

    /// <summary>Joins the batch's transaction (EF's, so that EF's own saves in the batch commit with these rows).</summary>
    public void Enlist(IDbContextTransaction transaction)
    {
        _transaction = transaction.GetDbTransaction();
        foreach (var command in Commands())
        {
            command.Transaction = _transaction;
            command.Prepare();
        }
    }

    /// <summary>Writes a new profile and its "created" audit line; returns its id.</summary>
    public int Customer(Customer customer, DateTime nowUtc, IReadOnlyList<string> tags)
    {
        var values = _columns.Read(customer);
        for (var i = 0; i < values.Length; i++)
        {
            _customer.Parameters[i].Value = _columns.ToProvider(i, values[i]);
        }

        _customer.ExecuteNonQuery();
        var id = Convert.ToInt32(_lastId.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        var name = $"{customer.FirstName} {customer.LastName}";
        List<AuditChange> changes = [];
        void Add(string field, object? value)
        {
            if (AuditText.Format(value) is { Length: > 0 } text)
            {
                changes.Add(new AuditChange(field, null, text));
            }
        }

        Add(nameof(customer.FirstName), customer.FirstName);
        Add(nameof(customer.LastName), customer.LastName);
        Add(nameof(customer.Email), customer.Email);
        Add(nameof(customer.Phone), customer.Phone);
        Add(nameof(customer.AddressLine), customer.AddressLine);
        Add(nameof(customer.PostalCode), customer.PostalCode);
        Add(nameof(customer.City), customer.City);
        Add(nameof(customer.Country), customer.Country);
        Add(nameof(customer.Birthday), customer.Birthday);
        Add("EmailConsent.Status", customer.EmailConsent.Status == Consent.ConsentStatus.NeverAsked ? null : customer.EmailConsent.Status);
        Add("SmsConsent.Status", customer.SmsConsent.Status == Consent.ConsentStatus.NeverAsked ? null : customer.SmsConsent.Status);
        Add("Tags", tags.Count == 0 ? null : string.Join(", ", tags));
        Add(nameof(customer.PriorVisitCount), customer.PriorVisitCount == 0 ? null : customer.PriorVisitCount);
        Add(nameof(customer.PriorLastVisitAt), customer.PriorLastVisitAt);
        Add(nameof(customer.PriorOrderCount), customer.PriorOrderCount == 0 ? null : customer.PriorOrderCount);
        Add(nameof(customer.PriorSpentMinor), customer.PriorSpentMinor == 0 ? null : customer.PriorSpentMinor);
        Add(nameof(customer.PriorLastOrderAt), customer.PriorLastOrderAt);
        Add(nameof(customer.PriorDonationCount), customer.PriorDonationCount == 0 ? null : customer.PriorDonationCount);
        Add(nameof(customer.PriorDonatedMinor), customer.PriorDonatedMinor == 0 ? null : customer.PriorDonatedMinor);
        Add(nameof(customer.PriorLastDonationAt), customer.PriorLastDonationAt);
        var id2 = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Audit(AuditLog.Entry(nowUtc, _actor, "profile.created", $"Created profile “{name}” (import of {_fileName})", "profile", id2, id, changes));
        return id;
    }

    /// <summary>
    /// Writes what changed on a profile since it was read (<paramref name="original"/>: its values then), only the
    /// columns that differ, where its version is still the one read; with the audit line EF's save would write.
    /// False when someone changed or deleted it meanwhile: nothing is written.
    /// </summary>
    public bool Update(Customer customer, object?[] original, DateTime nowUtc)
    {
        var current = _columns.Read(customer);
        var changed = 0UL;
        for (var i = 0; i < current.Length; i++)
        {
            if (!Equals(original[i], current[i]))
            {
                changed |= 1UL << i;
            }
        }

        if (changed == 0)
        {
            return true;
        }

        var update = UpdateCommand(changed);
        var p = 0;
        for (var i = 0; i < current.Length; i++)
        {
            if ((changed & (1UL << i)) != 0)
            {
                update.Parameters[p++].Value = _columns.ToProvider(i, current[i]);
            }
        }

        update.Parameters[p++].Value = customer.Id;
        update.Parameters[p].Value = _columns.ToProvider(_columns.Version, original[_columns.Version]);
        if (update.ExecuteNonQuery() == 0)
        {
            return false;
        }

        var values = Enumerable.Range(0, current.Length).Where(i => (changed & (1UL << i)) != 0).Select(i => (_columns.Fields[i], (original[i], current[i])));
        if (AuditCapture.Describe(AuditedType.ByClrType[typeof(Customer)], EntityState.Modified, values, new PropertyReader(f => current[_columns.IndexOf(f)])) is { } line)
        {
            var id = customer.Id.ToString(CultureInfo.InvariantCulture);
            Audit(AuditLog.Entry(nowUtc, _actor, line.Action, line.Summary, "profile", id, customer.Id, line.Changes));
        }

        return true;
    }

    /// <summary>A tag on a new profile (its "created" line lists the tags).</summary>
    public void Tag(int customerId, int tagId, DateTime nowUtc) => Execute(_tag, customerId, tagId, nowUtc);

    /// <summary>A tag put on an existing profile, with its line; false when it already has it.</summary>
    public bool Tagged(int customerId, int tagId, string tagName, DateTime nowUtc)
    {
        _tagExisting.Parameters[0].Value = customerId;
        _tagExisting.Parameters[1].Value = tagId;
        _tagExisting.Parameters[2].Value = nowUtc;
        if (_tagExisting.ExecuteNonQuery() == 0)
        {
            return false;
        }

        Audit(AuditCapture.TagLine(customerId, tagName, removed: false), nowUtc);
        return true;
    }

    /// <summary>A value of a new profile (its "created" line does not list custom fields, as EF's would not).</summary>
    public void Value(int customerId, int fieldId, ImportFieldValue v) => Execute(_value, customerId, fieldId, v.Flag, v.OptionId, v.Text, v.Number, v.Date);

    /// <summary>An existing profile's custom field rewritten: the rows it had go, the new ones come, with the line.</summary>
    public void ReplaceValues(int customerId, int fieldId, IReadOnlyList<CustomFieldValue> old, IReadOnlyList<ImportFieldValue> values, DateTime nowUtc)
    {
        foreach (var row in old)
        {
            Execute(_deleteValue, row.Id);
        }

        foreach (var value in values)
        {
            Value(customerId, fieldId, value);
        }

        string? Text(IEnumerable<string?> texts) => texts.OfType<string>().ToList() is { Count: > 0 } list ? string.Join(", ", list) : null;
        var before = Text(old.Select(v => AuditCapture.FieldText(v.Flag, v.OptionId, v.Text, v.Number, v.Date, _optionLabels.GetValueOrDefault)));
        var after = Text(values.Select(v => AuditCapture.FieldText(v.Flag, v.OptionId, v.Text, v.Number, v.Date, _optionLabels.GetValueOrDefault)));
        Audit(AuditCapture.FieldLine(customerId, _fieldNames.GetValueOrDefault(fieldId) ?? $"Field #{fieldId}", before, after), nowUtc);
    }

    public void Change(ImportChange c) => Execute(_change, c.ImportRunId, c.CustomerId, c.Created, c.VersionAfter, c.BeforeJson);

    public void Reject(ImportReject r) => Execute(_reject, r.ImportRunId, r.Line, r.Raw, r.Reason, r.Skipped);

    public void Dispose()
    {
        foreach (var command in Commands())
        {
            command.Dispose();
        }
    }

    private IEnumerable<DbCommand> Commands() => [_customer, _lastId, _audit, _tag, _tagExisting, _value, _deleteValue, _change, _reject, .. _updates.Values];

    /// <summary>UPDATE "Customers" SET (the columns in <paramref name="changed"/>) WHERE "Id" = … AND "Version" = (the version read).</summary>
    private DbCommand UpdateCommand(ulong changed)
    {
        if (_updates.TryGetValue(changed, out var command))
        {
            return command;
        }

        var set = Enumerable.Range(0, _columns.Count).Where(i => (changed & (1UL << i)) != 0).ToList();
        var sql = $"UPDATE \"Customers\" SET {string.Join(", ", set.Select((column, p) => $"\"{_columns.Columns[column]}\" = @p{p}"))} "
            + $"WHERE \"Id\" = @p{set.Count} AND \"{_columns.Columns[_columns.Version]}\" = @p{set.Count + 1}";
        command = PreparedInsert.Command(_connection, sql, set.Count + 2);
        command.Transaction = _transaction;
        command.Prepare();
        _updates[changed] = command;
        return command;
    }

    private void Audit(AuditLine line, DateTime nowUtc) =>
        Audit(AuditLog.Entry(nowUtc, _actor, line.Action, line.Summary, line.RecordType, line.RecordId, line.CustomerId, line.Changes));

    private void Audit(AuditEntry entry) =>
        Execute(_audit, entry.At, entry.ActorId, entry.ActorName, entry.Action, entry.RecordType, entry.RecordId, entry.CustomerId, entry.Summary, entry.Changes);

    private DbCommand Insert(string table, params string[] columns) => PreparedInsert.Create(_connection, null, table, columns);

    private static void Execute(DbCommand command, params object?[] values) => PreparedInsert.Execute(command, values);
}
