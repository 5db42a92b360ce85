using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.App.Components.Groups;

/// <summary>
/// Refreshes a page a couple of times a second while a group is being evaluated: the engine reports progress in
/// memory, not on the change feed (which only says when the evaluation starts and ends).
/// </summary>
internal sealed class ProgressPoll(Func<Func<Task>, Task> dispatch, Func<Task> refresh) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly StaffActor? _actor = StaffAccess.AmbientActor;
    private CancellationTokenSource? _running;

    /// <summary>Starts polling when <paramref name="computing"/>, stops when not; idempotent.</summary>
    public void Keep(bool computing)
    {
        if (computing && _running is null)
        {
            _running = new CancellationTokenSource();
            _ = LoopAsync(_running.Token);
        }
        else if (!computing && _running is not null)
        {
            _running.Cancel();
            _running = null;
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await dispatch(async () =>
                {
                    using var _ = StaffAccess.As(_actor);
                    await refresh();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the evaluation ended or the page closed.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away.
        }
    }

    public void Dispose() => Keep(false);
}
