// Live-update harness: open directory views watch one person while the writer (a real Chromium page) renames
// that person and presses Save. Prints the time from pressing Save to each view getting the change, and the
// server memory per idle directory circuit. It asserts nothing.
//
// Browser mode: every view is a real Chromium page (its own browser context and circuit).
//   dotnet run -c Release --project benchmarks/LiveHarness -- --watchers 10,50,100 [--rounds 5]
// Client mode: the views are real Blazor Server circuits driven over SignalR without a browser (CircuitClient),
// plus a few Chromium watchers in the same rounds to check the clients' figures against real DOMs.
//   dotnet run -c Release --project benchmarks/LiveHarness -- --clients 100,1000 [--watchers 3] [--rounds 10] [--profile]
// --profile adds 3 saves at the last count under an EventPipe CPU-sampling trace and prints where the app's time went;
// --heap-types prints which objects the idle views hold (a heap walk per step; slow at 1,000 views).
using System.Globalization;
using CustomerDirectory.Browser.Tests;
using CustomerDirectory.LiveHarness;

var clientCounts = Counts(Arg("--clients"));
var watcherCounts = Counts(Arg("--watchers")) ?? (clientCounts is null ? [20, 50, 100] : [3]);
var rounds = int.Parse(Arg("--rounds") ?? "10", CultureInfo.InvariantCulture);
var profiles = int.Parse(Arg("--profiles") ?? "2000", CultureInfo.InvariantCulture);
var profile = args.Contains("--profile");
var heapTypes = args.Contains("--heap-types");
// The view everyone watches: by default the directory searched for the watched person (one row); the whole
// directory, newest first (25 rows, the watched person on top), with --path "/customers?sort=created&desc=1".
var watchedPath = Arg("--path") ?? "/customers?q=" + Writer.FirstName;

await using var app = await AppServer.StartAsync(demoProfiles: profiles);
var (playwright, browser) = await Chromium.LaunchAsync();
using var _ = playwright;
await using var __ = browser;
Console.WriteLine(Invariant($"App at {app.BaseUrl}, pid {app.ProcessId}; {Environment.ProcessorCount} cores; {profiles} demo profiles"));

var writer = await Writer.SetUpAsync(browser, app.BaseUrl);
var state = await writer.StorageStateAsync();
var round = 0;
var watchers = new List<BrowserWatcher>();
var neighbours = new List<int>(); // client mode: for each Chromium watcher, the index of the client opened just before it

if (clientCounts is null)
{
    await RunBrowserModeAsync();
}
else
{
    await RunClientModeAsync(clientCounts);
}

async Task RunBrowserModeAsync()
{
    foreach (var target in watcherCounts)
    {
        var before = app.ResidentBytes();
        var heapBefore = await ServerHeap.AfterFullCollectionAsync(app.ProcessId);
        var opened = watchers.Count;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watchers.Count < target)
        {
            watchers.Add(await BrowserWatcher.OpenAsync(browser, app.BaseUrl, state, watchedPath));
        }

        await Task.Delay(3000); // let the circuits go idle
        var heapAfter = await ServerHeap.AfterFullCollectionAsync(app.ProcessId);
        var after = app.ResidentBytes();
        Console.WriteLine();
        Console.WriteLine(Invariant($"{target} open directory views (opened in {watch.Elapsed.TotalSeconds:F0} s); server RSS {after / 1048576.0:F0} MB"));
        Console.WriteLine(Invariant($"  memory for the {target - opened} views opened in this step: live managed heap {PerView(heapAfter.LiveBytes - heapBefore.LiveBytes, target - opened)}, RSS +{(after - before) / 1048576.0:F1} MB"));

        var latencies = new Latencies();
        for (var r = 0; r < rounds; r++)
        {
            var expected = NextName();
            await Task.WhenAll(watchers.Select(w => w.ArmAsync(expected)));
            var t0 = await writer.SaveAsync(expected);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            foreach (var w in watchers)
            {
                latencies.Add(await w.SeenAtAsync(deadline) - t0);
            }
        }

        Console.WriteLine($"  Save → other browsers' DOM: {latencies}, {rounds} saves");
    }
}

async Task RunClientModeAsync(int[] counts)
{
    using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
    var cookie = await writer.CookieHeaderAsync();
    var page = new Uri(new Uri(app.BaseUrl), watchedPath);
    var clients = new List<CircuitClient>();
    try
    {
        // Warm-up, so that the baseline already holds every code path and cache a view uses: a Chromium view and
        // a SignalR circuit, opened and closed.
        await (await BrowserWatcher.OpenAsync(browser, app.BaseUrl, state, watchedPath)).CloseAsync();
        await using (await CircuitClient.OpenAsync(http, page, cookie, Writer.FirstName, CancellationToken.None))
        {
        }

        await Task.Delay(3000);
        var baseline = await HeapAsync();
        var rssBaseline = app.ResidentBytes();
        var baselineTypes = heapTypes ? await ServerHeap.TypesAsync(app.ProcessId) : null;
        Console.WriteLine(Invariant($"Baseline, no view open: live managed heap {baseline.LiveBytes / 1048576.0:F1} MB, heap {baseline.HeapBytes / 1048576.0:F1} MB, RSS {rssBaseline / 1048576.0:F0} MB"));

        foreach (var target in counts)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            if (watchers.Count == 0)
            {
                // The Chromium watchers are spread among the first clients, each right after one (its neighbour):
                // views are refreshed in the order they subscribed, so a watcher is compared with its neighbour.
                for (var j = 0; j < watcherCounts[0]; j++)
                {
                    await OpenClientsAsync(http, page, cookie, clients, Math.Max(1, target * (j + 1) / (watcherCounts[0] + 1)));
                    neighbours.Add(clients.Count - 1);
                    watchers.Add(await BrowserWatcher.OpenAsync(browser, app.BaseUrl, state, watchedPath));
                }
            }

            await OpenClientsAsync(http, page, cookie, clients, target);
            Console.WriteLine();
            Console.WriteLine(Invariant($"{target} SignalR circuits + {watchers.Count} Chromium watchers on the directory (clients opened in {watch.Elapsed.TotalSeconds:F0} s; load average {LoadAverage()})"));

            // Idle: nothing renders. Several readings, each after its own full collection.
            await Task.Delay(5000);
            var batchesBefore = clients.Sum(c => c.Batches);
            var readings = new List<ServerHeap.Reading>();
            for (var i = 0; i < 3; i++)
            {
                await Task.Delay(2000);
                readings.Add(await HeapAsync());
            }

            var rss = app.ResidentBytes();
            var idleBatches = clients.Sum(c => c.Batches) - batchesBefore;
            var live = readings.Select(x => x.LiveBytes).Order().ElementAt(1);
            var heap = readings.Select(x => x.HeapBytes).Order().ElementAt(1);
            var views = clients.Count + watchers.Count;
            Console.WriteLine(Invariant($"  memory per idle directory circuit: live managed heap {PerView(live - baseline.LiveBytes, views)} (readings {string.Join(", ", readings.Select(x => (x.LiveBytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture)))} MB), heap size {PerView(heap - baseline.HeapBytes, views)}, RSS {PerView(rss - rssBaseline, views)} (RSS {rss / 1048576.0:F0} MB); {idleBatches} render batches while idle"));

            if (baselineTypes is not null)
            {
                // Which objects the idle views hold, per view: the types that grew most since the baseline.
                var types = await ServerHeap.TypesAsync(app.ProcessId);
                Console.WriteLine("  live objects per idle view, by type (growth since the baseline, top 20):");
                foreach (var (type, (bytes, count)) in types
                    .Select(p => (p.Key, (Bytes: p.Value.Bytes - baselineTypes.GetValueOrDefault(p.Key).Bytes, Count: p.Value.Count - baselineTypes.GetValueOrDefault(p.Key).Count)))
                    .OrderByDescending(p => p.Item2.Bytes).Take(20))
                {
                    Console.WriteLine(Invariant($"    {bytes / 1024.0 / views,7:F1} KB {count / (double)views,7:F1} objects  {(type.Length > 110 ? type[..110] : type)}"));
                }
            }

            await RoundsAsync(clients, rounds, Invariant($"{rounds} saves"));
            if (profile && target == counts[^1])
            {
                // Separate rounds: sampling slows the app down, so these latencies are not the ones above.
                var trace = Path.Combine(Path.GetTempPath(), Invariant($"live-harness-{target}.nettrace"));
                var profiler = await ServerProfile.StartAsync(app.ProcessId, trace);
                await RoundsAsync(clients, 3, "3 more saves, profiled (slower)");
                Console.Write(await profiler.StopAsync());
            }

            var failed = clients.Count(c => c.Error is not null);
            if (failed > 0)
            {
                Console.WriteLine(Invariant($"  {failed} circuits failed; first error: {clients.First(c => c.Error is not null).Error}"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"JS interop calls the circuits made (answered 'done'): {string.Join(", ", CircuitClient.JSIdentifiers)}");
        foreach (var (message, count) in ClientErrors.Instance.Messages)
        {
            Console.WriteLine(Invariant($"SignalR client warning ×{count}: {message}"));
        }
    }
    finally
    {
        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }
    }
}

// Saves n times; after each save, waits until every view has the new name (or 30 s), then prints the figures.
async Task RoundsAsync(List<CircuitClient> clients, int n, string label)
{
    var fromClients = new Latencies();
    var firstBatch = new Latencies();
    var fromBrowsers = new Latencies();
    var batchesUntilSeen = new SortedDictionary<int, int>();
    var againstNeighbour = new Latencies();
    var cpu = 0.0;
    var ownCpu = 0.0;
    var (machineBusy, machineTotal, treeCpu) = (0.0, 0.0, 0.0);
    for (var r = 0; r < n; r++)
    {
        var expected = NextName();
        var seen = clients.Select(c => c.Arm(expected)).ToArray();
        await Task.WhenAll(watchers.Select(w => w.ArmAsync(expected)));
        var cpuBefore = AppCpu.Milliseconds(app.ProcessId);
        var ownBefore = AppCpu.Milliseconds(Environment.ProcessId);
        var machineBefore = AppCpu.Machine();
        var treeBefore = AppCpu.TreeMilliseconds(Environment.ProcessId);
        var t0 = await writer.SaveAsync(expected);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var seenAt = new double[seen.Length];
        for (var i = 0; i < seen.Length; i++)
        {
            try
            {
                seenAt[i] = await seen[i].WaitAsync(deadline - DateTime.UtcNow);
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or ArgumentOutOfRangeException)
            {
                seenAt[i] = double.PositiveInfinity;
            }

            fromClients.Add(seenAt[i] - t0);
        }

        for (var i = 0; i < watchers.Count; i++)
        {
            var domAt = await watchers[i].SeenAtAsync(deadline);
            fromBrowsers.Add(domAt - t0);
            if (i < neighbours.Count)
            {
                againstNeighbour.Add(domAt - seenAt[neighbours[i]]);
            }
        }

        cpu += AppCpu.Milliseconds(app.ProcessId) - cpuBefore;
        ownCpu += AppCpu.Milliseconds(Environment.ProcessId) - ownBefore;
        treeCpu += AppCpu.TreeMilliseconds(Environment.ProcessId) - treeBefore;
        var machineAfter = AppCpu.Machine();
        machineBusy += machineAfter.Busy - machineBefore.Busy;
        machineTotal += machineAfter.Total - machineBefore.Total;
        foreach (var c in clients)
        {
            batchesUntilSeen[c.BatchesUntilSeen] = batchesUntilSeen.GetValueOrDefault(c.BatchesUntilSeen) + 1;
            firstBatch.Add(c.FirstBatchAfterArm == 0 ? double.PositiveInfinity : c.FirstBatchAfterArm - t0);
        }

        await Task.Delay(1000); // quiet between saves
    }

    var views = clients.Count + watchers.Count;
    Console.WriteLine(Invariant($"  {label}; app CPU {cpu / n:F0} ms per save until every view had it ({cpu / n / views:F1} ms per open view), this harness's own CPU {ownCpu / n:F0} ms on the same cores"));
    Console.WriteLine(Invariant($"    meanwhile the machine was {machineBusy / machineTotal * 100:F0} % busy: this run's processes (app, harness, Chromium, Playwright) {treeCpu / machineTotal * 100:F0} % of its CPU time, other work {Math.Max(0, machineBusy - treeCpu) / machineTotal * 100:F0} %"));
    Console.WriteLine($"    Save → SignalR circuits' render batch with the new name: {fromClients}");
    Console.WriteLine($"    Save → their first render batch of any kind:             {firstBatch}");
    Console.WriteLine($"    Save → Chromium watchers' DOM (same saves):               {fromBrowsers}");
    Console.WriteLine($"    Chromium DOM minus the batch of the circuit opened just before it: {againstNeighbour}");
    Console.WriteLine($"    render batches per circuit up to the one with the name (count: circuits×saves): {string.Join(", ", batchesUntilSeen.Select(p => $"{p.Key}: {p.Value}"))}");
}

// Other work on this shared machine shows here (1-minute load average; 2 cores).
static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

async Task<ServerHeap.Reading> HeapAsync() => await ServerHeap.AfterFullCollectionAsync(app.ProcessId);

// A few at a time: each open is a prerender (GET) and then the interactive render, both on the server's 2 cores.
static async Task OpenClientsAsync(HttpClient http, Uri page, string cookie, List<CircuitClient> clients, int target)
{
    using var gate = new SemaphoreSlim(4);
    var opening = Enumerable.Range(0, target - clients.Count).Select(async _ =>
    {
        await gate.WaitAsync();
        try
        {
            var client = await CircuitClient.OpenAsync(http, page, cookie, Writer.FirstName, CancellationToken.None);
            lock (clients)
            {
                clients.Add(client);
            }
        }
        finally
        {
            gate.Release();
        }
    });
    await Task.WhenAll(opening);
}

// Zero-padded so that no name is a prefix of a later one (Round1 / Round10).
string NextName() => Invariant($"Round{++round:D4}");

static string PerView(long bytes, int views) => views <= 0 ? "n/a" : Invariant($"{bytes / 1024.0 / views:F0} KB each (+{bytes / 1048576.0:F1} MB for {views})");

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static int[]? Counts(string? list) => list?.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
