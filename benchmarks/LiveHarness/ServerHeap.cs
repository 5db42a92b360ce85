using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CustomerDirectory.LiveHarness;

/// <summary>
/// The app's own account of its managed memory, read from outside over EventPipe (the runtime's diagnostics
/// channel, as dotnet-gcdump does): enabling the GCHeapCollect keyword makes the runtime run a full, blocking
/// collection, and the GC's end-of-collection statistics say what survived it. Nothing is added to the app.
/// </summary>
public static class ServerHeap
{
    /// <param name="LiveBytes">Bytes of objects that survived the full collection (every generation, large and pinned objects included).</param>
    /// <param name="HeapBytes">The managed heap's size after it (live objects plus free space between them).</param>
    public readonly record struct Reading(long LiveBytes, long HeapBytes);

    /// <summary>Forces a full collection in process <paramref name="processId"/> and reads the heap after it.</summary>
    public static async Task<Reading> AfterFullCollectionAsync(int processId, CancellationToken ct = default)
    {
        var client = new DiagnosticsClient(processId);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false, circularBufferMB: 64, ct);
        using var source = new EventPipeEventSource(session.EventStream);
        var reading = new TaskCompletionSource<Reading>(TaskCreationOptions.RunContinuationsAsynchronously);
        var full = false;
        source.Clr.GCStart += e => full = e.Depth == 2 && e.Type != GCType.BackgroundGC;
        source.Clr.GCHeapStats += e =>
        {
            if (full)
            {
                var live = e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2 + e.TotalPromotedSize3 + e.TotalPromotedSize4;
                reading.TrySetResult(new Reading(live, e.TotalHeapSize));
            }
        };
        var processing = Task.Run(source.Process, ct);
        try
        {
            return await reading.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        }
        finally
        {
            await session.StopAsync(ct);
            await processing;
        }
    }

    /// <summary>
    /// What the live objects are: forces a full collection with the heap walk on (GCHeapSnapshot, as dotnet-gcdump
    /// asks for) and adds up the size and number of the objects of each type.
    /// </summary>
    public static async Task<Dictionary<string, (long Bytes, long Count)>> TypesAsync(int processId, CancellationToken ct = default)
    {
        var client = new DiagnosticsClient(processId);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GCHeapSnapshot)],
            requestRundown: false, circularBufferMB: 1024, ct);
        using var source = new EventPipeEventSource(session.EventStream);
        var sizes = new Dictionary<ulong, (long Bytes, long Count)>();
        var names = new Dictionary<ulong, string>();
        var walked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Clr.GCBulkNode += e =>
        {
            for (var i = 0; i < e.Count; i++)
            {
                var node = e.Values(i);
                var (bytes, count) = sizes.GetValueOrDefault(node.TypeID);
                sizes[node.TypeID] = (bytes + (long)node.Size, count + 1);
            }
        };
        source.Clr.TypeBulkType += e =>
        {
            for (var i = 0; i < e.Count; i++)
            {
                names[e.Values(i).TypeID] = e.Values(i).TypeName;
            }
        };
        source.Clr.GCHeapStats += _ => walked.TrySetResult();
        var processing = Task.Run(source.Process, ct);
        await walked.Task.WaitAsync(TimeSpan.FromSeconds(120), ct);
        await session.StopAsync(ct);
        await processing;
        return sizes
            .GroupBy(p => names.GetValueOrDefault(p.Key, "?"))
            .ToDictionary(g => g.Key, g => (g.Sum(p => p.Value.Bytes), g.Sum(p => p.Value.Count)));
    }
}
