using Bunit;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>
/// The open directory follows other people's saves, and only re-renders when one reaches it: the list filtered to
/// Lyon (Hugo Bernard) while Paul Bernard (Paris) and Zoé Martin (no city) change.
/// </summary>
public sealed class DirectoryLiveTests : DirectoryPageTest
{
    // Longer than the live refresh's coalescing window (250 ms), so that two changes are two refreshes.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(700);

    // A busy shared machine can take more than bUnit's default second to refresh.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public DirectoryLiveTests() => Auth.SetAuthorized("claire@example.com");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<ProfileIndex>().BuildAsync(); // as the app does at start-up
    }

    private async Task<int> IdOfAsync(string text) => (await Customers.SearchAsync(new CustomerSearch(Text: text))).Rows.Single().Id;

    private async Task EditAsync(int id, Action<CustomerInput> edit)
    {
        var details = await Customers.GetAsync(id);
        var input = details.ToInput();
        edit(input);
        await Customers.UpdateAsync(id, input, details.Version);
    }

    private IRenderedComponent<CustomerList> RenderLyon()
    {
        var cut = RenderList($"f={Token(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon"))}");
        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard"], Names(cut)), Patience);
        return cut;
    }

    [Fact]
    public async Task LiveRefresh_ChangesTheViewCannotShow_RenderNothing()
    {
        // Any render of the list (a refresh renders the grid and its rows) raises the count.
        var cut = RenderLyon();
        var renders = cut.RenderCount;

        await Services.GetRequiredService<ActivityService>().RecordVisitAsync(await IdOfAsync("Zoé"), new VisitInput()); // not in Lyon
        await Task.Delay(Settle);
        await EditAsync(await IdOfAsync("Hugo"), input => input.PostalCode = "69001"); // in Lyon, but nothing the list shows
        await Task.Delay(Settle);

        Assert.Equal(renders, cut.RenderCount);
    }

    [Fact]
    public async Task LiveRefresh_ProfilesEnteringAndLeavingTheFilter_ChangeTheRowsAndTheCount()
    {
        var cut = RenderLyon();
        var hugo = await IdOfAsync("Hugo");
        var paul = await IdOfAsync("Paul");

        await EditAsync(paul, input => input.City = "Lyon");

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Paul Bernard"], Names(cut)), Patience);
        Assert.StartsWith("2 ·", Count(cut), StringComparison.Ordinal);

        await EditAsync(hugo, input => input.City = "Paris");

        cut.WaitForAssertion(() => Assert.Equal(["Paul Bernard"], Names(cut)), Patience);
        Assert.StartsWith("1 ·", Count(cut), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveRefresh_AnEditToARowOnScreen_ShowsIt()
    {
        var cut = RenderLyon();

        await EditAsync(await IdOfAsync("Hugo"), input => input.FirstName = "Hugues");

        cut.WaitForAssertion(() => Assert.Equal(["Hugues Bernard"], Names(cut)), Patience);
    }
}
