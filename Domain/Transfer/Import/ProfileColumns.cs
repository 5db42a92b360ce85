using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>
/// Every stored column of a profile but its generated id, read from the EF model (so a column added to
/// <see cref="Customer"/> is written by the import too), in the audit log's order and with its names: what the
/// import's direct writes need to do what a save through EF would (write the changed columns, check the version,
/// describe the change).
/// </summary>
internal sealed class ProfileColumns
{
    private readonly Func<Customer, object?>[] _read;
    private readonly ValueConverter?[] _converters;
    private readonly Dictionary<string, int> _byField;

    public ProfileColumns(IModel model)
    {
        var type = model.FindEntityType(typeof(Customer))!;
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var fields = AuditCapture.Fields(type).Where(f => !f.Property.IsPrimaryKey()).ToList();
        Fields = [.. fields.Select(f => f.Field)];
        Columns = [.. fields.Select(f => f.Property.GetColumnName(table)!)];
        _converters = [.. fields.Select(f => f.Property.GetTypeMapping().Converter)];
        _read = [.. fields.Select(f => Reader(f.Property, f.Complex))];
        _byField = Fields.Select((field, i) => (field, i)).ToDictionary(f => f.field, f => f.i, StringComparer.Ordinal);
        Version = _byField[nameof(Customer.Version)];
    }

    /// <summary>Property names as the audit log gives them ("EmailConsent.Status").</summary>
    public IReadOnlyList<string> Fields { get; }

    public IReadOnlyList<string> Columns { get; }

    /// <summary>The position of the concurrency token.</summary>
    public int Version { get; }

    public int Count => Fields.Count;

    public int IndexOf(string field) => _byField[field];

    /// <summary>The profile's values (CLR ones, as EF's change tracker holds them), in column order.</summary>
    public object?[] Read(Customer customer)
    {
        var values = new object?[_read.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _read[i](customer);
        }

        return values;
    }

    /// <summary>A value as the database stores it (enums as text…), DBNull for null.</summary>
    public object ToProvider(int column, object? value) =>
        value is null ? DBNull.Value : _converters[column] is { } converter ? converter.ConvertToProvider(value) ?? DBNull.Value : value;

    private static Func<Customer, object?> Reader(IProperty property, IComplexProperty? complex)
    {
        var getter = property.GetGetter();
        if (complex is null)
        {
            return c => getter.GetClrValue(c);
        }

        var outer = complex.GetGetter();
        return c => outer.GetClrValue(c) is { } value ? getter.GetClrValue(value) : null;
    }
}
