using CustomerDirectory.App.Live;
using CustomerDirectory.Domain.Changes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerDirectory.App.Tests.Live;

public class LiveRefreshTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    private static ChangeFeed NewFeed() => new(TimeProvider.System, NullLogger<ChangeFeed>.Instance, []);

    // Stands in for a component's InvokeAsync: one refresh at a time, like a circuit's dispatcher.
    private static Func<Func<Task>, Task> SerialDispatcher()
    {
        var gate = new SemaphoreSlim(1, 1);
        return async work =>
        {
            await gate.WaitAsync();
            try
            {
                await work();
            }
            finally
            {
                gate.Release();
            }
        };
    }

    [Fact]
    public async Task AFirstEvent_RefreshesAtOnce()
    {
        // A long window, so that "at once" stays clear of it even on a busy machine.
        var window = TimeSpan.FromSeconds(2);
        var feed = NewFeed();
        var refreshed = new TaskCompletionSource<TimeSpan>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var live = new LiveRefresh(feed, _ => true, SerialDispatcher(), () =>
        {
            refreshed.TrySetResult(clock.Elapsed);
            return Task.CompletedTask;
        }, window);

        feed.Publish(ChangeKind.CustomerUpdated, 1);

        Assert.True(await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(10)) < window, "the first refresh must not wait for the window");
    }

    [Fact]
    public async Task ABurst_IsCoalesced_AndTheLastEventIsAlwaysShown()
    {
        var feed = NewFeed();
        var refreshes = 0;
        long lastSeen = 0;
        using var live = new LiveRefresh(feed, _ => true, SerialDispatcher(), async () =>
        {
            Interlocked.Increment(ref refreshes);
            Interlocked.Exchange(ref lastSeen, feed.LastSequence);
            await Task.Delay(20); // a reload takes a moment
        }, Window);

        for (var i = 0; i < 200; i++)
        {
            feed.Publish(ChangeKind.CustomerUpdated, i);
        }

        await Task.Delay(Window * 4);
        Assert.InRange(refreshes, 1, 3);
        Assert.Equal(feed.LastSequence, Interlocked.Read(ref lastSeen)); // the final refresh saw the final state
    }

    [Fact]
    public async Task EventsThatDoNotMatter_AndEventsAfterDispose_RefreshNothing()
    {
        var feed = NewFeed();
        var refreshes = 0;
        var live = new LiveRefresh(feed, e => e.CustomerId == 7, SerialDispatcher(), () =>
        {
            Interlocked.Increment(ref refreshes);
            return Task.CompletedTask;
        });

        feed.Publish(ChangeKind.CustomerUpdated, 8);
        live.Dispose();
        feed.Publish(ChangeKind.CustomerUpdated, 7);
        await Task.Delay(100);

        Assert.Equal(0, refreshes);
    }

    [Fact]
    public async Task TheRefresh_IsGivenTheEventsSinceThePreviousOne_EachOnce()
    {
        var feed = NewFeed();
        var seen = new List<long>();
        var firstStarted = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        using var live = new LiveRefresh(feed, e => e.CustomerId != 0, SerialDispatcher(), async changes =>
        {
            lock (seen)
            {
                seen.AddRange(changes!.Select(c => c.Sequence));
            }

            if (firstStarted.TrySetResult())
            {
                await releaseFirst.Task; // events arriving now belong to the next refresh
            }
        }, Window);

        feed.Publish(ChangeKind.CustomerUpdated, 1);
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        feed.Publish(ChangeKind.CustomerUpdated, 0); // does not matter: not given
        feed.Publish(ChangeKind.CustomerUpdated, 2);
        feed.Publish(ChangeKind.CustomerUpdated, 3);
        releaseFirst.SetResult();
        await Task.Delay(Window * 4);

        lock (seen)
        {
            Assert.Equal([1L, 3L, 4L], seen);
        }
    }

    [Fact]
    public async Task TheRefresh_AfterTooManyEventsToList_IsGivenNull()
    {
        var feed = NewFeed();
        var given = new TaskCompletionSource<IReadOnlyList<ChangeEvent>?>();
        var gate = new TaskCompletionSource();
        using var live = new LiveRefresh(feed, _ => true, async work =>
        {
            await gate.Task; // the dispatcher is busy while the burst arrives
            await work();
        }, changes =>
        {
            given.TrySetResult(changes);
            return Task.CompletedTask;
        }, Window);

        for (var i = 0; i < 1000; i++)
        {
            feed.Publish(ChangeKind.CustomerUpdated, i);
        }

        gate.SetResult();

        Assert.Null(await given.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
