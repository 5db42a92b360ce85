using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Views;

namespace CustomerDirectory.Domain.Tests.Views;

public sealed class SavedViewServiceTests : DatabaseTest
{
    private SavedViewService Views => Db.Get<SavedViewService>();

    private static string VipFilter() => new FilterDefinition
    {
        Root = FilterNode.All(FilterNode.Condition(FilterFields.VisitCount, FilterOperator.GreaterOrEqual, "3")),
    }.ToJson();

    [Fact]
    public async Task Save_StoresTheFilterTextAndSort_WithWhoAndWhen_AndListsByName()
    {
        var id = await Views.SaveAsync(new SavedViewInput("  Regulars ", VipFilter(), " dupont ", CustomerSort.TotalSpent, Descending: true), "Olivia");
        await Views.SaveAsync(new SavedViewInput("Animals", FilterDefinition.Empty.ToJson()), "Marc");

        var list = await Views.ListAsync();

        Assert.Equal(["Animals", "Regulars"], list.Select(v => v.Name));
        var regulars = list[1];
        Assert.Equal(id, regulars.Id);
        Assert.Equal(VipFilter(), regulars.FilterJson);
        Assert.Equal("dupont", regulars.Text);
        Assert.Equal(CustomerSort.TotalSpent, regulars.Sort);
        Assert.True(regulars.Descending);
        Assert.Equal("Olivia", regulars.CreatedBy);
        Assert.Equal(Db.Clock.Now.UtcDateTime, regulars.CreatedAt);
        Assert.Equal(regulars, await Views.GetAsync(id));
    }

    [Fact]
    public async Task Save_UnderAnExistingName_IsRefused_UnlessOverwriting_WhichKeepsTheIdAndAuthor()
    {
        var id = await Views.SaveAsync(new SavedViewInput("Lapsed VIPs", VipFilter()), "Olivia");
        Db.Clock.Advance(TimeSpan.FromHours(1));

        var refused = await Assert.ThrowsAsync<DomainException>(() => Views.SaveAsync(new SavedViewInput("lapsed vìps", FilterDefinition.Empty.ToJson()), "Marc"));
        var again = await Views.SaveAsync(new SavedViewInput("lapsed vìps", FilterDefinition.Empty.ToJson(), "x"), "Marc", overwrite: true);

        Assert.Equal("A view called \"Lapsed VIPs\" already exists.", refused.Message);
        Assert.Equal(id, again);
        var view = Assert.Single(await Views.ListAsync());
        Assert.Equal("lapsed vìps", view.Name);
        Assert.Equal(FilterDefinition.Empty.ToJson(), view.FilterJson);
        Assert.Equal("x", view.Text);
        Assert.Equal("Olivia", view.CreatedBy);
        Assert.Equal(Db.Clock.Now.UtcDateTime, view.UpdatedAt);
        Assert.NotEqual(view.CreatedAt, view.UpdatedAt);
    }

    [Theory]
    [InlineData("", "Name the view.")]
    [InlineData("   ", "Name the view.")]
    [InlineData("a view name that is far, far too long to fit in a menu, really it is", "A view name can be at most 60 characters.")]
    [InlineData("tab\there", "The view name contains characters that are not allowed.")]
    public async Task Save_RefusesBadNames(string name, string message)
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => Views.SaveAsync(new SavedViewInput(name, VipFilter()), "Olivia"));

        Assert.Equal(message, e.Message);
        Assert.Empty(await Views.ListAsync());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"v\":99,\"root\":{\"match\":\"all\",\"items\":[]}}")]
    [InlineData("null")]
    public async Task Save_RefusesAFilterThatCannotBeRead_WithTheFiltersOwnMessage(string json)
    {
        var e = await Assert.ThrowsAsync<FilterException>(() => Views.SaveAsync(new SavedViewInput("Broken", json), "Olivia"));

        Assert.StartsWith("This filter", e.Message, StringComparison.Ordinal);
        Assert.Empty(await Views.ListAsync());
    }

    [Fact]
    public async Task Save_RefusesSearchTextLongerThanTheSearchBoxTakes()
    {
        var e = await Assert.ThrowsAsync<DomainException>(() =>
            Views.SaveAsync(new SavedViewInput("Long", VipFilter(), new string('x', CustomerSearch.MaxTextLength + 1)), "Olivia"));

        Assert.Equal("Search text can be at most 200 characters.", e.Message);
    }

    [Fact]
    public async Task Save_KeepsAFilterWhoseFieldNoLongerExists_SoTheViewStillOpensAndExplains()
    {
        var json = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition("custom.999", FilterOperator.IsTrue)) }.ToJson();

        var id = await Views.SaveAsync(new SavedViewInput("Old", json), "Olivia");

        var stored = FilterDefinition.FromJson((await Views.GetAsync(id)).FilterJson);
        var e = await Assert.ThrowsAsync<FilterException>(() => Db.Customers.SearchAsync(new CustomerSearch(Filter: stored)));
        Assert.Contains("no longer exists", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rename_ChangesTheName_ButNotOntoAnotherViewsName()
    {
        var a = await Views.SaveAsync(new SavedViewInput("Regulars", VipFilter()), "Olivia");
        await Views.SaveAsync(new SavedViewInput("Newcomers", VipFilter()), "Olivia");

        await Views.RenameAsync(a, "Regulars ⭐");
        var clash = await Assert.ThrowsAsync<DomainException>(() => Views.RenameAsync(a, "NEWCOMERS"));
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => Views.RenameAsync(a + 100, "Other"));

        Assert.Equal("A view called \"Newcomers\" already exists.", clash.Message);
        Assert.Equal("This view no longer exists (it may have been deleted).", missing.Message);
        Assert.Equal(["Newcomers", "Regulars ⭐"], (await Views.ListAsync()).Select(v => v.Name));
    }

    [Fact]
    public async Task Delete_RemovesTheView_AndSaysSoWhenItWasAlreadyGone()
    {
        var a = await Views.SaveAsync(new SavedViewInput("Regulars", VipFilter()), "Olivia");
        var b = await Views.SaveAsync(new SavedViewInput("Newcomers", VipFilter()), "Olivia");

        await Views.DeleteAsync(a);
        await Assert.ThrowsAsync<NotFoundException>(() => Views.DeleteAsync(a));

        Assert.Equal([b], (await Views.ListAsync()).Select(v => v.Id));
    }

    [Fact]
    public async Task EveryChange_IsAnnouncedAfterItIsCommitted()
    {
        var seen = new List<(ChangeKind Kind, int Count)>();
        using var subscription = Db.Get<ChangeFeed>().Subscribe(e => seen.Add((e.Kind, Views.ListAsync().GetAwaiter().GetResult().Count)));

        var id = await Views.SaveAsync(new SavedViewInput("Regulars", VipFilter()), "Olivia");
        await Views.RenameAsync(id, "Regulars 2");
        await Views.DeleteAsync(id);
        await Assert.ThrowsAsync<DomainException>(() => Views.SaveAsync(new SavedViewInput("", VipFilter()), "Olivia"));

        Assert.Equal([(ChangeKind.ViewsChanged, 1), (ChangeKind.ViewsChanged, 1), (ChangeKind.ViewsChanged, 0)], seen);
    }

    [Fact]
    public async Task TwoPeopleSavingTheSameNewNameAtOnce_GetOneView_AndAClearRefusal()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            try
            {
                await Views.SaveAsync(new SavedViewInput("Same", VipFilter()), $"Person {i}");
                return null;
            }
            catch (DomainException e)
            {
                return e.Message;
            }
        }));

        Assert.Single(await Views.ListAsync());
        Assert.All(results.Where(r => r is not null), r => Assert.Equal("A view called \"Same\" already exists.", r));
        Assert.Single(results, r => r is null);
    }
}
