using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Jobs;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerDirectory.Jobs;

/// <summary>
/// /health: degraded when the time sweep has not succeeded within three intervals (groups may be stale), or when
/// an automated group is late or failed; the description names them.
/// </summary>
public sealed class JobsHealthCheck(JobRunLog log, JobsOptions options, GroupService groups, TimeProvider clock) : IHealthCheck
{
    private readonly DateTime _started = clock.GetUtcNow().UtcDateTime;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The health endpoint is anonymous; it reads group status as Directory and reports only names and lateness.
        using var _ = StaffAccess.AsSystem();
        var problems = new List<string>();
        var now = clock.GetUtcNow().UtcDateTime;
        var window = options.SweepInterval * 3 + TimeSpan.FromSeconds(30);
        if (options.Enabled && now - _started > window)
        {
            var last = (await log.RecentAsync("Time sweep", 20, cancellationToken)).FirstOrDefault(r => r.Status == JobRunStatus.Succeeded);
            if (last?.FinishedAt is not { } at)
            {
                problems.Add("the time sweep has not succeeded since start-up");
            }
            else if (now - at > window)
            {
                problems.Add($"the time sweep last succeeded {(now - at).TotalMinutes:F0} min ago");
            }
        }

        foreach (var group in await groups.ListAsync(cancellationToken))
        {
            if (group.Status is GroupStatus.Late or GroupStatus.Failed)
            {
                problems.Add($"group “{group.Name}” is {(group.Status == GroupStatus.Late ? "late" : "failing: " + group.LastError)}");
            }
        }

        return problems.Count == 0 ? HealthCheckResult.Healthy("Jobs and groups are current.") : HealthCheckResult.Degraded(string.Join("; ", problems));
    }
}
