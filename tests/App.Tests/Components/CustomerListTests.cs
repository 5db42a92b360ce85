using Bunit;
using CustomerDirectory.App.Components.Customers;
using Bunit.TestDoubles;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Components;

public sealed class CustomerListTests : ComponentTestContext
{
    [Fact]
    public async Task Grid_RendersOneRowPerCustomer_SortedByName_WithTheTotal()
    {
        await AddCustomerAsync("Zoé", "Martin", "zoe@example.com");
        await AddCustomerAsync("Hugo", "Bernard", "hugo@example.com");
        await AddCustomerAsync("Inès", "Dubois");

        var cut = Render<CustomerList>();

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("tr.rz-data-row");
            Assert.Equal(3, rows.Count);
            Assert.Contains("Hugo Bernard", rows[0].TextContent);
            Assert.Contains("hugo@example.com", rows[0].TextContent);
            Assert.Contains("Inès Dubois", rows[1].TextContent);
            Assert.Contains("Zoé Martin", rows[2].TextContent);
        });
        Assert.Equal("3 customers", cut.Find("[data-testid=result-count]").TextContent);
    }

    [Fact]
    public async Task Grid_ShowsOnePageOfTwentyFive_AndCountsThemAll()
    {
        await AddNumberedAsync(30);

        var cut = Render<CustomerList>();

        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("tr.rz-data-row").Count));
        Assert.Equal("30 customers", cut.Find("[data-testid=result-count]").TextContent);
    }

    [Fact]
    public void Grid_OnAnEmptyDirectory_SaysSo()
    {
        var cut = Render<CustomerList>();

        cut.WaitForAssertion(() => Assert.Contains("No customer matches this search.", cut.Markup));
        Assert.Equal("0 customers", cut.Find("[data-testid=result-count]").TextContent);
    }

    [Fact]
    public async Task Row_LinksToTheProfile()
    {
        var id = await AddCustomerAsync("Hugo", "Bernard");

        var cut = Render<CustomerList>();

        cut.WaitForAssertion(() => Assert.Equal($"customers/{id}", cut.Find("a.customer-link").GetAttribute("href")));
    }

    [Fact]
    public async Task Typing_PutsTheSearchInTheAddress_OnceTheTypistPauses()
    {
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        var cut = Render<CustomerList>();
        var navigations = 0;
        navigation.LocationChanged += (_, _) => navigations++;

        var first = cut.Find("[data-testid=search]").InputAsync(new ChangeEventArgs { Value = "dub" });
        await cut.Find("[data-testid=search]").InputAsync(new ChangeEventArgs { Value = "dubois jean" });
        await first;

        Assert.EndsWith("?q=dubois%20jean", navigation.Uri, StringComparison.Ordinal);
        Assert.Equal(1, navigations); // "dub" was superseded before the pause ended
    }

    [Fact]
    public async Task AColumnTitle_SortsByIt_ThenTheOtherWay_AndTheAddressKeepsIt()
    {
        await AddCustomerAsync("Zoé", "Martin", "a@example.com");
        await AddCustomerAsync("Hugo", "Bernard", "c@example.com");
        await AddCustomerAsync("Inès", "Dubois", "b@example.com");
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        var cut = Render<CustomerList>();
        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Inès Dubois", "Zoé Martin"], Names(cut)));
        Assert.Equal("ascending", Header(cut, "Name").GetAttribute("aria-sort"));

        Header(cut, "Name").QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["Zoé Martin", "Inès Dubois", "Hugo Bernard"], Names(cut)));
        Assert.EndsWith("?sort=name&desc=1", navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("descending", Header(cut, "Name").GetAttribute("aria-sort"));
        Assert.NotNull(Header(cut, "Name").QuerySelector(".rzi-sort-desc"));

        Header(cut, "Email").QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["Zoé Martin", "Inès Dubois", "Hugo Bernard"], Names(cut)));
        Assert.EndsWith("?sort=email", navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("none", Header(cut, "Name").GetAttribute("aria-sort"));
        Assert.Equal("ascending", Header(cut, "Email").GetAttribute("aria-sort"));

        Header(cut, "Email").QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Inès Dubois", "Zoé Martin"], Names(cut)));
        Assert.EndsWith("?sort=email&desc=1", navigation.Uri, StringComparison.Ordinal);

        // Name, A to Z, is the default: the address says nothing about it.
        Header(cut, "Name").QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Inès Dubois", "Zoé Martin"], Names(cut)));
        Assert.Empty(new Uri(navigation.Uri).Query);
    }

    [Fact]
    public async Task ThePager_GoesToAPage_ShowsWhichOne_AndTheAddressKeepsIt()
    {
        await AddNumberedAsync(60);

        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        var cut = Render<CustomerList>();
        cut.WaitForAssertion(() => Assert.Equal(25, Names(cut).Count));
        Assert.Equal("Page 1 of 3", cut.Find(".rz-pager-summary").TextContent);
        Assert.True(cut.Find(".rz-pager-prev").HasAttribute("disabled"));

        cut.FindAll(".rz-pager-page").Single(b => b.TextContent == "2").Click();

        cut.WaitForAssertion(() => Assert.Equal("First25 Last25", Names(cut)[0]));
        Assert.EndsWith("?page=2", navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("2", cut.Find(".rz-pager-page.rz-state-active").TextContent);
        Assert.Equal("page", cut.Find(".rz-pager-page.rz-state-active").GetAttribute("aria-current"));

        cut.Find(".rz-pager-last").Click();

        cut.WaitForAssertion(() => Assert.Equal(["First50 Last50", "First51 Last51"], Names(cut).Take(2)));
        Assert.Equal(10, Names(cut).Count);
        Assert.EndsWith("?page=3", navigation.Uri, StringComparison.Ordinal);
        Assert.True(cut.Find(".rz-pager-next").HasAttribute("disabled"));

        // A new sort starts from the first page.
        cut.FindAll("th").Single(th => th.TextContent.Contains("Name", StringComparison.Ordinal)).QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal("First59 Last59", Names(cut)[0]));
        Assert.EndsWith("?sort=name&desc=1", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAddressPastTheLastPage_ShowsTheLastPage_AndSaysSo()
    {
        await AddNumberedAsync(30);

        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("customers?sort=name&desc=1&page=2147483647");
        var cut = Render<CustomerList>();

        cut.WaitForAssertion(() => Assert.Equal(["First04 Last04", "First03 Last03", "First02 Last02", "First01 Last01", "First00 Last00"], Names(cut)));
        Assert.EndsWith("?sort=name&desc=1&page=2", navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("2", cut.Find(".rz-pager-page.rz-state-active").TextContent);
    }

    [Fact]
    public async Task AnotherAddress_BringsItsSortAndPage_WithoutAReload()
    {
        await AddNumberedAsync(30);

        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        var cut = Render<CustomerList>();
        cut.WaitForAssertion(() => Assert.Equal("First00 Last00", Names(cut)[0]));

        navigation.NavigateTo("customers?sort=name&desc=1&page=2"); // back/forward, or a link

        cut.WaitForAssertion(() => Assert.Equal("First04 Last04", Names(cut)[0]));
        Assert.Equal("descending", cut.FindAll("th").Single(th => th.TextContent.Contains("Name", StringComparison.Ordinal)).GetAttribute("aria-sort"));

        navigation.NavigateTo("customers");

        cut.WaitForAssertion(() => Assert.Equal("First00 Last00", Names(cut)[0]));
        Assert.Equal("1", cut.Find(".rz-pager-page.rz-state-active").TextContent);
    }

    [Fact]
    public async Task OnePage_HasNoPager()
    {
        await AddCustomerAsync("Hugo", "Bernard");

        var cut = Render<CustomerList>();

        cut.WaitForAssertion(() => Assert.Single(Names(cut)));
        Assert.Empty(cut.FindAll(".rz-pager"));
    }

    [Fact]
    public async Task ASortThePersonMayNotSee_FallsBackToNames_AndARoleChangeRereadsTheRows()
    {
        var hugo = await AddCustomerAsync("Hugo", "Bernard");
        await AddCustomerAsync("Zoé", "Martin");
        await Services.GetRequiredService<ActivityService>().RecordOrderAsync(hugo, new OrderInput { Amount = 12.5m });
        var (mia, roleId) = await StaffAsync("Counter", Permission.ViewProfiles);
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("customers?sort=spent&desc=1"); // a link from someone who may see the money

        using var _ = StaffAccess.As(mia);
        var cut = Render<CustomerList>();

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Zoé Martin"], Names(cut)));
        Assert.Empty(cut.FindAll("[role=alert], .rz-alert"));
        Assert.DoesNotContain("sort=", navigation.Uri, StringComparison.Ordinal);
        Assert.DoesNotContain(cut.FindAll("th"), th => th.TextContent.Contains("Total spent", StringComparison.Ordinal));

        // The owner gives the role the money: the open list shows the column, with the amounts read again.
        await using (var db = await Services.GetRequiredService<IDbContextFactory<DirectoryDbContext>>().CreateDbContextAsync())
        {
            db.RoleClaims.Add(new IdentityRoleClaim<string> { RoleId = roleId, ClaimType = StaffRoles.PermissionClaim, ClaimValue = nameof(Permission.ViewFinancials) });
            await db.SaveChangesAsync();
        }

        Services.GetRequiredService<StaffAccess>().Invalidate();

        cut.WaitForAssertion(() => Assert.Contains("€12.50", cut.FindAll("tr.rz-data-row")[0].TextContent, StringComparison.Ordinal));
    }

    /// <summary>First00 Last00, First01 Last01…</summary>
    private async Task AddNumberedAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await AddCustomerAsync($"First{i:00}", $"Last{i:00}");
        }
    }

    private static AngleSharp.Dom.IElement Header(IRenderedComponent<CustomerList> cut, string title) =>
        cut.FindAll("th").Single(th => th.TextContent.Trim() == title);

    private static List<string> Names(IRenderedComponent<CustomerList> cut) =>
        [.. cut.FindAll("a.customer-link").Select(a => a.TextContent.Trim())];
}
