using System.Security.Claims;
using Bunit;
using CustomerDirectory.App.Account;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Views;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>The directory's "Views" menu: saving what is on screen, opening a view, views that no longer apply.</summary>
public sealed class SavedViewsMenuTests : DirectoryPageTest
{
    [Fact]
    public async Task SavingAView_ListsIt_AndOpeningItBringsBackItsFilterSearchAndSort()
    {
        Auth.SetAuthorized("claire@example.com");
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "me"), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, "Claire"));
        var cut = RenderList("q=bernard&sort=spent&desc=1");
        AddCondition(cut, FilterFields.City, null, "Paris");
        cut.WaitForAssertion(() => Assert.Equal(["Paul Bernard"], Names(cut)));

        cut.Find("[data-testid=views-button]").Click();
        Assert.Contains("No saved views yet", cut.Find("[data-testid=views-panel]").TextContent, StringComparison.Ordinal);
        cut.Find("[data-testid=view-name]").Input("Parisians");
        cut.Find("[data-testid=save-view]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Parisians", cut.Find("[data-testid=view-link]").TextContent));
        var saved = Assert.Single(await Services.GetRequiredService<SavedViewService>().ListAsync());
        Assert.Equal(("Parisians", "bernard", Domain.Customers.CustomerSort.TotalSpent, true, "Claire"), (saved.Name, saved.Text, saved.Sort, saved.Descending, saved.CreatedBy));
        Assert.Equal(FilterInAddress(), saved.FilterJson);

        cut.Find("[data-testid=clear-filter]").Click();
        cut.WaitForAssertion(() => Assert.Equal("2 customers", Count(cut)));
        cut.Find("[data-testid=view-link]").Click(); // the menu stays open after saving, showing the new view

        cut.WaitForAssertion(() => Assert.Equal(["Paul Bernard"], Names(cut)));
        Assert.Equal(saved.FilterJson, FilterInAddress());
        Assert.Contains("q=bernard", Navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("sort=spent&desc=1", Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("City is \"Paris\"", cut.Find("[data-testid=filter-sentence]").TextContent);
    }

    [Fact]
    public async Task AViewWhoseFieldWasDeleted_OpensWithTheClearError()
    {
        var fields = Services.GetRequiredService<CustomFieldService>();
        var id = await fields.CreateAsync("Stylist", CustomFieldType.Text, null);
        var json = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterCatalog.CustomFieldKey(id), FilterOperator.Is, "Sam")) }.ToJson();
        await Services.GetRequiredService<SavedViewService>().SaveAsync(new SavedViewInput("Sam's clients", json), "Claire");
        await fields.DeleteAsync(id);
        var cut = RenderList();

        cut.Find("[data-testid=views-button]").Click();
        cut.Find("[data-testid=view-link]").Click();

        cut.WaitForAssertion(() => Assert.Contains("uses a field that no longer exists", cut.Find("[data-testid=filter-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("3 customers", Count(cut));
    }

    [Fact]
    public async Task AViewTooLargeForAnAddress_SaysSo_InsteadOfOpening()
    {
        var json = new FilterDefinition { Root = FilterNode.All([.. Enumerable.Range(0, 5_000).Select(_ => FilterNode.Condition(FilterFields.City, FilterOperator.IsEmpty))]) }.ToJson();
        await Services.GetRequiredService<SavedViewService>().SaveAsync(new SavedViewInput("Imported by a script", json), "Claire");
        var cut = RenderList();
        var address = Navigation.Uri;

        cut.Find("[data-testid=views-button]").Click();
        cut.Find("[data-testid=view-link]").Click();

        Assert.StartsWith("The view \"Imported by a script\" cannot be opened: this filter is too long", cut.Find("[data-testid=filter-error]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(address, Navigation.Uri);
        Assert.Equal("3 customers", Count(cut));
    }

    [Fact]
    public void SavingAViewOfAFilterThatDoesNotApply_IsRefused()
    {
        var cut = RenderList($"f={Token(FilterNode.Condition("custom.404", FilterOperator.IsTrue))}");

        cut.Find("[data-testid=views-button]").Click();
        cut.Find("[data-testid=view-name]").Input("Broken");
        cut.Find("[data-testid=save-view]").Click();

        Assert.StartsWith("Fix the filter before saving it:", cut.Find("[data-testid=view-error]").TextContent, StringComparison.Ordinal);
    }
}
