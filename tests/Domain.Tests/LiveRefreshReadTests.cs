using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests;

/// <summary>
/// CustomerService.RefreshAsync, what an open directory page asks after a change: nothing when the change cannot reach
/// the page, the fresh page when it does (counts included), and one read shared only by screens that may see the same.
/// </summary>
public sealed class LiveRefreshReadTests : DatabaseTest
{
    private static readonly FilterDefinition InLyon = new() { Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon")) };

    private static readonly CustomerSearch FirstPageInLyon = new(Filter: InLyon);

    /// <summary>30 people in Lyon named A00…A29 (25 on the first page by name), and one in Paris; the index built.</summary>
    private async Task<int[]> LyonAsync()
    {
        var ids = new int[30];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "Ann", LastName = $"A{i:00}", Email = $"a{i}@example.com", City = "Lyon" });
        }

        await Db.Customers.CreateAsync(new CustomerInput { FirstName = "Paul", LastName = "Paris", City = "Paris" });
        await Db.Get<ProfileIndex>().BuildAsync();
        return ids;
    }

    private Task MoveAsync(int id, string city) => EditAsync(id, input => input.City = city);

    private async Task EditAsync(int id, Action<CustomerInput> edit)
    {
        var details = await Db.Customers.GetAsync(id);
        var input = details.ToInput();
        edit(input);
        await Db.Customers.UpdateAsync(id, input, details.Version);
    }

    [Fact]
    public async Task Refresh_ChangeThatCannotReachThePage_ReadsNoRowsAndShowsNothingNew()
    {
        var ids = await LyonAsync();
        var shown = await Db.Customers.SearchAsync(FirstPageInLyon);
        var paris = (await Db.Customers.SearchAsync(new CustomerSearch(Text: "Paris"))).Rows.Single().Id;
        await Db.Get<ActivityService>().RecordVisitAsync(paris, new VisitInput());
        await Db.Get<ActivityService>().RecordVisitAsync(ids[27], new VisitInput()); // matching, but on page 2, and stays there
        // Behind the change feed's back: a row read would see this, so the answer shows whether rows were read.
        await using (var db = Db.NewContext())
        {
            await db.Customers.Where(c => c.Id == ids[0]).ExecuteUpdateAsync(s => s.SetProperty(c => c.FirstName, "Unseen"));
        }

        var refreshed = await Db.Customers.RefreshAsync(FirstPageInLyon, shown, new HashSet<int> { paris, ids[27] });

        Assert.Null(refreshed);
    }

    [Fact]
    public async Task Refresh_ProfileLeavingOrEnteringTheFilterOffThePage_ChangesTheCount()
    {
        var ids = await LyonAsync();
        var shown = await Db.Customers.SearchAsync(FirstPageInLyon);

        await MoveAsync(ids[28], "Paris");
        var left = await Db.Customers.RefreshAsync(FirstPageInLyon, shown, new HashSet<int> { ids[28] });

        Assert.NotNull(left);
        Assert.Equal(29, left.Total);
        Assert.Equal(shown.Rows.Select(r => r.Id), left.Rows.Select(r => r.Id));

        await MoveAsync(ids[28], "Lyon");
        var entered = await Db.Customers.RefreshAsync(FirstPageInLyon, left, new HashSet<int> { ids[28] });

        Assert.NotNull(entered);
        Assert.Equal(30, entered.Total);
    }

    [Fact]
    public async Task Refresh_RowThatStopsMatching_LeavesThePage_AndAnEditedRowShowsTheEdit()
    {
        var ids = await LyonAsync();
        var shown = await Db.Customers.SearchAsync(FirstPageInLyon);

        await MoveAsync(ids[3], "Paris");
        await EditAsync(ids[4], input => input.FirstName = "Anne-Marie");
        var refreshed = await Db.Customers.RefreshAsync(FirstPageInLyon, shown, new HashSet<int> { ids[3], ids[4] });

        Assert.NotNull(refreshed);
        Assert.DoesNotContain(refreshed.Rows, r => r.Id == ids[3]);
        Assert.Equal(ids[25], refreshed.Rows[^1].Id); // the next one moved up
        Assert.Equal("Anne-Marie", refreshed.Rows.Single(r => r.Id == ids[4]).FirstName);
        Assert.Equal(29, refreshed.Total);
    }

    [Fact]
    public async Task Refresh_UnknownChanges_ReadTheRows_ButAnUnchangedPageStillShowsNothingNew()
    {
        await LyonAsync();
        var shown = await Db.Customers.SearchAsync(FirstPageInLyon);

        Assert.Null(await Db.Customers.RefreshAsync(FirstPageInLyon, shown, changed: null));
        Assert.Equal(shown.Rows, (await Db.Customers.RefreshAsync(FirstPageInLyon, shown: null, changed: null))!.Rows);
    }

    [Fact]
    public async Task Refresh_SamePageAndAccess_AfterTheSameChange_IsOneSharedRead()
    {
        var ids = await LyonAsync();
        var shown = await Db.Customers.SearchAsync(FirstPageInLyon);
        await MoveAsync(ids[0], "Paris");

        var reads = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Db.Customers.RefreshAsync(FirstPageInLyon, shown, new HashSet<int> { ids[0] })));

        Assert.All(reads, r => Assert.Same(reads[0], r));
        Assert.Equal(29, reads[0]!.Total);

        await MoveAsync(ids[1], "Paris"); // a newer change: a new read, never the older one
        var after = await Db.Customers.RefreshAsync(FirstPageInLyon, shown, new HashSet<int> { ids[1] });

        Assert.NotSame(reads[0], after);
        Assert.Equal(28, after!.Total);
    }

    [Fact]
    public async Task Refresh_ScreensWithDifferentFieldAccess_NeverShareARead()
    {
        var ids = await LyonAsync();
        var frontDesk = await Db.StaffWithRoleAsync(StaffRoles.FrontDesk, DefaultRoles.Sets[StaffRoles.FrontDesk]);
        var byName = new CustomerSearch(Text: "A00");
        var shown = await Db.Customers.SearchAsync(byName);
        await EditAsync(ids[0], input => input.Email = "a0.new@example.com");

        var owner = await Db.Customers.RefreshAsync(byName, shown, new HashSet<int> { ids[0] });
        CustomerPage? masked;
        using (StaffAccess.As(frontDesk))
        {
            masked = await Db.Customers.RefreshAsync(byName, shown, new HashSet<int> { ids[0] });
        }

        Assert.Equal("a0.new@example.com", Assert.Single(owner!.Rows).Email);
        Assert.NotSame(owner, masked);
        Assert.Null(Assert.Single(masked!.Rows).Email);
    }

    [Fact]
    public async Task Refresh_WithoutThePermission_IsRefused()
    {
        await LyonAsync();
        var nobody = await Db.StaffWithRoleAsync("Nobody", new HashSet<Permission>());
        using var _ = StaffAccess.As(nobody);

        await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.RefreshAsync(FirstPageInLyon, null, null));
    }
}
