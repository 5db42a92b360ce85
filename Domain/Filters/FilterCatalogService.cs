using System.Globalization;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Filters;

/// <summary>
/// The current <see cref="FilterCatalog"/>, rebuilt after any change to custom fields, tags, lists or groups, so a field
/// defined a moment ago is filterable at once and a deleted one is gone, without a restart.
/// </summary>
public sealed class FilterCatalogService : IDisposable
{
    private readonly IDbContextFactory<DirectoryDbContext> _dbFactory;
    private readonly CustomFieldService _customFields;
    private readonly IDisposable _subscription;
    private readonly Lock _gate = new();
    private Task<FilterCatalog>? _current;
    private long _version;
    private long _currentVersion = -1;

    public FilterCatalogService(IDbContextFactory<DirectoryDbContext> dbFactory, CustomFieldService customFields, ChangeFeed changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        _dbFactory = dbFactory;
        _customFields = customFields;
        _subscription = changes.Subscribe(change =>
        {
            if (change.Kind is ChangeKind.DefinitionsChanged or ChangeKind.GroupsChanged)
            {
                Interlocked.Increment(ref _version);
            }
        });
    }

    public Task<FilterCatalog> GetAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            // The version is read before loading starts, so a change committed during the load forces another.
            var version = Interlocked.Read(ref _version);
            if (_current is null || _currentVersion != version || _current.IsFaulted || _current.IsCanceled)
            {
                _current = LoadAsync(ct);
                _currentVersion = version;
            }

            return _current;
        }
    }

    private async Task<FilterCatalog> LoadAsync(CancellationToken ct)
    {
        var fields = await _customFields.ListAsync(ct);
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var tags = await db.Tags.AsNoTracking().OrderBy(t => t.NameKey).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        var lists = await db.MailingLists.AsNoTracking().OrderBy(l => l.NameKey).Select(l => new { l.Id, l.Name }).ToListAsync(ct);
        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.NameKey).Select(g => new { g.Id, g.Name }).ToListAsync(ct);
        return FilterCatalog.Build(
            fields,
            tags.Select(t => new FilterOption(t.Id.ToString(CultureInfo.InvariantCulture), t.Name)),
            lists.Select(l => new FilterOption(l.Id.ToString(CultureInfo.InvariantCulture), l.Name)),
            [.. groups.Select(g => new FilterOption(g.Id.ToString(CultureInfo.InvariantCulture), g.Name))]);
    }

    public void Dispose() => _subscription.Dispose();
}
