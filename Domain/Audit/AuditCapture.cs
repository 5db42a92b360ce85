using System.Globalization;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Lists;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CustomerDirectory.Domain.Audit;

/// <summary>
/// What one SaveChanges is about to change, read from the change tracker before the save (the values before, the
/// names that links point at) and turned into audit lines after it (when generated ids are known).
/// </summary>
internal sealed class AuditCapture
{
    private readonly List<Func<Lookups, AuditLine?>> _lines = [];
    private readonly Lookups _lookups = new();

    private AuditCapture()
    {
    }

    public bool IsEmpty => _lines.Count == 0;

    /// <summary>Reads the tracker; null when nothing audited changes.</summary>
    public static AuditCapture? Collect(DirectoryDbContext db)
    {
        var capture = new AuditCapture();
        var links = new List<EntityEntry>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var type = entry.Metadata.ClrType;
            if (AuditedType.NotAudited.Contains(type))
            {
                continue;
            }

            if (AuditedType.Links.Contains(type))
            {
                links.Add(entry);
                continue;
            }

            capture.Entity(entry, AuditedType.ByClrType.GetValueOrDefault(type) ?? AuditedType.Fallback(type));
        }

        if (links.Count > 0)
        {
            capture.Links(links);
        }

        return capture.IsEmpty ? null : capture;
    }

    /// <summary>Loads the names and sets the lines need (inside the save's transaction, before the save).</summary>
    public Task LoadAsync(DirectoryDbContext db, bool async, CancellationToken ct) => _lookups.LoadAsync(db, async, ct);

    /// <summary>The lines, after the save.</summary>
    public IReadOnlyList<AuditLine> Lines(DirectoryDbContext db)
    {
        // A tag or role added in this same save has its real id only now.
        _lookups.AddTracked(db);
        return [.. _lines.Select(line => line(_lookups)).OfType<AuditLine>()];
    }

    private void Entity(EntityEntry entry, AuditedType type)
    {
        var state = entry.State;
        var deleted = state == EntityState.Deleted;
        (object? Before, object? After) Values(PropertyEntry property) => state switch
        {
            EntityState.Added => (null, property.CurrentValue),
            EntityState.Deleted => (property.OriginalValue, null),
            _ => property.IsModified && !Equals(property.OriginalValue, property.CurrentValue) ? (property.OriginalValue, property.CurrentValue) : (null, null),
        };
        var values = Properties(entry).Where(p => !p.Property.Metadata.IsPrimaryKey()).Select(p => (p.Field, Values(p.Property)));
        if (Describe(type, state, values, new PropertyReader(property => Value(entry, property, deleted))) is not { } described)
        {
            return;
        }

        var (action, summary, changes) = described;
        string? RecordId(bool original) => type.RecordIdProperty is { } property ? Text(Value(entry, property, original)) : KeyOf(entry, original);

        // Generated keys (and keys of rows added with a new parent) are known only after the save: read them then.
        // A deleted row is detached by then: read it now.
        if (state == EntityState.Added)
        {
            _lines.Add(_ => new AuditLine(action, summary, type.RecordType, RecordId(false), CustomerIdOf(entry, false), changes));
        }
        else
        {
            var line = new AuditLine(action, summary, type.RecordType, RecordId(deleted), CustomerIdOf(entry, deleted), changes);
            _lines.Add(_ => line);
        }
    }

    /// <summary>
    /// The action, summary and changes of one added, changed or deleted record, from its properties' values before and
    /// after (key excluded); null when a change touched only bookkeeping. The tracker's saves and the import's direct
    /// writes both describe records here, so their lines are the same.
    /// </summary>
    internal static (string Action, string Summary, List<AuditChange> Changes)? Describe(
        AuditedType type, EntityState state, IEnumerable<(string Field, (object? Before, object? After) Values)> values, PropertyReader names)
    {
        var changes = new List<AuditChange>();
        foreach (var (field, (before, after)) in values)
        {
            if (type.Skip.Contains(field) || field == "CustomerId" || field == type.RecordIdProperty || (IsBlank(before) && IsBlank(after)))
            {
                continue;
            }

            var show = type.Redact.GetValueOrDefault(field) is { } redact
                ? (Func<object?, string?>)(v => v is null ? null : redact(v))
                : AuditText.Format;
            changes.Add(new AuditChange(field, show(before), show(after)));
        }

        if (state == EntityState.Modified && changes.Count == 0)
        {
            return null; // only bookkeeping changed
        }

        var name = type.Name?.Invoke(names);
        var refined = state == EntityState.Modified ? type.Refine?.Invoke(changes) : null;
        var verb = state switch
        {
            EntityState.Added => type.Created,
            EntityState.Deleted => type.Deleted,
            _ => type.Updated,
        };
        var action = refined?.Action ?? $"{type.Prefix}.{verb}";
        var summary = refined is { } r
            ? $"{r.Verb} {type.Noun}{Named(name)}"
            : $"{Capitalize(verb.Replace('-', ' '))} {type.Noun}{Named(name)}"
                + (state == EntityState.Modified ? $": {string.Join(", ", changes.Select(c => c.Field))}" : "");
        return (action, summary, changes);
    }

    /// <summary>An entity's properties as the log names them, in the order the class declares them (first name before last name), not EF's alphabetical one.</summary>
    internal static IEnumerable<(string Field, IProperty Property, IComplexProperty? Complex)> Fields(IEntityType type)
    {
        static int Declared(IProperty p) => p.PropertyInfo?.MetadataToken ?? int.MaxValue;

        foreach (var property in type.GetProperties().OrderBy(Declared))
        {
            yield return (property.Name, property, null);
        }

        foreach (var complex in type.GetComplexProperties())
        {
            foreach (var property in complex.ComplexType.GetProperties().OrderBy(Declared))
            {
                yield return ($"{complex.Name}.{property.Name}", property, complex);
            }
        }
    }

    /// <summary>The line of a tag put on or taken off a profile.</summary>
    internal static AuditLine TagLine(int customerId, string tagName, bool removed) =>
        Profile(customerId, removed ? "profile.untagged" : "profile.tagged", $"{(removed ? "Took off" : "Put on")} tag “{tagName}”",
            new AuditChange("Tag", removed ? tagName : null, removed ? null : tagName));

    /// <summary>The line of a profile's custom field rewritten: its values (joined) before and after.</summary>
    internal static AuditLine FieldLine(int customerId, string fieldName, string? before, string? after) =>
        Profile(customerId, after is null ? "profile.field-cleared" : "profile.field-set", $"{(after is null ? "Cleared" : "Set")} custom field “{fieldName}”",
            new AuditChange(fieldName, before, after));

    /// <summary>One custom field value as the log shows it (a choice by its label).</summary>
    internal static string? FieldText(bool? flag, int? optionId, string? text, double? number, DateOnly? date, Func<int, string?> optionLabel) =>
        (flag, optionId, number, date) switch
        {
            (_, { } option, _, _) => optionLabel(option) ?? $"#{option}",
            ({ } f, _, _, _) => f ? "yes" : "no",
            (_, _, { } n, _) => n.ToString(CultureInfo.InvariantCulture),
            (_, _, _, { } d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => text,
        };

    private void Links(List<EntityEntry> links)
    {
        foreach (var entry in links)
        {
            var deleted = entry.State == EntityState.Deleted;
            switch (entry.Entity)
            {
                case CustomerTag tag:
                    _lookups.Tags.Add(tag.TagId);
                    _lines.Add(l => TagLine(tag.CustomerId, l.TagName(tag.TagId), deleted));
                    break;
                case ListSubscription subscription:
                    _lookups.Lists.Add(subscription.ListId);
                    _lines.Add(l => Profile(subscription.CustomerId, deleted ? "profile.unsubscribed" : "profile.subscribed",
                        $"{(deleted ? "Took off" : "Put on")} mailing list “{l.ListName(subscription.ListId)}”",
                        new AuditChange("Mailing list", deleted ? l.ListName(subscription.ListId) : null, deleted ? null : l.ListName(subscription.ListId))));
                    break;
            }
        }

        FieldValues(links.Where(e => e.Entity is CustomFieldValue).ToList());
        Permissions(links.Where(e => e.Entity is IdentityRoleClaim<string>).ToList());
        Roles(links.Where(e => e.Entity is IdentityUserRole<string>).ToList());
    }

    /// <summary>One line per profile and field: a multi-select is several rows, and a change rewrites them.</summary>
    private void FieldValues(List<EntityEntry> entries)
    {
        foreach (var group in entries.GroupBy(e => (((CustomFieldValue)e.Entity).CustomerId, ((CustomFieldValue)e.Entity).FieldId)))
        {
            var rows = group.ToList();
            var removed = rows.Where(r => r.State == EntityState.Deleted).ToHashSet();
            var fieldId = group.Key.FieldId;
            _lookups.Fields.Add(fieldId);
            foreach (var row in rows.Select(r => (CustomFieldValue)r.Entity).Where(v => v.OptionId is not null))
            {
                _lookups.Options.Add(row.OptionId!.Value);
            }

            _lines.Add(l =>
            {
                string? Values(IEnumerable<EntityEntry> of) =>
                    of.Select(e => l.FieldValue((CustomFieldValue)e.Entity)).OfType<string>().ToList() is { Count: > 0 } values ? string.Join(", ", values) : null;
                var before = Values(rows.Where(r => removed.Contains(r)));
                var after = Values(rows.Where(r => !removed.Contains(r)));
                var field = l.FieldName(fieldId);
                return FieldLine(((CustomFieldValue)rows[0].Entity).CustomerId, field, before, after);
            });
        }
    }

    /// <summary>One line per role: its permissions before and after, whatever number of claims changed.</summary>
    private void Permissions(List<EntityEntry> entries)
    {
        foreach (var group in entries.GroupBy(e => ((IdentityRoleClaim<string>)e.Entity).RoleId))
        {
            var roleId = group.Key;
            _lookups.RolesWithClaims.Add(roleId);
            _lookups.Roles.Add(roleId);
            // A modified claim is the old one removed and the new one added.
            var added = group.Where(e => e.State is EntityState.Added or EntityState.Modified).Select(e => Claim(e, original: false)).ToList();
            var removed = group.Where(e => e.State is EntityState.Deleted or EntityState.Modified).Select(e => Claim(e, original: true)).ToList();
            _lines.Add(l =>
            {
                var before = l.ClaimsBefore.GetValueOrDefault(roleId) ?? [];
                var after = before.Except(removed).Concat(added).Distinct().Order(StringComparer.Ordinal).ToList();
                var name = l.RoleName(roleId);
                return new AuditLine("role.permissions-changed", $"Changed the permissions of role{Named(name)}: "
                        + string.Join("; ", new[] { Listed("added", after.Except(before)), Listed("removed", before.Except(after)) }.OfType<string>()),
                    "role", roleId, null, [new AuditChange("Permissions", Join(before.Order(StringComparer.Ordinal)), Join(after))]);
            });
        }
    }

    /// <summary>One line per person whose roles changed: the roles before and after, by name.</summary>
    private void Roles(List<EntityEntry> entries)
    {
        foreach (var group in entries.GroupBy(e => ((IdentityUserRole<string>)e.Entity).UserId))
        {
            var userId = group.Key;
            _lookups.UsersWithRoles.Add(userId);
            _lookups.Users.Add(userId);
            var added = group.Where(e => e.State == EntityState.Added).Select(e => ((IdentityUserRole<string>)e.Entity).RoleId).ToList();
            var removed = group.Where(e => e.State == EntityState.Deleted).Select(e => ((IdentityUserRole<string>)e.Entity).RoleId).ToList();
            foreach (var roleId in added.Concat(removed))
            {
                _lookups.Roles.Add(roleId);
            }

            _lines.Add(l =>
            {
                var before = l.RolesBefore.GetValueOrDefault(userId) ?? [];
                var after = before.Except(removed).Concat(added).Distinct().ToList();
                string? Names(IEnumerable<string> ids) => Join(ids.Select(l.RoleName).Order(StringComparer.Ordinal));
                var name = l.UserName(userId);
                return new AuditLine("staff.role-changed", $"Changed the role of{Named(name)} to {Names(after) ?? "none"}", "staff", userId, null,
                    [new AuditChange("Role", Names(before), Names(after))]);
            });
        }
    }

    private static string Claim(EntityEntry entry, bool original)
    {
        var type = (string?)(original ? entry.Property("ClaimType").OriginalValue : entry.Property("ClaimType").CurrentValue);
        var value = (string?)(original ? entry.Property("ClaimValue").OriginalValue : entry.Property("ClaimValue").CurrentValue);
        return type == StaffRoles.PermissionClaim ? value ?? "" : $"{type}={value}";
    }

    // Link rows keep their keys on the object: EF fixes up a new parent's id there, and a deleted row keeps its own.
    private static AuditLine Profile(int customerId, string action, string summary, AuditChange change) =>
        new(action, summary, "profile", Text(customerId), customerId, [change]);

    private static IEnumerable<(string Field, PropertyEntry Property)> Properties(EntityEntry entry) =>
        Fields(entry.Metadata).Select(f => (f.Field, f.Complex is null ? entry.Property(f.Property) : entry.ComplexProperty(f.Complex).Property(f.Property)));

    private static object? Value(EntityEntry entry, string property, bool original)
    {
        var p = entry.Property(property);
        return original ? p.OriginalValue : p.CurrentValue;
    }

    private static string? KeyOf(EntityEntry entry, bool original) =>
        entry.Metadata.FindPrimaryKey() is { } key
            ? string.Join("/", key.Properties.Select(p => Text(Value(entry, p.Name, original))))
            : null;

    private static int? CustomerIdOf(EntityEntry entry, bool original) =>
        entry.Entity is Customers.Customer
            ? (int?)Value(entry, "Id", original)
            : entry.Metadata.FindProperty("CustomerId") is not null ? Value(entry, "CustomerId", original) as int? : null;

    private static string? Text(object? value) => value switch
    {
        null => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static bool IsBlank(object? value) => value is null or false or 0 or 0L or 0d || (value is Enum e && Convert.ToInt64(e, CultureInfo.InvariantCulture) == 0);

    private static string Named(string? name) => string.IsNullOrEmpty(name) ? "" : $" “{name}”";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string? Join(IEnumerable<string> values) => values.ToList() is { Count: > 0 } list ? string.Join(", ", list) : null;

    private static string? Listed(string what, IEnumerable<string> values) => Join(values) is { } list ? $"{what} {list}" : null;

    /// <summary>The names links point at and the sets before the save, loaded in one go per kind.</summary>
    internal sealed class Lookups
    {
        public HashSet<int> Tags { get; } = [];

        public HashSet<int> Lists { get; } = [];

        public HashSet<int> Fields { get; } = [];

        public HashSet<int> Options { get; } = [];

        public HashSet<string> Roles { get; } = [];

        public HashSet<string> Users { get; } = [];

        public HashSet<string> RolesWithClaims { get; } = [];

        public HashSet<string> UsersWithRoles { get; } = [];

        public Dictionary<string, List<string>> ClaimsBefore { get; private set; } = [];

        public Dictionary<string, List<string>> RolesBefore { get; private set; } = [];

        private Dictionary<int, string> _tagNames = [];
        private Dictionary<int, string> _listNames = [];
        private Dictionary<int, (string Name, CustomFieldType Type)> _fields = [];
        private Dictionary<int, string> _optionLabels = [];
        private Dictionary<string, string?> _roleNames = [];
        private Dictionary<string, string> _userNames = [];

        public string TagName(int id) => _tagNames.GetValueOrDefault(id) ?? $"#{id}";

        public string ListName(int id) => _listNames.GetValueOrDefault(id) ?? $"#{id}";

        public string FieldName(int id) => _fields.TryGetValue(id, out var f) ? f.Name : $"Field #{id}";

        public string RoleName(string id) => _roleNames.GetValueOrDefault(id) ?? id;

        public string? UserName(string id) => _userNames.GetValueOrDefault(id);

        public string? FieldValue(CustomFieldValue value) =>
            FieldText(value.Flag, value.OptionId, value.Text, value.Number, value.Date, _optionLabels.GetValueOrDefault);

        /// <summary>Names of the tracked rows (a tag renamed in this save is shown with its new name).</summary>
        public void AddTracked(DirectoryDbContext db)
        {
            foreach (var entity in db.ChangeTracker.Entries().Where(e => e.State != EntityState.Detached).Select(e => e.Entity))
            {
                switch (entity)
                {
                    case Tag tag:
                        _tagNames[tag.Id] = tag.Name;
                        break;
                    case MailingList list:
                        _listNames[list.Id] = list.Name;
                        break;
                    case IdentityRole role:
                        _roleNames[role.Id] = role.Name;
                        break;
                    case StaffUser user:
                        _userNames[user.Id] = user.DisplayName;
                        break;
                }
            }
        }

        public async Task LoadAsync(DirectoryDbContext db, bool async, CancellationToken ct)
        {
            AddTracked(db);

            await FillAsync(_tagNames, Tags, ids => db.Tags.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new KeyValuePair<int, string>(t.Id, t.Name)), async, ct);
            await FillAsync(_listNames, Lists, ids => db.MailingLists.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new KeyValuePair<int, string>(t.Id, t.Name)), async, ct);
            await FillAsync(_roleNames, Roles, ids => db.Roles.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => new KeyValuePair<string, string?>(r.Id, r.Name)), async, ct);
            await FillAsync(_userNames, Users, ids => db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new KeyValuePair<string, string>(u.Id, u.DisplayName)), async, ct);
            if (Fields.Count > 0)
            {
                var fieldIds = Fields.ToList();
                _fields = (await ListAsync(db.CustomFields.AsNoTracking().Where(f => fieldIds.Contains(f.Id)).Select(f => new { f.Id, f.Name, f.Type }), async, ct))
                    .ToDictionary(f => f.Id, f => (f.Name, f.Type));
            }

            await FillAsync(_optionLabels, Options, ids => db.CustomFieldOptions.AsNoTracking().Where(o => ids.Contains(o.Id)).Select(o => new KeyValuePair<int, string>(o.Id, o.Label)), async, ct);

            if (RolesWithClaims.Count > 0)
            {
                var roleIds = RolesWithClaims.ToList();
                var claims = await ListAsync(db.RoleClaims.AsNoTracking().Where(c => roleIds.Contains(c.RoleId)).Select(c => new { c.RoleId, c.ClaimType, c.ClaimValue }), async, ct);
                ClaimsBefore = claims.GroupBy(c => c.RoleId).ToDictionary(
                    g => g.Key, g => g.Select(c => c.ClaimType == StaffRoles.PermissionClaim ? c.ClaimValue ?? "" : $"{c.ClaimType}={c.ClaimValue}").ToList());
            }

            if (UsersWithRoles.Count > 0)
            {
                var userIds = UsersWithRoles.ToList();
                var links = await ListAsync(db.UserRoles.AsNoTracking().Where(r => userIds.Contains(r.UserId)).Select(r => new { r.UserId, r.RoleId }), async, ct);
                RolesBefore = links.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => r.RoleId).ToList());
                var missing = links.Select(r => r.RoleId).Where(id => !_roleNames.ContainsKey(id)).ToHashSet();
                await FillAsync(_roleNames, missing, ids => db.Roles.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => new KeyValuePair<string, string?>(r.Id, r.Name)), async, ct);
            }
        }

        private static async Task FillAsync<TKey, TValue>(Dictionary<TKey, TValue> into, HashSet<TKey> wanted, Func<List<TKey>, IQueryable<KeyValuePair<TKey, TValue>>> query, bool async, CancellationToken ct)
            where TKey : notnull
        {
            var missing = wanted.Where(id => !into.ContainsKey(id)).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            foreach (var (key, value) in await ListAsync(query(missing), async, ct))
            {
                into[key] = value;
            }
        }

        private static async Task<List<T>> ListAsync<T>(IQueryable<T> query, bool async, CancellationToken ct) =>
            async ? await query.ToListAsync(ct) : query.ToList();
    }
}

/// <summary>One audit line before it gets its time and actor.</summary>
internal sealed record AuditLine(string Action, string Summary, string RecordType, string? RecordId, int? CustomerId, IReadOnlyList<AuditChange> Changes);
