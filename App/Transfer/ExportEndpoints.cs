using System.Globalization;
using System.Text;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Transfer;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace CustomerDirectory.App.Transfer;

/// <summary>
/// CSV downloads: <c>GET /export/customers.csv?f=&lt;filter token&gt;&amp;q=&lt;search&gt;&amp;cols=id,email,…</c> (the
/// directory as the person sees it; no f and no q for everyone) and <c>GET /export/groups/{id}.csv?cols=…</c>. The file
/// streams straight from <see cref="ExportService"/> to the response (the browser's download bar is the progress).
/// </summary>
/// <remarks>
/// Two gates: the Export policy here (redirect to sign-in, or to "no access"), and the service's own check with the
/// request's person (set by the staff-context middleware), which also masks what they may not see. A GET that changes
/// nothing but the audit log, so no antiforgery token is needed.
/// </remarks>
internal static class ExportEndpoints
{
    public const string CustomersPath = "/export/customers.csv";

    public static string GroupPath(int groupId) => string.Create(CultureInfo.InvariantCulture, $"/export/groups/{groupId}.csv");

    /// <summary>The download address of the directory as shown (relative, like the app's other links), without columns.</summary>
    public static string CustomersAddress(FilterDefinition? filter, string? text)
    {
        var query = new List<string>();
        if (filter is { IsEmpty: false })
        {
            query.Add("f=" + filter.ToUrlToken());
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            query.Add("q=" + Uri.EscapeDataString(text.Trim()));
        }

        return CustomersPath[1..] + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

    /// <summary>A group's download address (relative), without columns.</summary>
    public static string GroupAddress(int groupId) => GroupPath(groupId)[1..];

    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var export = endpoints.MapGroup("/export").RequireAuthorization(nameof(Permission.Export));
        export.MapGet("/customers.csv", (string? f, string? q, string? cols, HttpContext context, ExportService exports, MerchantOptions merchant) =>
        {
            ExportScope scope;
            try
            {
                scope = ExportScope.Directory(string.IsNullOrEmpty(f) ? null : FilterDefinition.FromUrlToken(f), q);
            }
            catch (FilterException e)
            {
                return RefuseAsync(context, e);
            }

            return StreamAsync(context, exports, scope, cols, $"customers-{Today(merchant)}.csv");
        });
        export.MapGet("/groups/{id:int}.csv", (int id, string? cols, HttpContext context, ExportService exports, MerchantOptions merchant) =>
            StreamAsync(context, exports, ExportScope.Group(id), cols, string.Create(CultureInfo.InvariantCulture, $"group-{id}-{Today(merchant)}.csv")));
        return endpoints;
    }

    /// <summary>The column keys of a <c>cols</c> parameter ("id,first_name,cf:3"); null for the default choice.</summary>
    public static IReadOnlyCollection<string>? Columns(string? cols) =>
        string.IsNullOrWhiteSpace(cols) ? null : cols.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Task StreamAsync(HttpContext context, ExportService exports, ExportScope scope, string? cols, string fileName) =>
        StreamCsvAsync(context, fileName, (body, ct) => exports.WriteCsvAsync(scope, Columns(cols), body, ct));

    /// <summary>
    /// Streams a CSV download that <paramref name="write"/> produces (a service call that checks everything before its
    /// first byte); a refusal before the first byte becomes a status and the reason in words.
    /// </summary>
    internal static async Task StreamCsvAsync(HttpContext context, string fileName, Func<Stream, CancellationToken, Task> write)
    {
        var response = context.Response;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.ContentType = "text/csv; charset=utf-8";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.CacheControl = "no-store";
        try
        {
            await write(response.Body, context.RequestAborted);
        }
        catch (DomainException e) when (!response.HasStarted)
        {
            // Refused before the first byte (the service checks everything first): an answer, not a broken file.
            await RefuseAsync(context, e);
        }
    }

    /// <summary>A refusal before the first byte of a download: a status and the reason in words, not a broken file.</summary>
    internal static async Task RefuseAsync(HttpContext context, DomainException e)
    {
        var response = context.Response;
        response.Headers.Remove(HeaderNames.ContentDisposition);
        response.StatusCode = e switch
        {
            ForbiddenException => StatusCodes.Status403Forbidden,
            NotFoundException => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status400BadRequest,
        };
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(e.Message, Encoding.UTF8, context.RequestAborted);
    }

    private static string Today(MerchantOptions merchant) =>
        merchant.ToLocal(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
