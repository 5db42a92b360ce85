using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.CustomFields;

/// <summary>Defining custom fields (Settings) and setting their values on profiles.</summary>
public sealed class CustomFieldService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, StaffAccess access)
{
    public const int TextMaxLength = 500;
    public const decimal NumberLimit = 1_000_000_000_000m;

    public async Task<IReadOnlyList<CustomFieldView>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var fields = await db.CustomFields.AsNoTracking().Include(f => f.Options).OrderBy(f => f.Position).ThenBy(f => f.Id).ToListAsync(ct);
        return [.. fields.Select(View)];
    }

    public async Task<int> CreateAsync(string? name, CustomFieldType type, IEnumerable<string>? options, CustomFieldVisibility visibility = CustomFieldVisibility.Visible, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageCustomFields, ct);
        var cleaned = CleanName(name);
        if (!Enum.IsDefined(type) || !Enum.IsDefined(visibility))
        {
            throw new DomainException("Choose a field type.", "Type");
        }

        var labels = CleanOptions(options ?? []);
        var hasOptions = type is CustomFieldType.Select or CustomFieldType.MultiSelect;
        if (hasOptions && labels.Count == 0)
        {
            throw new DomainException("A choice field needs at least one option.", "Options");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureNameFreeAsync(db, cleaned, exceptId: null, ct);
        var position = (await db.CustomFields.MaxAsync(f => (int?)f.Position, ct) ?? 0) + 1;
        var field = CustomField.Create(cleaned, type, visibility, position, clock.GetUtcNow().UtcDateTime);
        if (hasOptions)
        {
            field.Options.AddRange(labels.Select((label, i) => CustomFieldOption.Create(label, i)));
        }

        db.CustomFields.Add(field);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.DefinitionsChanged);
        return field.Id;
    }

    public Task RenameAsync(int fieldId, string? name, CancellationToken ct = default) => ChangeFieldAsync(fieldId, async (db, field) =>
    {
        var cleaned = CleanName(name);
        await EnsureNameFreeAsync(db, cleaned, fieldId, ct);
        field.Rename(cleaned);
    }, ct);

    public Task SetVisibilityAsync(int fieldId, CustomFieldVisibility visibility, CancellationToken ct = default) => ChangeFieldAsync(fieldId, (_, field) =>
    {
        field.SetVisibility(Enum.IsDefined(visibility) ? visibility : throw new DomainException("Unknown visibility."));
        return Task.CompletedTask;
    }, ct);

    /// <summary>Moves the field one place up (-1) or down (+1) among the others.</summary>
    public Task MoveAsync(int fieldId, int direction, CancellationToken ct = default) => ChangeFieldAsync(fieldId, async (db, field) =>
    {
        var ordered = await db.CustomFields.OrderBy(f => f.Position).ThenBy(f => f.Id).ToListAsync(ct);
        var index = ordered.FindIndex(f => f.Id == fieldId);
        var target = Math.Clamp(index + Math.Sign(direction), 0, ordered.Count - 1);
        (ordered[index], ordered[target]) = (ordered[target], ordered[index]);
        for (var i = 0; i < ordered.Count; i++)
        {
            ordered[i].MoveTo(i + 1);
        }
    }, ct);

    /// <summary>
    /// Changes the field's type when every value survives: always when no profile has a value, select to
    /// multi-select always, multi-select to select when nobody has two options. Anything else is refused.
    /// </summary>
    public Task ChangeTypeAsync(int fieldId, CustomFieldType type, CancellationToken ct = default) => ChangeFieldAsync(fieldId, async (db, field) =>
    {
        if (!Enum.IsDefined(type))
        {
            throw new DomainException("Choose a field type.", "Type");
        }

        if (type == field.Type)
        {
            return;
        }

        var holders = await db.CustomFieldValues.Where(v => v.FieldId == fieldId).Select(v => v.CustomerId).Distinct().CountAsync(ct);
        var lossless = holders == 0
            || (field.Type == CustomFieldType.Select && type == CustomFieldType.MultiSelect)
            || (field.Type == CustomFieldType.MultiSelect && type == CustomFieldType.Select
                && !await db.CustomFieldValues.Where(v => v.FieldId == fieldId).GroupBy(v => v.CustomerId).AnyAsync(g => g.Count() > 1, ct));
        if (!lossless)
        {
            throw new DomainException(
                $"{Profiles(holders)} {(holders == 1 ? "has" : "have")} a value that a {Describe(type)} field cannot keep, so the type stays {Describe(field.Type)}.", "Type");
        }

        if (type is CustomFieldType.Select or CustomFieldType.MultiSelect && field.Options.Count == 0)
        {
            throw new DomainException("Add options before turning this into a choice field.", "Type");
        }

        field.ChangeType(type);
    }, ct);

    public Task AddOptionAsync(int fieldId, string? label, CancellationToken ct = default) => ChangeFieldAsync(fieldId, (_, field) =>
    {
        if (!field.HasOptions)
        {
            throw new DomainException("Only choice fields have options.");
        }

        var cleaned = CleanLabel(label);
        if (field.Options.Any(o => ContactRules.Fold(o.Label) == ContactRules.Fold(cleaned)))
        {
            throw new DomainException($"\"{cleaned}\" is already an option.", "Option");
        }

        if (field.Options.Count >= CustomField.MaxOptions)
        {
            throw new DomainException($"A field can have at most {CustomField.MaxOptions} options.", "Option");
        }

        field.Options.Add(CustomFieldOption.Create(cleaned, field.Options.Count == 0 ? 0 : field.Options.Max(o => o.Position) + 1));
        return Task.CompletedTask;
    }, ct);

    public Task RenameOptionAsync(int fieldId, int optionId, string? label, CancellationToken ct = default) => ChangeFieldAsync(fieldId, (_, field) =>
    {
        var option = field.Options.SingleOrDefault(o => o.Id == optionId) ?? throw new NotFoundException("This option no longer exists.");
        var cleaned = CleanLabel(label);
        if (field.Options.Any(o => o.Id != optionId && ContactRules.Fold(o.Label) == ContactRules.Fold(cleaned)))
        {
            throw new DomainException($"\"{cleaned}\" is already an option.", "Option");
        }

        option.Label = cleaned;
        return Task.CompletedTask;
    }, ct);

    /// <summary>Deletes an option and the values that chose it; returns how many profiles had chosen it.</summary>
    public async Task<int> DeleteOptionAsync(int fieldId, int optionId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageCustomFields, ct);
        var removed = 0;
        await ChangeFieldAsync(fieldId, async (db, field) =>
        {
            var option = field.Options.SingleOrDefault(o => o.Id == optionId) ?? throw new NotFoundException("This option no longer exists.");
            if (field.Options.Count == 1)
            {
                throw new DomainException("A choice field needs at least one option; delete the field instead.", "Option");
            }

            removed = await db.CustomFieldValues.Where(v => v.FieldId == fieldId && v.OptionId == optionId).ExecuteDeleteAsync(ct);
            field.Options.Remove(option);
        }, ct);
        return removed;
    }

    /// <summary>How many profiles hold a value for the field (what deleting it would erase).</summary>
    public async Task<int> CountHoldersAsync(int fieldId, int? optionId = null, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageCustomFields, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var values = db.CustomFieldValues.Where(v => v.FieldId == fieldId);
        if (optionId is not null)
        {
            values = values.Where(v => v.OptionId == optionId);
        }

        return await values.Select(v => v.CustomerId).Distinct().CountAsync(ct);
    }

    /// <summary>Deletes the field and every value of it; returns how many profiles had one.</summary>
    public async Task<int> DeleteAsync(int fieldId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageCustomFields, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var holders = await db.CustomFieldValues.Where(v => v.FieldId == fieldId).Select(v => v.CustomerId).Distinct().CountAsync(ct);
        await db.CustomFieldValues.Where(v => v.FieldId == fieldId).ExecuteDeleteAsync(ct);
        await db.CustomFieldOptions.Where(o => o.FieldId == fieldId).ExecuteDeleteAsync(ct);
        if (await db.CustomFields.Where(f => f.Id == fieldId).ExecuteDeleteAsync(ct) == 0)
        {
            throw new NotFoundException("This field no longer exists.");
        }

        await transaction.CommitAsync(ct);
        changes.Publish(ChangeKind.DefinitionsChanged);
        return holders;
    }

    public async Task<IReadOnlyList<CustomFieldValueView>> ValuesAsync(int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.CustomFieldValues.AsNoTracking().Where(v => v.CustomerId == customerId).ToListAsync(ct);
        return
        [
            .. rows.GroupBy(v => v.FieldId).Select(g =>
            {
                var first = g.First();
                return new CustomFieldValueView(g.Key, first.Flag, [.. g.Where(v => v.OptionId is not null).Select(v => v.OptionId!.Value).Order()],
                    first.Text, first.Number is { } n ? (decimal)n : null, first.Date);
            }),
        ];
    }

    /// <summary>Sets (or, when the input is empty, clears) one field's value on one profile.</summary>
    public async Task SetValueAsync(int customerId, int fieldId, CustomFieldInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.EditProfiles, ct);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var field = await db.CustomFields.AsNoTracking().Include(f => f.Options).SingleOrDefaultAsync(f => f.Id == fieldId, ct)
            ?? throw new NotFoundException("This field was deleted.");
        var rows = ToRows(customerId, field, input);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.EnsureCustomerExistsAsync(customerId, ct);

        await db.CustomFieldValues.Where(v => v.CustomerId == customerId && v.FieldId == fieldId).ExecuteDeleteAsync(ct);
        db.CustomFieldValues.AddRange(rows);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        changes.Publish(ChangeKind.CustomFieldValuesChanged, customerId);
    }

    private static List<CustomFieldValue> ToRows(int customerId, CustomField field, CustomFieldInput input)
    {
        CustomFieldValue Row(bool? flag = null, int? option = null, string? text = null, double? number = null, DateOnly? date = null) =>
            new() { CustomerId = customerId, FieldId = field.Id, Flag = flag, OptionId = option, Text = text, Number = number, Date = date };

        int CheckOption(int id) => field.Options.Any(o => o.Id == id) ? id : throw new DomainException("That option no longer exists; reload the page.", field.Name);

        switch (field.Type)
        {
            case CustomFieldType.Toggle:
                return input.Flag is { } flag ? [Row(flag: flag)] : [];
            case CustomFieldType.Select:
                return input.OptionId is { } option ? [Row(option: CheckOption(option))] : [];
            case CustomFieldType.MultiSelect:
                return [.. (input.OptionIds ?? []).Distinct().Select(id => Row(option: CheckOption(id)))];
            case CustomFieldType.Text:
                var text = input.Text?.Trim();
                if (string.IsNullOrEmpty(text))
                {
                    return [];
                }

                return text.Length > TextMaxLength
                    ? throw new DomainException($"{field.Name} can be at most {TextMaxLength} characters.", field.Name)
                    : [Row(text: text.Normalize(System.Text.NormalizationForm.FormC))];
            case CustomFieldType.Number:
                return input.Number switch
                {
                    null => [],
                    { } n when Math.Abs(n) >= NumberLimit => throw new DomainException($"{field.Name} must be between -1,000,000,000,000 and 1,000,000,000,000.", field.Name),
                    { } n => [Row(number: (double)n)],
                };
            case CustomFieldType.Date:
                return input.Date switch
                {
                    null => [],
                    { Year: < 1900 or > 2200 } => throw new DomainException($"{field.Name} must be a date between 1900 and 2200.", field.Name),
                    { } d => [Row(date: d)],
                };
            default:
                throw new InvalidOperationException($"Unknown field type {field.Type}.");
        }
    }

    private async Task ChangeFieldAsync(int fieldId, Func<DirectoryDbContext, CustomField, Task> change, CancellationToken ct)
    {
        await access.RequireAsync(Permission.ManageCustomFields, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var field = await db.CustomFields.Include(f => f.Options).SingleOrDefaultAsync(f => f.Id == fieldId, ct)
            ?? throw new NotFoundException("This field no longer exists.");
        await change(db, field);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        changes.Publish(ChangeKind.DefinitionsChanged);
    }

    private static async Task EnsureNameFreeAsync(DirectoryDbContext db, string name, int? exceptId, CancellationToken ct)
    {
        var key = ContactRules.Fold(name);
        if (await db.CustomFields.AnyAsync(f => f.NameKey == key && f.Id != exceptId, ct))
        {
            throw new DomainException($"A field called \"{name}\" already exists.", "Name");
        }
    }

    private static string CleanName(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Give the field a name.", "Name");
        return cleaned.Length > CustomField.NameMaxLength || cleaned.Any(char.IsControl)
            ? throw new DomainException($"A field name can be at most {CustomField.NameMaxLength} characters, without control characters.", "Name")
            : cleaned;
    }

    private static string CleanLabel(string? label)
    {
        var cleaned = ContactRules.Clean(label) ?? throw new DomainException("Give the option a label.", "Option");
        return cleaned.Length > CustomFieldOption.LabelMaxLength || cleaned.Any(char.IsControl)
            ? throw new DomainException($"An option can be at most {CustomFieldOption.LabelMaxLength} characters, without control characters.", "Option")
            : cleaned;
    }

    private static List<string> CleanOptions(IEnumerable<string> options)
    {
        var labels = new List<string>();
        foreach (var option in options)
        {
            if (ContactRules.Clean(option) is null)
            {
                continue;
            }

            var label = CleanLabel(option);
            if (labels.Any(l => ContactRules.Fold(l) == ContactRules.Fold(label)))
            {
                throw new DomainException($"\"{label}\" is listed twice.", "Options");
            }

            labels.Add(label);
        }

        return labels.Count > CustomField.MaxOptions ? throw new DomainException($"A field can have at most {CustomField.MaxOptions} options.", "Options") : labels;
    }

    private static CustomFieldView View(CustomField f) => new(f.Id, f.Name, f.Type, f.Visibility, f.Position,
        [.. f.Options.OrderBy(o => o.Position).ThenBy(o => o.Id).Select(o => new CustomFieldOptionView(o.Id, o.Label))]);

    private static string Profiles(int n) => n == 1 ? "1 profile" : $"{n:N0} profiles";

    public static string Describe(CustomFieldType type) => type switch
    {
        CustomFieldType.Toggle => "yes/no",
        CustomFieldType.Select => "single choice",
        CustomFieldType.MultiSelect => "multiple choice",
        CustomFieldType.Text => "text",
        CustomFieldType.Number => "number",
        CustomFieldType.Date => "date",
        _ => type.ToString(),
    };
}
