using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerDirectory.Browser.Tests;

/// <summary>Export from the directory, in a real browser: the filter on screen is what the downloaded file holds.</summary>
public sealed class ExportTests(ITestOutputHelper output) : BrowserSession(output, demoProfiles: 0)
{
    [Fact]
    public async Task Owner_FiltersTheDirectory_OpensExport_AndDownloadsExactlyThoseRows()
    {
        var page = await SignedInPageAsync();
        foreach (var (first, last, city) in new[] { ("Ada", "Exporter", "Lyon"), ("Ben", "Exporter", "Paris"), ("Cy", "Exporter", "Lyon") })
        {
            await CreateProfileAsync(page, first, last, city);
        }

        await page.GotoAsync("/customers");
        await WaitForInteractiveAsync(page);
        await page.GetByTestId("filter-root").GetByTestId("add-condition").Last.ClickAsync();
        var condition = page.GetByTestId("filter-condition").Last;
        await condition.GetByTestId("filter-field").SelectOptionAsync(new SelectOptionValue { Label = "City" });
        await condition.GetByTestId("filter-op").SelectOptionAsync(new SelectOptionValue { Label = "is" });
        await condition.GetByTestId("filter-value").FillAsync("Lyon");
        await condition.GetByTestId("filter-value").PressAsync("Enter");
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("2 · 66.7 % of your customers");

        await page.GetByTestId("export").ClickAsync();
        var dialog = page.GetByTestId("export-dialog");
        await Expect(dialog.GetByTestId("export-count")).ToHaveTextAsync("2 profiles will be exported.");
        await Expect(dialog.Locator("[data-key=email]")).ToBeCheckedAsync();
        await dialog.Locator("[data-key=photo_uploaded]").UncheckAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => dialog.GetByTestId("export-download").ClickAsync());

        Assert.Matches(@"^customers-\d{4}-\d{2}-\d{2}\.csv$", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["Id", "First name", "Last name", "Email"], header[..4]);
        Assert.DoesNotContain("Photo uploaded", header);
        Assert.Equal(3, lines.Length);
        var rows = lines[1..].Select(l => l.Split(',')).ToList();
        Assert.Equal(["Ada", "Cy"], rows.Select(r => r[1]));
        Assert.All(rows, r => Assert.Equal("Lyon", r[Array.IndexOf(header, "City")]));
        Assert.Equal(header.Length, rows[0].Length);
    }
}
