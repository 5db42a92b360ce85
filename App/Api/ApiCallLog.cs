using System.Globalization;
using CustomerDirectory.Domain.Audit;
using Microsoft.AspNetCore.Diagnostics;

namespace CustomerDirectory.App.Api;

/// <summary>
/// One audit line per API call ("api.call": method, path, key, status), refusals included, written when the answer
/// is known. Calls the rate limiter turned away (429) are not written: a flood would otherwise become a flood of
/// writes, which is what the limit is there to stop; they are logged by the app instead.
/// Also makes every error under /api a problem in JSON: the app's HTML "not found" page never answers an API call, and
/// an unexpected failure is a 500 problem rather than the error page.
/// </summary>
internal static class ApiCallLog
{
    public const string Action = "api.call";

    private const string CustomerItem = "api.customer";

    /// <summary>Names the profile a call was about, so its line shows in the profile's History.</summary>
    public static void Concerns(HttpContext context, int customerId) => context.Items[CustomerItem] = customerId;

    public static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments(ApiEndpoints.Root, StringComparison.OrdinalIgnoreCase);

    public static IApplicationBuilder UseApiCallLog(this IApplicationBuilder app) =>
        app.UseWhen(IsApi, api => api.Use(async (context, next) =>
        {
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            try
            {
                switch (context.GetEndpoint())
                {
                    case null:
                        // No such address: a JSON 404 here, before the app's sign-in rules would redirect to the sign-in page.
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        break;
                    case RouteEndpoint:
                        await next(context);
                        break;
                    case var refusal:
                        // Routing's own answers (405 wrong method, 415 not JSON) need no key: run them, then say them in JSON.
                        await refusal.RequestDelegate!(context);
                        break;
                }

                if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentType is null)
                {
                    await ApiProblems.ForStatus(context.Response.StatusCode).ExecuteAsync(context);
                }
            }
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiCallLog))
                    .LogError(e, "API call {Method} {Path} failed", context.Request.Method, context.Request.Path);
                context.Response.Clear();
                await ApiProblems.Problem(StatusCodes.Status500InternalServerError, "Something went wrong.",
                    "The call failed on the server; nothing was changed unless it says so. Try again, and tell the owner if it keeps failing.").ExecuteAsync(context);
            }
            finally
            {
                await WriteAsync(context);
            }
        }));

    private static async Task WriteAsync(HttpContext context)
    {
        var caller = context.Features.Get<ApiCaller>();
        var check = caller?.Check;
        var status = context.Response.StatusCode;
        var key = check switch
        {
            null => "no key",
            { Outcome: Domain.ApiKeys.ApiKeyOutcome.Accepted } => $"key #{check.KeyId} {caller!.PresentedPrefix}…",
            { Outcome: Domain.ApiKeys.ApiKeyOutcome.Malformed } => "a malformed key",
            { Outcome: Domain.ApiKeys.ApiKeyOutcome.Revoked } => $"revoked key #{check.KeyId} {caller!.PresentedPrefix}…",
            _ => $"unknown key {caller!.PresentedPrefix}…",
        };
        var summary = string.Create(CultureInfo.InvariantCulture, $"{context.Request.Method} {context.Request.Path} → {status} ({key})");
        var customerId = context.Items.TryGetValue(CustomerItem, out var id) ? id as int? : null;
        try
        {
            await context.RequestServices.GetRequiredService<AuditLog>().WriteAsync(new AuditEvent(
                Action, summary, "api-key", check?.KeyId?.ToString(CultureInfo.InvariantCulture), customerId,
                Actor: check?.Actor ?? (check is { KeyId: { } keyId, KeyName: { } name } ? Domain.Staff.StaffActor.ApiKey(keyId, name + " (revoked)", new HashSet<Domain.Staff.Permission>()) : null)),
                CancellationToken.None);
        }
        catch (Exception e) when (e is Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException)
        {
            // The answer stands even if its line cannot be written (a database shutting down); say so in the app's log.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiCallLog))
                .LogError(e, "Could not write the audit line of API call {Summary}", summary);
        }
    }
}
