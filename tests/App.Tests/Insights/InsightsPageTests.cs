using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Components.Insights;
using CustomerDirectory.App.Tests.Components;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Insights;

/// <summary>
/// The insights page on a Paris clock set to Sunday 22 November 2026: Ana spent most in October, Bruno came most often,
/// Chloé only came in November.
/// </summary>
public sealed class InsightsPageTests : ComponentTestContext
{
    private readonly SetClock _clock = new() { Now = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero) };
    private int _ana;
    private int _bruno;
    private int _chloe;

    public InsightsPageTests()
    {
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(MerchantOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Merchant:TimeZone"] = "Europe/Paris" }).Build()));
        // RadzenChart asks the browser for its size; loose interop would answer null.
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = 600, Height = 280 });
        var auth = AddAuthorization();
        auth.SetAuthorized("claire@example.com");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "claire"), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, "Claire"));
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _ana = await AddCustomerAsync("Ana", "Roux", "ana@example.com");
        _bruno = await AddCustomerAsync("Bruno", "Petit", "bruno@example.com");
        _chloe = await AddCustomerAsync("Chloé", "Blanc", "chloe@example.com");
        var activity = Services.GetRequiredService<ActivityService>();
        await activity.RecordOrderAsync(_ana, new OrderInput { At = Day(10, 5), Amount = 250m });
        await activity.RecordOrderAsync(_bruno, new OrderInput { At = Day(10, 6), Amount = 20m });
        await activity.RecordOrderAsync(_bruno, new OrderInput { At = Day(10, 7), Amount = 30m });
        foreach (var day in new[] { 3, 9, 17, 24 })
        {
            await activity.RecordVisitAsync(_bruno, new VisitInput { At = Day(10, day) });
        }

        await activity.RecordVisitAsync(_ana, new VisitInput { At = Day(10, 5) });
        await activity.RecordVisitAsync(_chloe, new VisitInput { At = Day(11, 18) });
        await Services.GetRequiredService<GroupEngine>().WhenIdleAsync();
    }

    private static DateTime Day(int month, int day) => new(2026, month, day, 14, 30, 0, DateTimeKind.Utc);

    private static List<string> Names(IRenderedComponent<InsightsPage> cut) => [.. cut.FindAll("[data-testid=ranked-name]").Select(a => a.TextContent.Trim())];

    [Fact]
    public void InsightsPage_ForSomeoneWhoSeesEverything_RanksLastMonthByTotalSpentAndDrawsTheCharts()
    {
        var cut = Render<InsightsPage>();

        cut.WaitForAssertion(() => Assert.Equal(["Ana Roux", "Bruno Petit"], Names(cut)));
        Assert.Equal("Last month: 1 Oct 2026 – 31 Oct 2026, Europe/Paris time", cut.Find("[data-testid=period-dates]").TextContent.Trim());
        Assert.Contains("Top 25 by total spent, last month: 2 people", cut.Find("[data-testid=ranking-count]").TextContent, StringComparison.Ordinal);
        Assert.Contains("€250.00", cut.Find("[data-testid=ranking]").TextContent, StringComparison.Ordinal);
        Assert.Contains("ana@example.com", cut.Find("[data-testid=ranking]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=financials-hidden]"));
        cut.WaitForAssertion(() =>
        {
            Assert.NotEmpty(cut.Find("[data-testid=chart-new-returning]").GetElementsByClassName("rz-chart"));
            Assert.NotEmpty(cut.Find("[data-testid=chart-weekdays]").GetElementsByClassName("rz-chart"));
            Assert.NotEmpty(cut.Find("[data-testid=chart-hours]").GetElementsByClassName("rz-chart"));
        });

        // Summed over the 12 weeks: Bruno in the weeks of 28 Sep, 5, 12 and 19 Oct, Ana in that of 5 Oct, Chloé in that of 16 Nov.
        Assert.Equal("6", cut.Find("[data-testid=chart-new-returning]").GetAttribute("data-active"));
        Assert.Equal(["visits", "purchases", "average order value", "total spent"],
            cut.FindAll("[data-testid=metric] option").Select(o => o.TextContent.ToLowerInvariant()));
    }

    [Fact]
    public void InsightsPage_SwitchingPeriodAndMetric_ShowsTheNewDatesAndRanking()
    {
        var cut = Render<InsightsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, Names(cut).Count));

        cut.Find("[data-testid=metric]").Change(nameof(Domain.Insights.RankingMetric.VisitCount));
        cut.WaitForAssertion(() => Assert.Equal(["Bruno Petit", "Ana Roux"], Names(cut)));
        cut.Find("[data-testid=period]").Change(nameof(Domain.Insights.PeriodKind.QuarterToDate));

        cut.WaitForAssertion(() => Assert.Equal(["Bruno Petit", "Ana Roux", "Chloé Blanc"], Names(cut)));
        Assert.Equal("Quarter to date: 1 Oct 2026 – 22 Nov 2026 (so far), Europe/Paris time", cut.Find("[data-testid=period-dates]").TextContent.Trim());
    }

    [Fact]
    public void InsightsPage_CustomRangeTheWrongWayRound_SaysSoAndKeepsTheRanking()
    {
        var cut = Render<InsightsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, Names(cut).Count));

        cut.Find("[data-testid=period]").Change(nameof(Domain.Insights.PeriodKind.Custom));
        cut.Find("[data-testid=custom-from]").Change("2026-10-20");
        cut.Find("[data-testid=custom-to]").Change("2026-10-10");
        cut.Find("[data-testid=apply-custom] ").Click();

        cut.WaitForAssertion(() => Assert.Equal("The first day must not be after the last day.", cut.Find("[data-testid=insights-error]").TextContent.Trim()));
        Assert.Equal(["Ana Roux", "Bruno Petit"], Names(cut));
    }

    [Fact]
    public async Task InsightsPage_WithoutFinancialsOrContactDetails_OffersOnlyVisitsAndShowsNoMoneyOrEmail()
    {
        var (mia, _) = await StaffAsync("Insights only", Permission.ViewProfiles, Permission.ViewInsights);
        using var _ = StaffAccess.As(mia);

        var cut = Render<InsightsPage>();

        cut.WaitForAssertion(() => Assert.Equal(["Bruno Petit", "Ana Roux"], Names(cut)));
        Assert.Equal(["Visits"], cut.FindAll("[data-testid=metric] option").Select(o => o.TextContent));
        Assert.NotEmpty(cut.FindAll("[data-testid=financials-hidden]"));
        var table = cut.Find("[data-testid=ranking]").TextContent;
        Assert.DoesNotContain("€", table, StringComparison.Ordinal);
        Assert.DoesNotContain("Total spent", table, StringComparison.Ordinal);
        Assert.DoesNotContain("@example.com", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("a visit)", cut.Find("[data-testid=new-returning-definition]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=add-to-group]")); // no manual-group permission either
    }

    [Fact]
    public async Task InsightsPage_BuildAnAudience_PutsTheSelectionInANewGroupNamedAfterTheRankingAndOpensTheBuilder()
    {
        var cut = Render<InsightsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, Names(cut).Count));

        cut.FindAll("[data-testid=select-row]")[1].Change(true);
        cut.Find("[data-testid=build-audience]").Click();

        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        cut.WaitForAssertion(() => Assert.Contains("marketing/audiences/new?include=", navigation.Uri, StringComparison.Ordinal));
        var groupId = int.Parse(navigation.Uri.Split("include=")[1], System.Globalization.CultureInfo.InvariantCulture);
        var groups = Services.GetRequiredService<GroupService>();
        Assert.Equal("Top 25 by total spent, last month", (await groups.GetAsync(groupId)).Name);
        Assert.Equal([_bruno], (await groups.MembersAsync(groupId, new GroupMemberQuery())).Rows.Select(r => r.CustomerId));
    }

    [Fact]
    public void UniqueName_WhenTheNameIsTaken_NumbersItWithinTheLengthLimit()
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Top 25 by visits, last week", "Top 25 by visits, last week (2)" };

        Assert.Equal("Top 25 by visits, last week (3)", InsightsPage.UniqueName("Top 25 by visits, last week", taken));
        Assert.Equal(Group.NameMaxLength, InsightsPage.UniqueName(new string('x', 200), taken).Length);
    }
}
