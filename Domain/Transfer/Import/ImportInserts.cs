using System.Data.Common;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>
/// An import's new rows written with prepared INSERTs on the batch's own connection and transaction, bypassing EF's
/// change tracking (which costs about a millisecond per profile). The profile's columns come from the EF model, so a
/// column added to <see cref="Customer"/> is written here too; each new profile gets its audit line, as a save
/// through EF would give it. Updates of existing profiles still go through EF (and its audit interceptor).
/// </summary>
internal sealed class ImportInserts : IDisposable
{
    private readonly DbConnection _connection;
    private readonly StaffActor? _actor;
    private readonly string _fileName;
    private readonly (string Column, Func<Customer, object?> Value)[] _customerColumns;
    private readonly DbCommand _customer;
    private readonly DbCommand _lastId;
    private readonly DbCommand _audit;
    private readonly DbCommand _tag;
    private readonly DbCommand _value;
    private readonly DbCommand _change;
    private readonly DbCommand _reject;

    public ImportInserts(DirectoryDbContext db, StaffActor? actor, string fileName)
    {
        _connection = db.Database.GetDbConnection();
        _actor = actor;
        _fileName = fileName;
        _customerColumns = CustomerColumns(db.Model.FindEntityType(typeof(Customer))!);
        _customer = PreparedInsert.Create(_connection, null, "Customers", [.. _customerColumns.Select(c => c.Column)]);
        // The new id: RETURNING costs SQLite about three times the insert itself here; this costs a few microseconds.
        _lastId = PreparedInsert.Command(_connection, "SELECT last_insert_rowid()", 0);
        _audit = Insert("AuditEntries", "At", "ActorId", "ActorName", "Action", "RecordType", "RecordId", "CustomerId", "Summary", "Changes");
        _tag = Insert("CustomerTags", "CustomerId", "TagId", "AddedAt");
        _value = Insert("CustomFieldValues", "CustomerId", "FieldId", "Flag", "OptionId", "Text", "Number", "Date");
        _change = Insert("ImportChanges", "ImportRunId", "CustomerId", "Created", "VersionAfter", "BeforeJson");
        _reject = Insert("ImportRejects", "ImportRunId", "Line", "Raw", "Reason", "Skipped");
    }

    /// <summary>Joins the batch's transaction (EF's, so that EF's own saves in the batch commit with these rows).</summary>
    public void Enlist(IDbContextTransaction transaction)
    {
        var dbTransaction = transaction.GetDbTransaction();
        foreach (var command in (DbCommand[])[_customer, _lastId, _audit, _tag, _value, _change, _reject])
        {
            command.Transaction = dbTransaction;
            command.Prepare();
        }
    }

    /// <summary>Writes a new profile and its "created" audit line; returns its id.</summary>
    public int Customer(Customer customer, DateTime nowUtc, IReadOnlyList<string> tags)
    {
        for (var i = 0; i < _customerColumns.Length; i++)
        {
            _customer.Parameters[i].Value = _customerColumns[i].Value(customer) ?? DBNull.Value;
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
        var id2 = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var entry = AuditLog.Entry(nowUtc, _actor, "profile.created", $"Created profile “{name}” (import of {_fileName})", "profile", id2, id, changes);
        Execute(_audit, entry.At, entry.ActorId, entry.ActorName, entry.Action, entry.RecordType, entry.RecordId, entry.CustomerId, entry.Summary, entry.Changes);
        return id;
    }

    public void Tag(int customerId, int tagId, DateTime nowUtc) => Execute(_tag, customerId, tagId, nowUtc);

    public void Value(int customerId, int fieldId, ImportFieldValue v) => Execute(_value, customerId, fieldId, v.Flag, v.OptionId, v.Text, v.Number, v.Date);

    public void Change(ImportChange c) => Execute(_change, c.ImportRunId, c.CustomerId, c.Created, c.VersionAfter, c.BeforeJson);

    public void Reject(ImportReject r) => Execute(_reject, r.ImportRunId, r.Line, r.Raw, r.Reason, r.Skipped);

    public void Dispose()
    {
        foreach (var command in (DbCommand[])[_customer, _lastId, _audit, _tag, _value, _change, _reject])
        {
            command.Dispose();
        }
    }

    /// <summary>Every stored column of a profile but its generated id, each with how to read it (converted as EF stores it).</summary>
    private static (string, Func<Customer, object?>)[] CustomerColumns(IEntityType type)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = new List<(string, Func<Customer, object?>)>();
        foreach (var property in type.GetProperties().Where(p => !p.IsPrimaryKey()))
        {
            var getter = property.GetGetter();
            var converter = property.GetTypeMapping().Converter;
            columns.Add((property.GetColumnName(table)!, c => Provider(converter, getter.GetClrValue(c))));
        }

        foreach (var complex in type.GetComplexProperties())
        {
            var outer = complex.GetGetter();
            foreach (var property in complex.ComplexType.GetProperties())
            {
                var getter = property.GetGetter();
                var converter = property.GetTypeMapping().Converter;
                columns.Add((property.GetColumnName(table)!, c => outer.GetClrValue(c) is { } value ? Provider(converter, getter.GetClrValue(value)) : null));
            }
        }

        return [.. columns];

        static object? Provider(Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? converter, object? value) =>
            value is null ? null : converter is null ? value : converter.ConvertToProvider(value);
    }

    private DbCommand Insert(string table, params string[] columns) => PreparedInsert.Create(_connection, null, table, columns);

    private static void Execute(DbCommand command, params object?[] values) => PreparedInsert.Execute(command, values);
}
