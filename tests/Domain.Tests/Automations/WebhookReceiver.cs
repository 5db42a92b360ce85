using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Tests.Automations;

/// <summary>
/// A real webhook receiver: a minimal Kestrel app on 127.0.0.1 (random port) that records every request it gets,
/// answers 200 or whatever <see cref="FailWith"/> says, and can hold its answer (<see cref="Hold"/>) to catch a
/// delivery in flight.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Every request, in arrival order (retries and duplicates included).</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>0: answer 200; otherwise this status. (A request recorded with status 0 was held and never answered.)</summary>
    public int FailWith { get; set; }

    /// <summary>When set, requests wait for it before answering.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>The events answered with 2xx, one per event id: what a receiver that deduplicates has seen.</summary>
    public IReadOnlyList<Received> Accepted => [.. Requests.Where(r => r.Status is >= 200 and < 300).GroupBy(r => r.EventId).Select(g => g.First())];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var r = receiver!;
            if (r.Hold is { } hold)
            {
                r.Requests.Enqueue(new Received(context.Request.Headers["Directory-Event-Id"].ToString(), context.Request.Headers["Directory-Signature"].ToString(), body, 0));
                await hold.Task;
                return Results.StatusCode(200);
            }

            var status = r.FailWith == 0 ? 200 : r.FailWith;
            r.Requests.Enqueue(new Received(context.Request.Headers["Directory-Event-Id"].ToString(), context.Request.Headers["Directory-Signature"].ToString(), body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, $"{address}/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request as the receiver got it.</summary>
public sealed record Received(string EventId, string Signature, string Body, int Status)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public int CustomerId => Json.GetProperty("customer").GetProperty("id").GetInt32();
}
