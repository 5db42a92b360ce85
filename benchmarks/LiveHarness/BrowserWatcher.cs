using Microsoft.Playwright;

namespace CustomerDirectory.LiveHarness;

/// <summary>A directory view in a real Chromium page (its own browser context, so its own circuit).</summary>
public sealed class BrowserWatcher(IPage page)
{
    public static async Task<BrowserWatcher> OpenAsync(IBrowser browser, string baseUrl, string storageState, string path)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, StorageState = storageState });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.Locator("main[data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("tr.rz-data-row").First.WaitForAsync(new() { Timeout = 60_000 });
        return new BrowserWatcher(page);
    }

    public Task CloseAsync() => page.Context.CloseAsync();

    /// <summary>From now on, notes the moment the grid first shows <paramref name="text"/>.</summary>
    public Task ArmAsync(string text) => page.EvaluateAsync("""
        (text) => {
          window.__seen = 0;
          window.__observer?.disconnect();
          const check = () => { if (!window.__seen && document.querySelector('.customer-grid')?.innerText.includes(text)) { window.__seen = Date.now(); } };
          window.__observer = new MutationObserver(check);
          window.__observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """, text);

    /// <summary>When (Unix ms, the page's clock) the text appeared; polls until <paramref name="deadline"/>, then infinity.</summary>
    public async Task<double> SeenAtAsync(DateTime deadline)
    {
        double seen;
        while ((seen = await page.EvaluateAsync<double>("() => window.__seen")) == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return double.PositiveInfinity;
            }

            await Task.Delay(20);
        }

        return seen;
    }
}
