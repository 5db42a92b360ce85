using System.Security.Claims;
using Bunit;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Components;

public sealed class ProfilePanelsTests : ComponentTestContext
{
    private static readonly StaffActor Other = new("someone-else", "Marc");

    private readonly Bunit.TestDoubles.BunitAuthorizationContext _auth;

    public ProfilePanelsTests() => _auth = AddAuthorization();

    private void SignInAs(string id, string name)
    {
        var auth = _auth;
        auth.SetAuthorized(name);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, id), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, name));
    }

    [Fact]
    public async Task Notes_ForARoleThatMayNotReadThem_SayTheyAreHidden_InsteadOfBreakingTheProfile()
    {
        var id = await AddCustomerAsync("Anne", "Petit");
        await Services.GetRequiredService<NoteService>().AddAsync(id, Other, "Owes us a call");
        var (viewer, _) = await StaffAsync("Viewer", Permission.ViewProfiles);
        SignInAs(viewer.Id, viewer.Name);
        using var _ = StaffAccess.As(viewer);

        var cut = Render<NotesPanel>(ps => ps.Add(p => p.CustomerId, id)); // threw ForbiddenException, which ends the circuit

        Assert.Equal("Your role does not show internal notes.", cut.Find("[data-testid=notes-hidden]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=note]"));
        Assert.Empty(cut.FindAll("[data-testid=add-note]"));
    }

    [Fact]
    public async Task Notes_OfferEditOnlyOnTheirAuthorsOwnNotes_AndShowMarkupAsText()
    {
        SignInAs("me", "Claire");
        var id = await AddCustomerAsync("Anne", "Petit");
        var notes = Services.GetRequiredService<NoteService>();
        await notes.AddAsync(id, Other, "Marc's <i>note</i>");
        await notes.AddAsync(id, new StaffActor("me", "Claire"), "Mine");

        var cut = Render<NotesPanel>(ps => ps.Add(p => p.CustomerId, id));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=note]").Count));
        var rendered = cut.FindAll("[data-testid=note]");
        var marcs = rendered.Single(n => n.TextContent.Contains("Marc", StringComparison.Ordinal));
        var mine = rendered.Single(n => n.TextContent.Contains("Mine", StringComparison.Ordinal));
        Assert.DoesNotContain("Edit", marcs.TextContent, StringComparison.Ordinal);
        Assert.Contains("Edit", mine.TextContent, StringComparison.Ordinal);
        Assert.Equal("Marc's <i>note</i>", marcs.QuerySelector(".note-text")!.TextContent);
        Assert.Null(marcs.QuerySelector("i"));
    }

    [Fact]
    public async Task Notes_AddingAnEmptyNote_SaysWhy()
    {
        SignInAs("me", "Claire");
        var id = await AddCustomerAsync("Anne", "Petit");
        var cut = Render<NotesPanel>(ps => ps.Add(p => p.CustomerId, id));

        cut.Find("[data-testid=add-note]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Write something in the note.", cut.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tags_AddedByTyping_AppearAsChips()
    {
        var id = await AddCustomerAsync("Anne", "Petit");
        var cut = Render<TagsPanel>(ps => ps.Add(p => p.CustomerId, id));

        cut.Find("#NewTag").Input("Regular");
        cut.Find("#NewTag").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        cut.WaitForAssertion(() => Assert.Equal(["Regular", "×"], cut.Find(".tag-chip").TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void EngagementSummary_ShowsMoneyInTheMerchantsCurrency_AndNeverForNoVisits()
    {
        var cut = Render<EngagementSummary>(ps => ps.Add(p => p.Engagement,
            new CustomerEngagement(VisitCount: 0, FirstVisitAt: null, LastVisitAt: null, OrderCount: 3, TotalSpentMinor: 123_456, FirstOrderAt: null, LastOrderAt: null)));

        Assert.Equal("€1,234.56", cut.Find("[data-testid=total-spent]").TextContent);
        Assert.Equal("€411.52", cut.Find("[data-testid=average-order]").TextContent);
        Assert.Equal("never", cut.Find("[data-testid=last-visit]").TextContent);
    }

    [Fact]
    public void EngagementSummary_SaysWhatOfTheTotalsIsHistoryFromBeforeDirectory_AndNothingWithoutIt()
    {
        var lastVisit = new DateTime(2025, 5, 3, 12, 0, 0, DateTimeKind.Utc);
        var prior = new PriorActivity(Visits: 12, LastVisitAt: lastVisit, Orders: 1, SpentMinor: 30_000);
        var cut = Render<EngagementSummary>(ps => ps.Add(p => p.Engagement,
            new CustomerEngagement(VisitCount: 13, FirstVisitAt: lastVisit, LastVisitAt: DateTime.UtcNow, OrderCount: 1, TotalSpentMinor: 30_000, FirstOrderAt: null, LastOrderAt: null, Prior: prior)));

        Assert.Equal("13", cut.Find("[data-testid=visit-count]").TextContent);
        Assert.Equal("Includes history from before Directory: 12 visits, the last on 3 May 2025; 1 order (€300.00).", cut.Find("[data-testid=prior-activity]").TextContent);

        cut.Render(ps => ps.Add(p => p.Engagement, new CustomerEngagement(1, null, null, 0, 0, null, null, Prior: PriorActivity.None)));
        Assert.Empty(cut.FindAll("[data-testid=prior-activity]"));
    }

    [Fact]
    public async Task Timeline_ListsWhatWasRecorded_NewestFirst()
    {
        var id = await AddCustomerAsync("Anne", "Petit");
        var activity = Services.GetRequiredService<ActivityService>();
        await activity.RecordVisitAsync(id, new VisitInput { At = DateTime.UtcNow.AddDays(-2), Location = "Bastille" });
        await activity.RecordOrderAsync(id, new OrderInput { At = DateTime.UtcNow.AddDays(-1), Amount = 12.5m });

        var cut = Render<ActivityPanel>(ps => ps.Add(p => p.CustomerId, id));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".timeline-entry").Count));
        var entries = cut.FindAll(".timeline-what").Select(e => e.TextContent).ToList();
        Assert.Equal(["Order · €12.50", "Visit · Bastille"], entries);
        Assert.Equal("Showing 2 of 2", cut.Find("[data-testid=timeline-count]").TextContent);
    }
}
