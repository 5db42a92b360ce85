using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.Domain.Audit;

/// <summary>One field of a record, before and after (null: absent or empty). Values are display text, already neutralised.</summary>
public sealed record AuditChange(string Field, string? Before, string? After);

/// <summary>
/// An event that is not an entity change (sign-in, export, import, merge…), for <see cref="AuditLog.WriteAsync(AuditEvent, CancellationToken)"/>.
/// </summary>
/// <param name="Action">Dotted, lower-case: "sign-in.failed", "export.customers".</param>
/// <param name="Summary">One line a person reads.</param>
/// <param name="RecordType">The kind of record concerned ("profile", "staff"…), or null.</param>
/// <param name="RecordId">The record's id as text, or null.</param>
/// <param name="CustomerId">The profile concerned, so the line shows in its History.</param>
/// <param name="Changes">Fields and their values, if any.</param>
/// <param name="Actor">Who did it; null: the current actor (<see cref="StaffAccess.Current"/>).</param>
public sealed record AuditEvent(
    string Action,
    string Summary,
    string? RecordType = null,
    string? RecordId = null,
    int? CustomerId = null,
    IReadOnlyList<AuditChange>? Changes = null,
    StaffActor? Actor = null);

/// <summary>Who to show: a member of staff by id, or (with a null id) a non-person such as "Directory".</summary>
public sealed record AuditActorFilter(string? Id, string Name);

/// <summary>What the audit log page asks for. Every filter is optional; <see cref="ToUtc"/> is exclusive.</summary>
public sealed record AuditSearch
{
    public const int MaxTake = 200;

    public AuditActorFilter? Actor { get; init; }

    /// <summary>"profile." finds profile.created, profile.updated…; "sign-in" every sign-in event.</summary>
    public string? ActionPrefix { get; init; }

    public string? RecordType { get; init; }

    public string? RecordId { get; init; }

    public int? CustomerId { get; init; }

    public DateTime? FromUtc { get; init; }

    public DateTime? ToUtc { get; init; }

    public int Skip { get; init; }

    public int Take { get; init; } = 50;
}

/// <summary>One line of the log as the page shows it.</summary>
public sealed record AuditRow(
    long Id,
    DateTime At,
    string? ActorId,
    string ActorName,
    string Action,
    string? RecordType,
    string? RecordId,
    int? CustomerId,
    string Summary,
    IReadOnlyList<AuditChange> Changes);

/// <summary>A page of the log, newest first, and how many lines match in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, int Total);
