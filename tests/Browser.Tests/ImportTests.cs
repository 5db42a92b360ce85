using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>The import wizard in a real browser against the real app, with its real background job (Quartz).</summary>
public sealed partial class ImportTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 0)
{
    /// <summary>
    /// A file as it comes out of a French spreadsheet: UTF-8 with a BOM, semicolons, accented headers, a row repeating
    /// an email in other case, a bad email.
    /// </summary>
    private static readonly byte[] MessyCsv = Encoding.UTF8.GetBytes(
        "\uFEFFPrénom;Nom;E-mail;Téléphone;Tags\r\n"
        + "Ada;Importée;ada@example.com;+33 6 12 34 56 78;VIP\r\n"
        + "Grace;Importée;grace@example.com;;VIP, Navy\r\n"
        + "Bad;Mail;not-an-email;;\r\n"
        + "Ada;Again;ADA@Example.com ;;\r\n");

    [Fact]
    public async Task Owner_UploadsAMessyCsv_PreviewsIt_RunsItLive_DownloadsTheRejects_AndUndoesIt()
    {
        var page = await SignedInPageAsync();

        // Step 1: from the directory to the upload form; the file streams to the endpoint, which leads to the mapping.
        await page.GetByTestId("import").ClickAsync();
        await page.WaitForURLAsync("**/customers/import");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("upload-file").SetInputFilesAsync(new FilePayload { Name = "clients.csv", MimeType = "text/csv", Buffer = MessyCsv });
        var upload = await page.RunAndWaitForRequestAsync(() => page.GetByTestId("upload").ClickAsync(), r => r.Method == "POST" && r.Url.Contains("/imports/upload", StringComparison.Ordinal));
        Assert.Equal("xhr", upload.ResourceType); // sent by upload.js, which shows the progress
        await page.WaitForURLAsync(MappingUrl());
        await WaitForInteractiveAsync(page);

        // Step 2: the detected format and the suggested mapping.
        await Expect(page.GetByTestId("import-title")).ToHaveTextAsync("Import of clients.csv");
        await Expect(page.GetByTestId("delimiter")).ToHaveValueAsync(";");
        await Expect(page.GetByTestId("encoding")).ToHaveValueAsync("Utf8");
        var targets = page.GetByTestId("column-target");
        await Expect(targets).ToHaveCountAsync(5);
        string[] expected = ["FirstName", "LastName", "Email", "Phone", "Tags"];
        for (var i = 0; i < expected.Length; i++)
        {
            await Expect(targets.Nth(i)).ToHaveValueAsync(expected[i]);
        }

        await Expect(page.GetByTestId("column").First.GetByTestId("column-sample")).ToContainTextAsync("Ada");

        // Step 3: the preview, nothing written yet.
        await page.GetByTestId("preview").ClickAsync();
        var result = page.GetByTestId("preview-result");
        await Expect(result).ToBeVisibleAsync();
        await Expect(Tile(page, "preview-create")).ToHaveTextAsync("2");
        await Expect(Tile(page, "preview-skip")).ToHaveTextAsync("1");
        await Expect(Tile(page, "preview-reject")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("preview-new-tags")).ToContainTextAsync("Navy");
        await Expect(page.GetByTestId("preview-problem")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("preview-problems")).ToContainTextAsync("not-an-email");

        // Step 4: started, it runs in the background and the page follows it live to the end.
        await page.GetByTestId("start-import").ClickAsync();
        var panel = page.GetByTestId("import-run-panel");
        await Expect(panel.GetByTestId("import-status")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
        await Expect(Tile(page, "run-created")).ToHaveTextAsync("2");
        await Expect(Tile(page, "run-rejected")).ToHaveTextAsync("1");
        await Expect(Tile(page, "run-skipped")).ToHaveTextAsync("1");

        // The rejects report: every row left out, with its line, reason and original text.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-report").ClickAsync());
        Assert.Matches(@"^import-\d+-rejected-rows\.csv$", download.SuggestedFilename);
        var report = await File.ReadAllTextAsync((await download.PathAsync())!, Encoding.UTF8);
        Assert.Contains("rejected", report, StringComparison.Ordinal);
        Assert.Contains("Bad;Mail;not-an-email", report, StringComparison.Ordinal);
        Assert.Contains("skipped", report, StringComparison.Ordinal);

        // The new customers are in the directory.
        var importUrl = page.Url;
        await page.GotoAsync("/customers");
        await WaitForInteractiveAsync(page);
        var names = page.Locator("tr.rz-data-row a.customer-link");
        await Expect(names).ToHaveTextAsync(["Ada Importée", "Grace Importée"]);

        // The import page lists it; undo, confirmed, removes them again.
        await page.GotoAsync("/customers/import");
        await WaitForInteractiveAsync(page);
        await Expect(page.GetByTestId("import-run")).ToHaveAttributeAsync("data-status", "Completed");
        await page.GetByTestId("import-run-link").ClickAsync();
        await page.WaitForURLAsync(importUrl);
        await page.GetByTestId("undo-import").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo the import", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("undo-summary")).ToContainTextAsync("Removed 2 profiles");
        await Expect(panel.GetByTestId("import-status")).ToHaveAttributeAsync("data-status", "Undone");

        await page.GotoAsync("/customers");
        await WaitForInteractiveAsync(page);
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("0 customers");
        await Expect(names).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TheChoicesOfAPreviewedImport_OverridesIncluded_AreThereWhenThePageIsOpenedAgain()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("customers/import");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("upload-file").SetInputFilesAsync(new FilePayload { Name = "clients.csv", MimeType = "text/csv", Buffer = MessyCsv });
        await page.GetByTestId("upload").ClickAsync();
        await page.WaitForURLAsync(MappingUrl());
        await WaitForInteractiveAsync(page);

        // An encoding other than the one detected (which garbles "Prénom", so no suggestion for it: mapped by hand),
        // and the tags column left out; then the preview records them.
        await page.GetByTestId("encoding").SelectOptionAsync("Windows1252");
        await Expect(page.GetByTestId("column-target").Nth(0)).ToHaveValueAsync("Ignore");
        await page.GetByTestId("column-target").Nth(0).SelectOptionAsync("FirstName");
        await page.GetByTestId("column-target").Nth(4).SelectOptionAsync("Ignore");
        await page.GetByTestId("preview").ClickAsync();
        await Expect(page.GetByTestId("preview-result")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await WaitForInteractiveAsync(page);

        await Expect(page.GetByTestId("encoding")).ToHaveValueAsync("Windows1252");
        await Expect(page.GetByTestId("delimiter")).ToHaveValueAsync(";");
        await Expect(page.GetByTestId("column-target").Nth(0)).ToHaveValueAsync("FirstName");
        await Expect(page.GetByTestId("column-target").Nth(4)).ToHaveValueAsync("Ignore");
    }

    [Fact]
    public async Task HistoryFromBeforeDirectory_IsNeverMappedUnasked_AndOnceMappedTheProfileCountsIt()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("customers/import");
        await WaitForInteractiveAsync(page);
        var csv = Encoding.UTF8.GetBytes("Name,Email,Visits,Last visit,Total spent\nAda Lovelace,ada@example.com,12,03/04/2025,\"300,00 €\"\n");
        await page.GetByTestId("upload-file").SetInputFilesAsync(new FilePayload { Name = "old-till.csv", MimeType = "text/csv", Buffer = csv });
        await page.GetByTestId("upload").ClickAsync();
        await page.WaitForURLAsync(MappingUrl());
        await WaitForInteractiveAsync(page);

        // The totals columns are left out until the merchant says where they go.
        var targets = page.GetByTestId("column-target");
        await Expect(targets.Nth(2)).ToHaveValueAsync("Ignore");
        await Expect(targets.Nth(3)).ToHaveValueAsync("Ignore");
        await Expect(targets.Nth(4)).ToHaveValueAsync("Ignore");
        await Expect(page.GetByTestId("date-order-question")).ToHaveCountAsync(0);
        await targets.Nth(2).SelectOptionAsync("VisitsBefore");
        await targets.Nth(4).SelectOptionAsync("SpentBefore");

        // A column of dates mapped by hand that read either way: the order is asked before anything is previewed.
        await targets.Nth(3).SelectOptionAsync("LastVisitBefore");
        await Expect(page.GetByTestId("date-order-question")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("preview")).ToBeDisabledAsync();
        await page.GetByTestId("date-order").SelectOptionAsync("DayMonthYear");
        await page.GetByTestId("preview").ClickAsync();
        await Expect(Tile(page, "preview-create")).ToHaveTextAsync("1");
        await page.GetByTestId("start-import").ClickAsync();
        await Expect(page.GetByTestId("import-run-panel").GetByTestId("import-status")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });

        await page.GotoAsync("/customers");
        await WaitForInteractiveAsync(page);
        await page.Locator("tr.rz-data-row a.customer-link", new() { HasTextString = "Ada Lovelace" }).ClickAsync();
        await Expect(page.GetByTestId("visit-count")).ToHaveTextAsync("12");
        await Expect(page.GetByTestId("total-spent")).ToHaveTextAsync("€300.00");
        await Expect(page.GetByTestId("prior-activity")).ToHaveTextAsync("Includes history from before Directory: 12 visits, the last on 3 Apr 2025; 1 order (€300.00).");
    }

    [Fact]
    public async Task AnUploadTheServerRefuses_ComesBackToTheFormWithTheReason()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("customers/import");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("upload-file").SetInputFilesAsync(new FilePayload { Name = "empty.csv", MimeType = "text/csv", Buffer = [] });
        await page.GetByTestId("upload").ClickAsync();

        await Expect(page.GetByTestId("upload-problem")).ToBeVisibleAsync();
        Assert.EndsWith("/customers/import", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    private static ILocator Tile(IPage page, string testId) => page.GetByTestId(testId).Locator(".engagement-value");

    [GeneratedRegex(@"/customers/import/\d+$")]
    private static partial Regex MappingUrl();
}
