using Bunit;
using CustomerDirectory.App.Components.Automations;
using CustomerDirectory.App.Tests.Groups;
using CustomerDirectory.Domain.Automations;
using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Automations;

/// <summary>The automation editor: the semantics in words as they are chosen, saving, refused URLs; the held banner.</summary>
public sealed class AutomationEditorTests : GroupPageTest
{
    // A public address written as a literal: validated without any DNS lookup, and never called by these tests.
    private const string PublicUrl = "https://93.184.216.34/hooks/directory";

    private AutomationService Automations => Services.GetRequiredService<AutomationService>();

    private IRenderedComponent<AutomationEditor> RenderNew(int groupId)
    {
        Navigation.NavigateTo($"marketing/automations/new?group={groupId}");
        var cut = Render<AutomationEditor>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=save-automation]"));
        return cut;
    }

    private static string Explained<T>(IRenderedComponent<T> cut)
        where T : Microsoft.AspNetCore.Components.IComponent => cut.Find("[data-testid=automation-explain]").TextContent;

    [Fact]
    public async Task Editor_SpellsOutTheChosenSemantics_AndCreatesTheAutomationWithABackfill()
    {
        var lyon = await LyonGroupAsync();
        var cut = RenderNew(lyon);
        Assert.Contains("Only people who enter from now on are sent", Explained(cut), StringComparison.Ordinal);
        Assert.Contains("sent again only 30 days or more after", Explained(cut), StringComparison.Ordinal);
        Assert.Contains("imports never fire automations unless you ask", Explained(cut), StringComparison.Ordinal);
        Assert.Contains("more than 500 would be sent at once", Explained(cut), StringComparison.Ordinal);

        cut.Find("[data-testid=automation-name]").Input("Welcome Lyon");
        cut.Find("[data-testid=automation-url]").Input(PublicUrl);
        Assert.Contains("Also send the 2 people in it now", cut.Find("label:has([data-testid=include-current])").TextContent, StringComparison.Ordinal);
        cut.Find("[data-testid=include-current]").Change(true);
        cut.Find("[data-testid=automation-reentry]").Change(nameof(ReentryPolicy.Never));
        cut.Find("[data-testid=count-imports]").Change(true);
        Assert.Contains("The people already in the group are sent once, now", Explained(cut), StringComparison.Ordinal);
        Assert.Contains("Each person is sent once, ever.", Explained(cut), StringComparison.Ordinal);
        Assert.Contains("People moved by an import are sent too.", Explained(cut), StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=automation-cooldown]"));

        cut.Find("[data-testid=save-automation]").Click();

        cut.WaitForAssertion(() => Assert.Matches("/marketing/automations/[0-9]+$", Navigation.Uri));
        var created = Assert.Single(await Automations.ListAsync());
        var details = await Automations.GetAsync(created.Id);
        Assert.Equal(("Welcome Lyon", lyon, PublicUrl, ReentryPolicy.Never, true, false, true),
            (details.Name, details.GroupId, details.Url, details.Reentry, details.CountImports, details.CountRuleEdits, details.IncludeCurrentMembers));
        await using var db = await Services.GetRequiredService<IDbContextFactory<DirectoryDbContext>>().CreateDbContextAsync();
        Assert.Equal([Hugo, Zoe], await db.AutomationDeliveries.Where(d => d.AutomationId == created.Id).OrderBy(d => d.CustomerId).Select(d => d.CustomerId).ToListAsync());
    }

    [Fact]
    public async Task Editor_APrivateUrl_IsRefusedOnTheUrlField_AndNothingIsSaved()
    {
        var cut = RenderNew(await LyonGroupAsync());
        cut.Find("[data-testid=automation-name]").Input("Internal");
        cut.Find("[data-testid=automation-url]").Input("http://192.168.1.20/hook");

        cut.Find("[data-testid=save-automation]").Click();

        cut.WaitForAssertion(() => Assert.Contains("a private address", Text(cut, "error-Url"), StringComparison.Ordinal));
        Assert.EndsWith("/marketing/automations/new?group=1", Navigation.Uri, StringComparison.Ordinal);
        Assert.Empty(await Automations.ListAsync());
    }

    [Fact]
    public async Task Details_AMassBackfill_ShowsTheHeldBanner_WithTheCount()
    {
        var lyon = await LyonGroupAsync();
        var id = await Automations.CreateAsync(new AutomationInput { Name = "Big", GroupId = lyon, Url = PublicUrl, IncludeCurrentMembers = true, HoldThreshold = 1 });

        // The chart measures itself through Radzen's script, absent here: give it a size.
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = 300, Height = 220 });
        var cut = Render<AutomationDetailsPage>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Equal("2 deliveries held", Text(cut, "held-count")));
        Assert.Equal(2, cut.FindAll("[data-testid=delivery-row]").Count);
        Assert.All(cut.FindAll("[data-testid=delivery-status]"), s => Assert.Equal("Held", s.TextContent.Trim()));
        Assert.DoesNotContain("whsec_", cut.Find("[data-testid=automation-secret]").TextContent.Replace("whsec_••", "", StringComparison.Ordinal), StringComparison.Ordinal);

        cut.Find("[data-testid=show-secret]").Click();
        Assert.Equal((await Automations.GetAsync(id)).Secret, Text(cut, "automation-secret"));
    }

    [Fact]
    public async Task Details_TheDeliveryLogsRowsStayPutWhenTheirStatusChanges_SoAClickMeanwhileLandsOnTheSameButton()
    {
        var lyon = await LyonGroupAsync();
        var id = await Automations.CreateAsync(new AutomationInput { Name = "Big", GroupId = lyon, Url = PublicUrl, IncludeCurrentMembers = true, HoldThreshold = 1 });
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = 300, Height = 220 });
        var cut = Render<AutomationDetailsPage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=delivery-row]").Count));
        Radzen.Blazor.RadzenButton[] AttemptButtons() =>
            [.. cut.FindComponents<Radzen.Blazor.RadzenButton>().Where(b => Equals(b.Instance.Attributes?.GetValueOrDefault("data-testid"), "delivery-attempts")).Select(b => b.Instance)];
        var before = AttemptButtons();
        Assert.Equal(2, before.Length);

        // Elsewhere (another browser, or the delivery job): the held deliveries are released; the page follows live.
        await Automations.ReleaseHeldAsync(id, (await Automations.HeldAsync(id)).Single().Batch);

        cut.WaitForAssertion(() => Assert.All(cut.FindAll("[data-testid=delivery-status]"), s => Assert.Equal("Pending", s.TextContent.Trim())));
        // The same buttons, updated in place (RadzenDataGrid made a new row for each changed delivery).
        Assert.All(before.Zip(AttemptButtons()), pair => Assert.Same(pair.First, pair.Second));
        Assert.Equal(2, AttemptButtons().Length);
    }
}
