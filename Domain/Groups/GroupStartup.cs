using CustomerDirectory.Domain.Filters.Index;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Groups;

/// <summary>
/// Once the profile index is built (or failed to build: then SQL does the work), creates the predefined groups the
/// first time and evaluates every automated group, catching up with the time that passed while the app was down.
/// </summary>
internal sealed class GroupStartup(ProfileIndex index, GroupService groups, GroupEngine engine, ILogger<GroupStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var _ = Staff.StaffAccess.AsSystem();
        try
        {
            await Task.Yield();
            try
            {
                await index.Built.WaitAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Logged by the index builder; groups are evaluated by SQL.
            }

            await groups.EnsurePredefinedAsync(stoppingToken);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var summary = await engine.EvaluateAllAsync(MembershipCause.Rule, null, stoppingToken);
            logger.LogInformation("Groups evaluated at start-up in {Ms} ms: {Entered} entered, {Left} left", watch.ElapsedMilliseconds, summary.Entered, summary.Left);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Groups could not be prepared at start-up");
        }
    }
}
