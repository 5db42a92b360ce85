using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.LiveHarness;

/// <summary>
/// One open directory view without a browser: a real Blazor Server circuit, started over SignalR the way
/// blazor.web.js starts one, whose render batches are acknowledged but never applied to a DOM.
/// </summary>
/// <remarks>
/// The steps copy blazor.web.js (the .NET 9 script the app serves): GET the page (prerendered, with the
/// interactive root components marked by <c>&lt;!--Blazor:{…}--&gt;</c> comments and the protected component state),
/// connect to <c>/_blazor</c>, <c>StartCircuit(baseUri, uri, "[]", state)</c>, then <c>UpdateRootComponents</c> with
/// one "add" per marker. The hub speaks only "blazorpack" (SignalR's MessagePack protocol
/// renamed, see <see cref="BlazorPackProtocol"/>); render batches arrive as the same bytes the browser gets. A render batch is the DOM diff a browser would apply at once, so
/// the moment the batch carrying a text arrives is the moment that view would show it (less the browser's own
/// few milliseconds to apply it). JS interop calls are answered "done, no value", as a page with nothing to do would.
/// </remarks>
public sealed partial class CircuitClient : IAsyncDisposable
{
    private readonly HubConnection _hub;
    private readonly Lock _gate = new();
    private byte[]? _awaited;
    private TaskCompletionSource<double>? _seen;
    private double _firstBatchAfterArm;
    private int _batchesSinceArm;
    private string? _error;

    private CircuitClient(HubConnection hub) => _hub = hub;

    /// <summary>Render batches received (each one acknowledged).</summary>
    public long Batches { get; private set; }

    /// <summary>JS interop calls the circuit made (answered without doing anything).</summary>
    public long JSCalls { get; private set; }

    /// <summary>Why the server gave up on this circuit, if it did.</summary>
    public string? Error => _error;

    /// <summary>When (Unix ms) the first render batch after <see cref="Arm"/> arrived, whatever it held; 0 if none yet.</summary>
    public double FirstBatchAfterArm => _firstBatchAfterArm;

    /// <summary>How many render batches arrived since <see cref="Arm"/> up to and including the one with the text.</summary>
    public int BatchesUntilSeen { get; private set; }

    /// <summary>Identifiers of the JS functions the circuits called, for the report.</summary>
    public static IReadOnlyCollection<string> JSIdentifiers => s_jsIdentifiers.Keys.ToArray();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> s_jsIdentifiers = new();

    /// <summary>Opens the page at <paramref name="page"/> as a signed-in person and waits until its grid shows <paramref name="text"/>.</summary>
    public static async Task<CircuitClient> OpenAsync(HttpClient http, Uri page, string cookie, string text, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var html = await response.Content.ReadAsStringAsync(ct);
        var (operations, state) = RootComponents(html);

        var builder = new HubConnectionBuilder();
        builder.Services.AddSingleton<IHubProtocol, BlazorPackProtocol>();
        builder.Services.AddLogging(l => l.AddProvider(ClientErrors.Instance));
        var hub = builder
            .WithUrl(new Uri(page, "/_blazor"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        var client = new CircuitClient(hub);
        hub.On<long, byte[]>("JS.RenderBatch", client.OnRenderBatchAsync);
        // (asyncHandle, identifier, argsJson, resultType, targetInstanceId, callType) in .NET 10.
        hub.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(object), typeof(object), typeof(object), typeof(object)], OnBeginInvokeJSAsync, client);
        hub.On<object>("JS.EndUpdateRootComponents", _ => { });
        hub.On<object, object>("JS.AttachComponent", (_, _) => { }); // the browser would attach the component to its DOM
        hub.On<string>("JS.Error", e => client.Fail(e));
        hub.Closed += e =>
        {
            client.Fail(e?.Message ?? "connection closed");
            return Task.CompletedTask;
        };

        var opened = client.Arm(text);
        await hub.StartAsync(ct);
        var circuitId = await hub.InvokeAsync<string?>("StartCircuit", page.GetLeftPart(UriPartial.Authority) + "/", page.ToString(), "[]", state, ct);
        if (circuitId is null)
        {
            throw new InvalidOperationException($"The server refused the circuit: {client.Error}");
        }

        await hub.SendAsync("UpdateRootComponents", operations, state, ct);
        await opened.WaitAsync(TimeSpan.FromSeconds(60), ct);
        return client;
    }

    /// <summary>From now on, notes when a render batch carrying <paramref name="text"/> arrives.</summary>
    public Task<double> Arm(string text)
    {
        lock (_gate)
        {
            _awaited = Encoding.UTF8.GetBytes(text);
            _seen = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            _firstBatchAfterArm = 0;
            _batchesSinceArm = 0;
            BatchesUntilSeen = 0;
            return _seen.Task;
        }
    }

    private async Task OnRenderBatchAsync(long batchId, byte[] batch)
    {
        var now = Clock.UnixMs();
        lock (_gate)
        {
            Batches++;
            _batchesSinceArm++;
            if (_firstBatchAfterArm == 0)
            {
                _firstBatchAfterArm = now;
            }

            // The batch's string table holds the texts it writes into the DOM, UTF-8 encoded.
            if (_awaited is not null && batch.AsSpan().IndexOf(_awaited) >= 0)
            {
                _awaited = null;
                BatchesUntilSeen = _batchesSinceArm;
                _seen!.TrySetResult(now);
            }
        }

        // The server sends the next batch only once the previous ones are acknowledged (as the browser does
        // after applying them).
        await _hub.SendAsync("OnRenderCompleted", batchId, null);
    }

    private static async Task OnBeginInvokeJSAsync(object?[] args, object state)
    {
        var client = (CircuitClient)state;
        var asyncHandle = (long)args[0]!;
        s_jsIdentifiers.TryAdd((string)args[1]!, true);
        client.JSCalls++;
        if (asyncHandle != 0 && client._error is null)
        {
            await client._hub.SendAsync("EndInvokeJSFromDotNet", asyncHandle, true, $"[{asyncHandle},true,null]");
        }
    }

    private void Fail(string error)
    {
        _error ??= error;
        lock (_gate)
        {
            _seen?.TrySetException(new InvalidOperationException(error));
        }
    }

    /// <summary>The interactive root components of a prerendered page, as blazor.web.js would add them, and the page's component state.</summary>
    internal static (string Operations, string State) RootComponents(string html)
    {
        // The script adds the server components in the order of their sequence numbers.
        var markers = MarkerPattern().Matches(html)
            .Select(m => JsonNode.Parse(m.Groups["json"].Value)!.AsObject())
            .Where(m => (string?)m["type"] == "server") // not the end markers ({"prerenderId": …}) nor other render modes
            .OrderBy(m => (int)m["sequence"]!)
            .ToList();
        var operations = new JsonArray();
        var next = 1;
        foreach (var marker in markers)
        {
            marker["uniqueId"] = next - 1;
            operations.Add(new JsonObject { ["type"] = "add", ["ssrComponentId"] = next++, ["marker"] = marker });
        }

        if (operations.Count == 0)
        {
            throw new InvalidOperationException("The page has no interactive server component markers (signed out?).");
        }

        var state = StatePattern().Match(html) is { Success: true } s ? s.Groups["state"].Value : "";
        var batch = new JsonObject { ["batchId"] = 1, ["operations"] = operations };
        return (batch.ToJsonString(JsonSerializerOptions.Default), state);
    }

    [GeneratedRegex(@"<!--Blazor:(?<json>\{.*?\})-->", RegexOptions.Singleline)]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:(?<state>[A-Za-z0-9+/=]+)-->")]
    private static partial Regex StatePattern();

    public async ValueTask DisposeAsync()
    {
        _error ??= "closed by the harness";
        await _hub.DisposeAsync();
    }
}
