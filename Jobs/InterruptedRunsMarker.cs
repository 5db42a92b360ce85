using CustomerDirectory.Domain.Jobs;
using Microsoft.Extensions.Hosting;

namespace CustomerDirectory.Jobs;

/// <summary>At start-up, before the scheduler runs anything: runs the last process left "running" are marked interrupted.</summary>
internal sealed class InterruptedRunsMarker(JobRunLog log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => log.MarkInterruptedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
