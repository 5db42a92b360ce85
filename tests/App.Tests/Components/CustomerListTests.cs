using Bunit;
using CustomerDirectory.App.Components.Customers;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
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
        for (var i = 0; i < 30; i++)
        {
            await AddCustomerAsync($"First{i:00}", $"Last{i:00}");
        }

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
}
