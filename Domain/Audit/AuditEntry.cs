namespace CustomerDirectory.Domain.Audit;

/// <summary>
/// One line of the audit log: who did what, when (UTC), to which record, with the fields' values before and after.
/// Append-only: the database refuses updates and deletes of these rows (triggers).
/// </summary>
public sealed class AuditEntry
{
    public const int ActionMaxLength = 60;
    public const int NameMaxLength = 200;
    public const int RecordMaxLength = 100;
    public const int SummaryMaxLength = 500;

    public long Id { get; set; }

    public DateTime At { get; set; }

    /// <summary>The staff member's id; null for Directory itself (jobs) or an unknown person (a failed sign-in).</summary>
    public string? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    /// <summary>What happened, e.g. "profile.updated", "group.rule-changed", "staff.role-changed", "sign-in.failed".</summary>
    public string Action { get; set; } = "";

    /// <summary>The kind of record ("profile", "group", "staff", "role"…), or null.</summary>
    public string? RecordType { get; set; }

    /// <summary>The record's id as text.</summary>
    public string? RecordId { get; set; }

    /// <summary>The profile concerned, for the profile's History.</summary>
    public int? CustomerId { get; set; }

    /// <summary>One line a person reads ("Renamed Regulars to Best customers").</summary>
    public string Summary { get; set; } = "";

    /// <summary>The changed fields as JSON: [{"field":"Email","before":"…","after":"…"}]; null when none.</summary>
    public string? Changes { get; set; }
}
