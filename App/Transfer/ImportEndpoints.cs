using System.Globalization;
using System.Text;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Transfer.Import;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CustomerDirectory.App.Transfer;

/// <summary>
/// The import's two HTTP endpoints, outside the Blazor circuit: <c>POST /imports/upload</c> (the wizard's upload form,
/// multipart, streamed to <see cref="ImportService.UploadAsync"/> section by section, so a 200 MB file is never held
/// in memory nor sent through SignalR) and <c>GET /imports/{id}/rejects.csv</c> (the report of rejected rows).
/// </summary>
/// <remarks>
/// Both need the Import policy; the service checks again with the request's person. The upload is a plain form POST
/// (no script: the CSP allows none inline), answered with a redirect: to the mapping page, or back to the upload page
/// with the problem in words. The problem travels in the address protected by Data Protection, so nobody can craft a
/// link that makes the page say something else.
/// </remarks>
internal static class ImportEndpoints
{
    public const string UploadPath = "/imports/upload";

    /// <summary>The form field of the file, and of the manual group to import into (optional, carried to the mapping page).</summary>
    public const string FileField = "file";

    public const string GroupField = "group";

    /// <summary>Room for the multipart framing (boundaries, headers, the token) on top of the file itself.</summary>
    private const long MultipartAllowance = 1024 * 1024;

    private const int SmallFieldLimit = 4 * 1024;
    private const string ProblemPurpose = "CustomerDirectory.App.ImportUpload.Problem";
    private static readonly TimeSpan ProblemLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The report's download address, relative like the app's other links.</summary>
    public static string ReportAddress(int importId) => string.Create(CultureInfo.InvariantCulture, $"imports/{importId}/rejects.csv");

    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var imports = endpoints.MapGroup("/imports").RequireAuthorization(nameof(Permission.Import));
        imports.MapPost("/upload", UploadAsync);
        imports.MapGet("/{id:int}/rejects.csv", ReportAsync);
        return endpoints;
    }

    /// <summary>What went wrong with an upload, from the <c>problem</c> parameter the upload's redirect wrote; null if absent, stale or forged.</summary>
    public static string? ReadProblem(IDataProtectionProvider protection, string? problem)
    {
        if (string.IsNullOrEmpty(problem))
        {
            return null;
        }

        try
        {
            return protection.CreateProtector(ProblemPurpose).ToTimeLimitedDataProtector().Unprotect(problem);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static async Task<IResult> UploadAsync(HttpContext context, ImportService imports, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions,
        IDataProtectionProvider protection)
    {
        var ct = context.RequestAborted;
        // Kestrel's default cap (30 MB) is for ordinary forms; this one takes files up to the service's own limit.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = ImportService.MaxFileBytes + MultipartAllowance;
        }

        int? group = null;
        IResult Back(string problem) => Redirect(context, "/customers/import", problem, protection, group);

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return Back("Choose a CSV file to upload.");
        }

        string? token = null;
        var reader = new MultipartReader(boundary, context.Request.Body) { HeadersLengthLimit = 16 * 1024 };
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (!disposition.IsFileDisposition())
                {
                    var value = await ReadSmallAsync(section.Body, ct);
                    if (name == antiforgeryOptions.Value.FormFieldName)
                    {
                        token = value;
                    }
                    else if (name == GroupField && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var groupId))
                    {
                        group = groupId;
                    }

                    continue;
                }

                if (name != FileField)
                {
                    continue;
                }

                // The form puts its token before the file: it is checked before a single byte is stored. Validation reads
                // the token from the header when there is one, and would otherwise read (buffer) the whole form.
                if (token is null || antiforgeryOptions.Value.HeaderName is not { } header)
                {
                    return Back("The upload form had expired; upload the file again.");
                }

                context.Request.Headers[header] = token;
                try
                {
                    await antiforgery.ValidateRequestAsync(context);
                }
                catch (AntiforgeryValidationException)
                {
                    return Back("The upload form had expired; upload the file again.");
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                if (string.IsNullOrWhiteSpace(fileName))
                {
                    return Back("Choose a CSV file to upload.");
                }

                // A spreadsheet or a PDF saved under any name: say what to do instead of reading it as text.
                var head = new byte[8];
                var headLength = await section.Body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
                if (NotCsv(head.AsSpan(0, headLength)) is { } notCsv)
                {
                    await section.Body.DrainAsync(ct); // read to the end, so the browser gets the answer rather than a reset
                    return Back(notCsv);
                }

                ImportDraft draft;
                try
                {
                    draft = await imports.UploadAsync(new PrefixedStream(head.AsMemory(0, headLength), section.Body), fileName, ct);
                }
                catch (DomainException e)
                {
                    await section.Body.DrainAsync(ct);
                    return Back(e.Message);
                }

                return Redirect(context, string.Create(CultureInfo.InvariantCulture, $"/customers/import/{draft.Id}"), null, protection, group);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Back($"The file is larger than {ImportService.MaxFileBytes / (1024 * 1024 * 1024)} GB; split it into smaller files.");
        }
        catch (InvalidDataException)
        {
            return Back("The upload was cut off or garbled; upload the file again.");
        }

        return Back("Choose a CSV file to upload.");
    }

    private static async Task ReportAsync(int id, HttpContext context, ImportService imports)
    {
        var response = context.Response;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.ContentType = "text/csv; charset=utf-8";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(string.Create(CultureInfo.InvariantCulture, $"import-{id}-rejected-rows.csv"));
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.CacheControl = "no-store";
        try
        {
            await imports.WriteReportAsync(id, response.Body, context.RequestAborted);
        }
        catch (DomainException e) when (!response.HasStarted)
        {
            // The service finds the import before writing a byte: an answer, not a broken file.
            await ExportEndpoints.RefuseAsync(context, e);
        }
    }

    private static ReadOnlySpan<byte> OleSignature => [0xD0, 0xCF, 0x11, 0xE0];

    /// <summary>Files that are certainly not text, by their first bytes (what Excel, LibreOffice or a PDF printer write).</summary>
    internal static string? NotCsv(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return "This is a spreadsheet or an archive (.xlsx, .ods, .zip), not a CSV file. In your spreadsheet, choose File → Save as → CSV, then upload that file.";
        }

        if (head.StartsWith(OleSignature))
        {
            return "This is an old Excel file (.xls), not a CSV file. In Excel, choose File → Save as → CSV UTF-8, then upload that file.";
        }

        return head.StartsWith("%PDF"u8) ? "This is a PDF, not a CSV file. Export the list as CSV from where it came from, then upload that file." : null;
    }

    private static IResult Redirect(HttpContext context, string path, string? problem, IDataProtectionProvider protection, int? group)
    {
        var query = new List<string>();
        if (problem is not null)
        {
            query.Add("problem=" + Uri.EscapeDataString(protection.CreateProtector(ProblemPurpose).ToTimeLimitedDataProtector().Protect(problem, ProblemLifetime)));
        }

        if (group is { } g)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"group={g}"));
        }

        return Results.Redirect(context.Request.PathBase + path + (query.Count == 0 ? "" : "?" + string.Join("&", query)));
    }

    private static async Task<string> ReadSmallAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[SmallFieldLimit];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        await body.DrainAsync(ct);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>The first bytes (already read to look at them) followed by the rest of the upload, read as it arrives.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty)
            {
                return await rest.ReadAsync(buffer, cancellationToken);
            }

            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // The service reads asynchronously; Kestrel forbids synchronous reads of a request anyway.
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
