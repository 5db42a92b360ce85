using System.Data.Common;
using CustomerDirectory.Domain.Automations;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Groups;

/// <summary>
/// Adding people to a manual group (or overriding an automated one) while one of them (or the group) is deleted. The delete is made to land
/// deterministically in the worst place: after the engine chose whom to add, just before its write transaction begins.
/// </summary>
public sealed class ManualGroupRaceTests : DatabaseTest
{
    private const string Actor = "Ana (owner)";

    private GroupService Groups => Db.Get<GroupService>();

    [Fact]
    public async Task A_profile_deleted_while_being_added_to_a_manual_group_is_skipped_and_not_counted()
    {
        var ana = await Db.AddAsync(ACustomer().Named("Ana", "Test"));
        var bob = await Db.AddAsync(ACustomer().Named("Bob", "Test"));
        var group = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), Actor);
        var (engine, beforeTransaction) = await RacingEngineAsync();
        using var _ = engine;

        // The whole delete runs in the window: Bob is in no manual group yet, so it has nothing to close.
        beforeTransaction.Once(() => Db.Customers.DeleteAsync(bob));
        var added = await engine.ApplyManualAsync(group, [ana, bob], add: true, MembershipCause.ManualAdd, Actor, default);
        await engine.WhenIdleAsync();

        Assert.True(beforeTransaction.Ran);
        Assert.Equal(1, added);
        Assert.Equal(1, await engine.CountAsync(group));
        await using var db = Db.NewContext();
        Assert.Equal([ana], await db.GroupMembers.Where(m => m.GroupId == group).Select(m => m.CustomerId).ToArrayAsync());
    }

    [Fact]
    public async Task Adding_to_a_manual_group_deleted_meanwhile_says_the_group_is_gone()
    {
        var ana = await Db.AddAsync(ACustomer().Named("Ana", "Test"));
        var group = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), Actor);
        var (engine, beforeTransaction) = await RacingEngineAsync();
        using var _ = engine;

        // Without the check in the transaction, the foreign key refused the row with a bare SqliteException.
        beforeTransaction.Once(() => Groups.DeleteAsync(group));
        await Assert.ThrowsAsync<NotFoundException>(() => engine.ApplyManualAsync(group, [ana], add: true, MembershipCause.ManualAdd, Actor, default));
        await engine.WhenIdleAsync();

        Assert.True(beforeTransaction.Ran);
        Assert.Equal(0, await engine.CountAsync(group));
    }

    [Fact]
    public async Task An_override_for_a_profile_deleted_meanwhile_says_the_profile_is_gone()
    {
        var ana = await Db.AddAsync(ACustomer().Named("Ana", "Test"));
        var everyone = new FilterDefinition { Root = FilterNode.All([FilterNode.Condition(FilterFields.FirstName, FilterOperator.Is, "ana")]) };
        var group = await Groups.CreateAsync(new GroupInput("Anas", null, GroupKind.Automated, everyone), Actor);
        var (engine, beforeTransaction) = await RacingEngineAsync();
        using var _ = engine;

        // Before the check moved into the transaction, the save met the foreign key: a bare DbUpdateException.
        beforeTransaction.Once(() => Db.Customers.DeleteAsync(ana));
        await Assert.ThrowsAsync<NotFoundException>(() => engine.SetOverrideAsync(group, ana, include: false, Actor, default));

        Assert.True(beforeTransaction.Ran);
        await using var db = Db.NewContext();
        Assert.False(await db.GroupOverrides.AnyAsync(o => o.GroupId == group));
    }

    /// <summary>A second engine over the same database whose contexts run a step just before a transaction begins.</summary>
    private async Task<(GroupEngine Engine, BeforeTransaction Hook)> RacingEngineAsync()
    {
        string connectionString;
        await using (var db = Db.NewContext())
        {
            connectionString = db.Database.GetConnectionString()!;
        }

        var hook = new BeforeTransaction();
        var options = new DbContextOptionsBuilder<SqliteDirectoryDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(new SqliteConnectionPragmas(5000), hook)
            .Options;
        var engine = new GroupEngine(new Factory(options), Db.Get<ProfileIndex>(), Db.Get<FilterCatalogService>(), Db.Get<MerchantOptions>(),
            Db.Get<TimeProvider>(), Db.Get<ChangeFeed>(), Db.Get<AutomationOutbox>(), NullLogger<GroupEngine>.Instance);
        await engine.CountAsync(0); // loads the ledger now, so the hook meets the add's own transaction
        return (engine, hook);
    }

    private sealed class Factory(DbContextOptions<SqliteDirectoryDbContext> options) : IDbContextFactory<DirectoryDbContext>
    {
        public DirectoryDbContext CreateDbContext() => new SqliteDirectoryDbContext(options);
    }

    private sealed class BeforeTransaction : DbTransactionInterceptor
    {
        private Func<Task>? _step;

        public bool Ran { get; private set; }

        public void Once(Func<Task> step) => _step = step;

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _step, null) is { } step)
            {
                await step();
                Ran = true;
            }

            return result;
        }
    }
}
