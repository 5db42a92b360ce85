using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>Builds the profile index in the background once the host has started; the directory uses SQL meanwhile.</summary>
internal sealed class ProfileIndexBuilder(ProfileIndex index, ILogger<ProfileIndexBuilder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            await index.BuildAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before the index was ready: nothing to keep.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The directory keeps working on SQL; the error says why it is slower.
            logger.LogError(e, "The profile index could not be built; filters and search run on SQL");
        }
    }
}
