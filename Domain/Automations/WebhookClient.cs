using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace CustomerDirectory.Domain.Automations;

/// <summary>
/// The one HTTP client webhooks go out through: every connection passes <see cref="WebhookAddressGuard"/> on the
/// address it dials, no redirects are followed (a redirect to an internal address would be refused anyway), no proxy,
/// and a receiver has <c>Automations:TimeoutSeconds</c> (10 s) to answer.
/// </summary>
public sealed class WebhookClient : IDisposable
{
    private readonly HttpClient _http;

    public WebhookClient(WebhookAddressGuard guard, AutomationOptions options)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = guard.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2), // names are resolved (and checked) again regularly
            ConnectTimeout = options.Timeout,
        };
        _http = new HttpClient(handler) { Timeout = options.Timeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Directory-Webhooks", "1"));
    }

    /// <summary>Posts a signed body; returns the status code (null when there was none) and an error in words.</summary>
    public async Task<(int? Status, string? Error, int DurationMs)> PostAsync(string url, string eventId, string signature, string body, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(WebhookSignature.Header, signature);
            request.Headers.Add(WebhookSignature.EventIdHeader, eventId);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return (status, response.IsSuccessStatusCode ? null : $"HTTP {status} {response.ReasonPhrase}".Trim(), (int)watch.ElapsedMilliseconds);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "No answer within the time limit.", (int)watch.ElapsedMilliseconds);
        }
        catch (HttpRequestException e)
        {
            return (null, e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} {inner.Message}" : e.Message, (int)watch.ElapsedMilliseconds);
        }
    }

    public void Dispose() => _http.Dispose();
}
