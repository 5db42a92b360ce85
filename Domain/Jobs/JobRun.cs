namespace CustomerDirectory.Domain.Jobs;

public enum JobRunStatus
{
    Running,
    Succeeded,
    Failed,

    /// <summary>The process stopped while it ran (found at the next start); the job's recovery re-runs it.</summary>
    Interrupted,
}

/// <summary>One run of a background job, for the Jobs page: when, how long, how much, what changed, what failed.</summary>
public sealed class JobRun
{
    public const int NameMaxLength = 100;
    public const int ErrorMaxLength = 2000;

    public long Id { get; set; }

    /// <summary>The job's name (e.g. "Time sweep").</summary>
    public string Job { get; set; } = "";

    /// <summary>Why it ran: on schedule, run now, catch-up after downtime, recovery after a crash.</summary>
    public string Reason { get; set; } = "";

    public DateTime StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public int? DurationMs { get; set; }

    /// <summary>What it looked at (groups evaluated).</summary>
    public int Items { get; set; }

    /// <summary>What it changed (people who entered or left a group).</summary>
    public int Changes { get; set; }

    /// <summary>Changes a backstop made that event-driven updates should already have made (0 when all is well).</summary>
    public int? Drift { get; set; }

    public JobRunStatus Status { get; set; }

    public string? Error { get; set; }
}
