using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace CustomerDirectory.LiveHarness;

/// <summary>
/// Where the app's CPU goes while it pushes a change to every open view: an EventPipe CPU-sampling trace of the app
/// (what dotnet-trace's cpu-sampling profile records), summarised by the part of the stack each sample is in.
/// </summary>
public sealed class ServerProfile : IAsyncDisposable
{
    // Each sample goes to the first of these found walking from the sampled frame towards the thread's root, so a
    // string copy inside EF counts as EF and one inside the grid as rendering.
    private static readonly (string Name, string[] Prefixes)[] Parts =
    [
        ("SQLite (native engine + ADO.NET)", ["SQLitePCL.", "Microsoft.Data.Sqlite."]),
        ("EF Core (query pipeline, connections, materialising rows)", ["Microsoft.EntityFrameworkCore."]),
        ("profile index and search (Domain)", ["CustomerDirectory.Domain."]),
        ("sending: render batch serialisation, SignalR, WebSockets, Kestrel",
            ["Microsoft.AspNetCore.Components.Server.", "Microsoft.AspNetCore.SignalR.", "MessagePack.", "System.Net.WebSockets.",
             "Microsoft.AspNetCore.Server.Kestrel.", "System.IO.Pipelines.", "System.Net.Sockets."]),
        ("rendering: Radzen components, Blazor diffing", ["Radzen.", "Microsoft.AspNetCore.Components."]),
        ("the directory page's own code (App)", ["CustomerDirectory.App."]),
    ];

    private static readonly string[] Watched =
    [
        "CustomerDirectory.App.Live.LiveRefresh",
        "CustomerDirectory.App.Components.Customers.CustomerList.LoadAsync",
        "CustomerDirectory.Domain.Customers.CustomerService.SearchAsync",
        "Microsoft.AspNetCore.Components.RenderTree.RenderTreeDiffBuilder",
        "Microsoft.AspNetCore.Components.RenderTree.Renderer.RenderInExistingBatch",
        "Microsoft.AspNetCore.Components.Server.Circuits.RemoteRenderer.UpdateDisplayAsync",
        "Radzen.Blazor.RadzenDataGrid",
    ];

    private readonly EventPipeSession _session;
    private readonly Task _copy;
    private readonly string _path;

    private ServerProfile(EventPipeSession session, Task copy, string path)
    {
        _session = session;
        _copy = copy;
        _path = path;
    }

    public static async Task<ServerProfile> StartAsync(int processId, string path)
    {
        var client = new DiagnosticsClient(processId);
        var session = await client.StartEventPipeSessionAsync(
            [
                new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
                new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.Default),
            ],
            requestRundown: true, circularBufferMB: 512, CancellationToken.None);
        var file = File.Create(path);
        var copy = Task.Run(async () =>
        {
            await using (file)
            {
                await session.EventStream.CopyToAsync(file);
            }
        });
        return new ServerProfile(session, copy, path);
    }

    /// <summary>Stops recording and returns the summary.</summary>
    public async Task<string> StopAsync()
    {
        await _session.StopAsync(CancellationToken.None);
        await _copy;
        return Summarise(_path);
    }

    private static string Summarise(string path)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var parts = new Dictionary<string, int>();
        var watched = new Dictionary<string, int>();
        var leaves = new Dictionary<string, int>();
        var cpu = 0;
        var gcPauseMs = 0.0;
        var gcs = 0;
        double? suspendedAt = null;
        foreach (var e in log.Events)
        {
            if (e.EventName == "GC/Start")
            {
                gcs++;
                continue;
            }

            // The sampler suspends the runtime too (every millisecond): only suspensions for a GC count as pauses.
            if (e.EventName == "GC/SuspendEEStart" && Convert.ToInt32(e.PayloadByName("Reason"), CultureInfo.InvariantCulture) is 1 or 6)
            {
                suspendedAt = e.TimeStampRelativeMSec;
                continue;
            }

            if (e.EventName == "GC/RestartEEStop" && suspendedAt is { } suspended)
            {
                gcPauseMs += e.TimeStampRelativeMSec - suspended;
                suspendedAt = null;
                continue;
            }

            if (e.ProviderName != "Microsoft-DotNETCore-SampleProfiler" || e.CallStack() is not { } stack)
            {
                continue;
            }

            // Type 2: the thread was running managed code. Type 1: outside managed code, which is waiting, except
            // when the last managed frame called into the native SQLite engine.
            var data = e.EventData();
            var managed = data.Length >= 4 && BitConverter.ToInt32(data, 0) == 2;
            var top = stack.CodeAddress.FullMethodName ?? "";
            if (!managed && !top.StartsWith("SQLitePCL.", StringComparison.Ordinal))
            {
                continue;
            }

            cpu++;
            var part = "other (runtime, JIT, thread pool, framework)";
            string? nearest = null;
            var seen = new HashSet<string>();
            for (var frame = stack; frame is not null; frame = frame.Caller)
            {
                var name = frame.CodeAddress.FullMethodName ?? "";
                foreach (var w in Watched)
                {
                    if (name.StartsWith(w, StringComparison.Ordinal) && seen.Add(w))
                    {
                        watched[w] = watched.GetValueOrDefault(w) + 1;
                    }
                }

                if (nearest is null)
                {
                    foreach (var (partName, prefixes) in Parts)
                    {
                        if (prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                        {
                            part = partName;
                            nearest = name;
                            break;
                        }
                    }
                }
            }

            parts[part] = parts.GetValueOrDefault(part) + 1;
            var leaf = nearest ?? top;
            leaves[leaf] = leaves.GetValueOrDefault(leaf) + 1;
        }

        var duration = log.SessionDuration.TotalMilliseconds;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"  CPU profile of the app ({path}): {cpu} busy samples over {duration / 1000:F1} s (shares only: on a busy machine the sampler skips ticks, so take totals from the app CPU figure), GC pauses {gcPauseMs:F0} ms in {gcs} collections"));
        foreach (var (name, count) in parts.OrderByDescending(p => p.Value))
        {
            text.AppendLine(Invariant($"    {count * 100.0 / cpu,5:F1} %  {name}"));
        }

        text.AppendLine("  inclusive (stack contains):");
        foreach (var (name, count) in watched.OrderByDescending(p => p.Value))
        {
            text.AppendLine(Invariant($"    {count * 100.0 / cpu,5:F1} %  {name}"));
        }

        text.AppendLine("  nearest known frame, top 15:");
        foreach (var (name, count) in leaves.OrderByDescending(p => p.Value).Take(15))
        {
            text.AppendLine(Invariant($"    {count * 100.0 / cpu,5:F1} %  {(name.Length > 150 ? name[..150] : name)}"));
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _session.Dispose();
        await _copy;
    }
}
