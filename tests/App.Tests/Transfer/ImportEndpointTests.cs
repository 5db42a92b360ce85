using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using CustomerDirectory.App.Tests.Integration;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Transfer.Import;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Integration.DirectoryAppFactory;

namespace CustomerDirectory.App.Tests.Transfer;

/// <summary>The import's upload and report endpoints, through the whole app: who may, what they store, where they lead.</summary>
public sealed partial class ImportEndpointTests : IDisposable
{
    private const string Password = "a long enough password";
    private readonly DirectoryAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private string ImportsFolder => Path.Combine(_app.DataFolder, "imports");

    private int StoredFiles => System.IO.Directory.Exists(ImportsFolder) ? System.IO.Directory.GetFiles(ImportsFolder).Length : 0;

    private static string? Target(HttpResponseMessage response) => response.Headers.Location switch
    {
        null => null,
        { IsAbsoluteUri: true } uri => uri.PathAndQuery,
        var uri => uri.OriginalString,
    };

    /// <summary>Posts a file as the upload form does: the antiforgery token first (from a page's form), then the file.</summary>
    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] content, string fileName, int? group = null, string tokenPage = "/customers")
    {
        var html = await client.GetStringAsync(tokenPage);
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"No antiforgery token on {tokenPage}");
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(WebUtility.HtmlDecode(token.Groups[1].Value)), "__RequestVerificationToken");
        if (group is { } g)
        {
            form.Add(new StringContent(g.ToString(System.Globalization.CultureInfo.InvariantCulture)), "group");
        }

        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        return await client.PostAsync("/imports/upload", form);
    }

    private async Task<HttpClient> OwnerAsync()
    {
        var owner = _app.NewClient();
        await SetUpOwnerAsync(owner);
        return owner;
    }

    private async Task<HttpClient> StaffClientAsync(string name, string email, IEnumerable<Permission> permissions)
    {
        using (StaffAccess.AsSystem())
        {
            var role = await _app.Services.GetRequiredService<StaffRoleService>().CreateAsync(name, permissions);
            await _app.Services.GetRequiredService<StaffService>().CreateAsync(new StaffInput(name, email, role, Password));
        }

        var client = _app.NewClient();
        await SignInAsync(client, email, Password);
        return client;
    }

    [Fact]
    public async Task A_person_without_import_is_sent_away_from_the_page_and_the_endpoints_and_nothing_is_stored()
    {
        (await OwnerAsync()).Dispose();
        using var viewer = await StaffClientAsync("Viewer", "viewer@example.com", [Permission.ViewProfiles, Permission.ManageManualGroups]);

        var upload = await UploadAsync(viewer, "Email\nada@example.com\n"u8.ToArray(), "people.csv");
        var page = await viewer.GetAsync("/customers/import");
        var report = await viewer.GetAsync("/imports/1/rejects.csv");

        // Forbidden, answered as everywhere in the app: the "no access" page (a 403 page), never the file stored.
        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
        Assert.StartsWith("/account/no-access", Target(upload), StringComparison.Ordinal);
        Assert.StartsWith("/account/no-access", Target(page), StringComparison.Ordinal);
        Assert.StartsWith("/account/no-access", Target(report), StringComparison.Ordinal);
        Assert.Equal(0, StoredFiles);
        Assert.DoesNotContain("data-testid=\"import\"", await viewer.GetStringAsync("/customers"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_a_spreadsheet_or_a_post_without_the_form_token_come_back_to_the_upload_page_in_words()
    {
        using var owner = await OwnerAsync();

        var empty = await UploadAsync(owner, [], "empty.csv");
        var xlsx = await UploadAsync(owner, [(byte)'P', (byte)'K', 3, 4, 20, 0, 6, 0, 8, 0], "customers.csv");
        using var forged = new MultipartFormDataContent { { new ByteArrayContent("Email\na@b.c\n"u8.ToArray()), "file", "x.csv" } };
        var noToken = await owner.PostAsync("/imports/upload", forged);

        foreach (var (response, message) in new[]
        {
            (empty, "The file is empty."),
            (xlsx, "not a CSV file"),
            (noToken, "The upload form had expired"),
        })
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/customers/import?problem=", Target(response), StringComparison.Ordinal);
            var html = await owner.GetStringAsync(Target(response));
            Assert.True(html.Contains(WebUtility.HtmlEncode(message), StringComparison.Ordinal), Regex.Match(html, "upload-problem\">([^<]*)").Groups[1].Value);
        }

        Assert.Equal(0, StoredFiles);
        // The message travels protected: a crafted address says nothing.
        Assert.DoesNotContain("data-testid=\"upload-problem\"", await owner.GetStringAsync("/customers/import?problem=Your+account+is+locked"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_is_stored_and_leads_to_its_mapping_page_with_the_suggested_mapping_and_the_group_carried_along()
    {
        using var owner = await OwnerAsync();
        var csv = Encoding.UTF8.GetBytes("\uFEFFFirst name;Last name;E-mail;Shoe size\nAda;Lovelace;ada@example.com;38\n");

        var response = await UploadAsync(owner, csv, "Clients été.csv", group: 7, tokenPage: "/customers/import");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = Target(response)!;
        Assert.Matches(@"^/customers/import/\d+\?group=7$", location);
        Assert.Equal(1, StoredFiles);
        var html = await owner.GetStringAsync(location);
        Assert.Contains("data-testid=\"mapping\"", html, StringComparison.Ordinal);
        Assert.Contains("Import of Clients été.csv", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("ada@example.com", html, StringComparison.Ordinal);
        Assert.Contains("Shoe size", html, StringComparison.Ordinal);
        var id = int.Parse(location.Split('/', '?')[3], System.Globalization.CultureInfo.InvariantCulture);
        using (StaffAccess.AsSystem())
        {
            var draft = await _app.Services.GetRequiredService<ImportService>().DraftAsync(id, null);
            Assert.Equal(';', draft.Suggested.Delimiter);
            Assert.Equal(
                [ImportTarget.FirstName, ImportTarget.LastName, ImportTarget.Email, ImportTarget.Ignore],
                draft.Suggested.Columns.Select(c => c.Target));
        }
    }

    [Fact]
    public async Task An_import_the_last_process_left_running_is_started_again_at_start_up_and_finishes()
    {
        using var owner = await OwnerAsync();
        var location = Target(await UploadAsync(owner, "First name,Last name,Email\nAda,Lovelace,ada@example.com\nAlan,Turing,alan@example.com\n"u8.ToArray(), "people.csv"))!;
        var id = int.Parse(location.Split('/')[3], System.Globalization.CultureInfo.InvariantCulture);
        var imports = _app.Services.GetRequiredService<ImportService>();
        using (StaffAccess.AsSystem())
        {
            // As a process stopped mid-import leaves it: settings chosen, status Running, no trigger left in Quartz.
            var draft = await imports.DraftAsync(id, null);
            await imports.PreviewAsync(id, draft.Suggested);
            await using (var db = _app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Domain.Data.DirectoryDbContext>>().CreateDbContext())
            {
                var run = db.ImportRuns.Single(r => r.Id == id);
                db.Entry(run).Property(r => r.Status).CurrentValue = ImportStatus.Running;
                await db.SaveChangesAsync();
            }

            var resumer = _app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single(s => s.GetType().Name == "UnfinishedImportsResumer");
            await resumer.StartAsync(CancellationToken.None);

            var clock = Stopwatch.StartNew();
            while ((await imports.GetAsync(id)).IsActive)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The resumed import did not finish in 60 s.");
                await Task.Delay(100);
            }

            var finished = await imports.GetAsync(id);
            Assert.Equal((ImportStatus.Completed, 2), (finished.Status, finished.Created));
        }
    }

    [Fact]
    public async Task The_report_streams_every_rejected_row_as_csv_once_the_import_has_run()
    {
        using var owner = await OwnerAsync();
        var csv = "Name,Email\nAda Lovelace,ada@example.com\nBad Mail,not-an-email\nAda Again,ADA@example.com\n"u8.ToArray();
        var location = Target(await UploadAsync(owner, csv, "people.csv"))!;
        var id = int.Parse(location.Split('/')[3], System.Globalization.CultureInfo.InvariantCulture);
        var imports = _app.Services.GetRequiredService<ImportService>();
        using (StaffAccess.AsSystem())
        {
            var draft = await imports.DraftAsync(id, null);
            await imports.StartAsync(id, draft.Suggested);
            var clock = Stopwatch.StartNew();
            while ((await imports.GetAsync(id)).IsActive)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The import did not finish in 60 s.");
                await Task.Delay(100);
            }

            Assert.Equal(ImportStatus.Completed, (await imports.GetAsync(id)).Status);
        }

        var report = await owner.GetAsync($"/imports/{id}/rejects.csv");
        var missing = await owner.GetAsync($"/imports/{id + 100}/rejects.csv");

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/csv", report.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", report.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"import-{id}-rejected-rows.csv", report.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using var reader = CsvReader.Create(await report.Content.ReadAsByteArrayAsync(), CsvReaderOptions.Default with { HasHeader = false });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? "")]);
        }

        Assert.Equal(["Line", "Outcome", "Reason", "Original row"], rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.Equal(["3", "rejected"], rows[1][..2]);
        Assert.Equal("Bad Mail,not-an-email", rows[1][3]);
        Assert.Equal(["4", "skipped"], rows[2][..2]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
