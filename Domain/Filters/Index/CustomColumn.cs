using CustomerDirectory.Domain.CustomFields;

namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>One custom field's values, in the shape its type needs.</summary>
internal sealed class CustomColumn(CustomFieldType type)
{
    public CustomFieldType Type { get; } = type;

    /// <summary>Toggle: 0 unset, 1 off, 2 on.</summary>
    public byte[] Flags { get; private set; } = [];

    /// <summary>Select and multiple choice: option ids.</summary>
    public SetColumn Options { get; } = new();

    public TextColumn Text { get; } = new(intern: true);

    /// <summary>NaN when unset.</summary>
    public double[] Numbers { get; private set; } = [];

    /// <summary>Day numbers; int.MinValue when unset.</summary>
    public int[] Dates { get; private set; } = [];

    public void Resize(int capacity)
    {
        switch (Type)
        {
            case CustomFieldType.Toggle:
                Flags = ColumnArrays.Grow(Flags, capacity, (byte)0);
                break;
            case CustomFieldType.Select or CustomFieldType.MultiSelect:
                Options.Resize(capacity);
                break;
            case CustomFieldType.Number:
                Numbers = ColumnArrays.Grow(Numbers, capacity, double.NaN);
                break;
            case CustomFieldType.Date:
                Dates = ColumnArrays.Grow(Dates, capacity, int.MinValue);
                break;
            default:
                Text.Resize(capacity);
                break;
        }
    }

    public void Clear(int slot)
    {
        switch (Type)
        {
            case CustomFieldType.Toggle:
                Flags[slot] = 0;
                break;
            case CustomFieldType.Select or CustomFieldType.MultiSelect:
                Options.Replace(slot, []);
                break;
            case CustomFieldType.Number:
                Numbers[slot] = double.NaN;
                break;
            case CustomFieldType.Date:
                Dates[slot] = int.MinValue;
                break;
            default:
                Text.Set(slot, null);
                break;
        }
    }

    public bool HasValue(int slot) => Type switch
    {
        CustomFieldType.Toggle => Flags[slot] != 0,
        CustomFieldType.Select or CustomFieldType.MultiSelect => Options.Any(slot),
        CustomFieldType.Number => !double.IsNaN(Numbers[slot]),
        CustomFieldType.Date => Dates[slot] != int.MinValue,
        _ => !Text.IsNull(slot),
    };

    public long Bytes => Flags.LongLength + (Numbers.LongLength * 8) + (Dates.LongLength * 4)
        + (Type is CustomFieldType.Select or CustomFieldType.MultiSelect ? Options.Bytes : 0)
        + (Type == CustomFieldType.Text ? Text.Bytes : 0);
}
