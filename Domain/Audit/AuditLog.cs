using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Audit;

/// <summary>
/// The audit log: who did what, when. Entity changes are written by the save itself (an EF Core interceptor); this
/// service writes the events that are not entity changes (sign-in, export, import, merge) and reads the log.
/// </summary>
/// <remarks>
/// The log keeps what each change was, including values the actor was not allowed to see (contact details, totals):
/// a masked log could not say what was changed. It is therefore readable only with <see cref="Permission.ViewAuditLog"/>,
/// which the Owner and Manager roles have. Internal notes' text and secrets (password hashes, stamps, tokens) are
/// never copied into it. Every value is neutralised (<see cref="AuditText.Neutralize"/>), so a line stays one line.
/// </remarks>
public sealed class AuditLog(IDbContextFactory<DirectoryDbContext> dbFactory, StaffAccess access, TimeProvider clock)
{
    /// <summary>How a line names an actor who was not signed in (a failed sign-in).</summary>
    public const string NobodyName = "Not signed in";

    /// <summary>
    /// Appends one event. Needs no permission (a failed sign-in has no actor): callers are the app's own code, and
    /// the line records who was acting. Inside a caller's transaction, pass its context through the overload instead.
    /// </summary>
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await WriteAsync(db, auditEvent, ct);
    }

    /// <summary>
    /// Appends one event on <paramref name="db"/>, so that it commits with the caller's transaction (for example
    /// next to an <c>ExecuteDelete</c>, which the interceptor cannot see).
    /// </summary>
    public async Task WriteAsync(DirectoryDbContext db, AuditEvent auditEvent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(auditEvent);
        db.AuditEntries.Add(Entry(clock.GetUtcNow().UtcDateTime, auditEvent.Actor ?? access.Current, auditEvent.Action, auditEvent.Summary,
            auditEvent.RecordType, auditEvent.RecordId, auditEvent.CustomerId, auditEvent.Changes));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The log, newest first, filtered.</summary>
    public async Task<AuditPage> SearchAsync(AuditSearch search, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewAuditLog, ct);
        ArgumentNullException.ThrowIfNull(search);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lines = db.AuditEntries.AsNoTracking();
        if (search.Actor is { } actor)
        {
            lines = actor.Id is null
                ? lines.Where(a => a.ActorId == null && a.ActorName == actor.Name)
                : lines.Where(a => a.ActorId == actor.Id);
        }

        if (Customers.ContactRules.Clean(search.ActionPrefix) is { } prefix)
        {
            lines = lines.Where(a => a.Action.StartsWith(prefix));
        }

        if (Customers.ContactRules.Clean(search.RecordType) is { } recordType)
        {
            lines = lines.Where(a => a.RecordType == recordType);
        }

        if (Customers.ContactRules.Clean(search.RecordId) is { } recordId)
        {
            lines = lines.Where(a => a.RecordId == recordId);
        }

        if (search.CustomerId is { } customerId)
        {
            lines = lines.Where(a => a.CustomerId == customerId);
        }

        if (search.FromUtc is { } from)
        {
            lines = lines.Where(a => a.At >= from);
        }

        if (search.ToUtc is { } to)
        {
            lines = lines.Where(a => a.At < to);
        }

        return await PageAsync(lines, search.Skip, search.Take, ct);
    }

    /// <summary>A profile's history: every line about it, newest first.</summary>
    public async Task<AuditPage> ForCustomerAsync(int customerId, int skip = 0, int take = 50, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewAuditLog, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PageAsync(db.AuditEntries.AsNoTracking().Where(a => a.CustomerId == customerId), skip, take, ct);
    }

    /// <summary>Whom the log can be filtered by: every member of staff, every API key, Directory itself, and people not signed in.</summary>
    public async Task<IReadOnlyList<AuditActorFilter>> ActorsAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewAuditLog, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var staff = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).Select(u => new AuditActorFilter(u.Id, u.DisplayName)).ToListAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Name).Select(k => new { k.Id, k.Name }).ToListAsync(ct);
        return [.. staff, .. keys.Select(k => new AuditActorFilter(StaffActor.ApiKey(k.Id, k.Name, new HashSet<Permission>()).Id, $"API key “{k.Name}”")),
            new AuditActorFilter(null, StaffActor.System.Name), new AuditActorFilter(null, NobodyName)];
    }

    /// <summary>The one way a line is made: every text neutralised and cut to its column.</summary>
    internal static AuditEntry Entry(DateTime at, StaffActor? actor, string action, string summary, string? recordType, string? recordId, int? customerId, IReadOnlyList<AuditChange>? changes) => new()
    {
        At = at,
        ActorId = actor is null || actor.IsSystem ? null : AuditText.Line(actor.Id, 450),
        ActorName = AuditText.Line(actor?.Name ?? NobodyName, AuditEntry.NameMaxLength),
        Action = AuditText.Line(action, AuditEntry.ActionMaxLength),
        RecordType = AuditText.Line(recordType, 40),
        RecordId = AuditText.Line(recordId, AuditEntry.RecordMaxLength),
        CustomerId = customerId,
        Summary = AuditText.Line(summary, AuditEntry.SummaryMaxLength),
        Changes = AuditText.ToJson(changes),
    };

    private static async Task<AuditPage> PageAsync(IQueryable<AuditEntry> lines, int skip, int take, CancellationToken ct)
    {
        take = Math.Clamp(take, 1, AuditSearch.MaxTake);
        var total = await lines.CountAsync(ct);
        // Ids only grow, so "newest first" is the id, which every index ends with.
        var page = await lines.OrderByDescending(a => a.Id).Skip(Math.Max(0, skip)).Take(take).ToListAsync(ct);
        return new AuditPage(
            [.. page.Select(a => new AuditRow(a.Id, a.At, a.ActorId, a.ActorName, a.Action, a.RecordType, a.RecordId, a.CustomerId, a.Summary, AuditText.FromJson(a.Changes)))],
            total);
    }
}
