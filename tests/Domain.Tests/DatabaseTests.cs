using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Demo;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests;

public sealed class DatabaseTests : DatabaseTest
{
    [Fact]
    public async Task Database_LivesInTheDataFolder_InWalMode_WithFullSyncAndABusyTimeout()
    {
        await using var context = Db.NewContext();
        await context.Database.OpenConnectionAsync();

        Assert.True(File.Exists(Path.Combine(Db.Folder, "directory.db")));
        Assert.Equal("wal", await Pragma(context, "journal_mode"));
        Assert.Equal("2", await Pragma(context, "synchronous")); // 2 = FULL
        Assert.Equal("5000", await Pragma(context, "busy_timeout"));
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Migrate_ReKeysPhonesStoredTheOldWay_Once()
    {
        var national = await Db.AddAsync(CustomerBuilder.ACustomer().WithPhone("06 11 22 33 44"));
        var international = await Db.AddAsync(CustomerBuilder.ACustomer().WithPhone("+33 6 55 66 77 88"));
        var none = await Db.AddAsync(CustomerBuilder.ACustomer().WithPhone(null));
        await using (var db = Db.NewContext())
        {
            // As a directory made before phones were keyed internationally: digits without the trunk 0, and no record of the way.
            await db.Database.ExecuteSqlRawAsync("UPDATE \"Customers\" SET \"PhoneKey\" = '611223344' WHERE \"Id\" = {0}", national);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"MerchantSettings\" WHERE \"Key\" = 'phone-keys'");
        }

        await Db.Get<Data.DatabaseMigrator>().MigrateAsync();

        async Task<Dictionary<int, string?>> KeysAsync()
        {
            await using var db = Db.NewContext();
            return await db.Customers.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.PhoneKey);
        }

        Assert.Equal(new Dictionary<int, string?> { [national] = "33611223344", [international] = "33655667788", [none] = null }, await KeysAsync());
        await using (var db = Db.NewContext())
        {
            Assert.Equal("e164:FR", await db.MerchantSettings.Where(s => s.Key == "phone-keys").Select(s => s.Value).SingleAsync());
            await db.Database.ExecuteSqlRawAsync("UPDATE \"Customers\" SET \"PhoneKey\" = 'stale' WHERE \"Id\" = {0}", international);
        }

        await Db.Get<Data.DatabaseMigrator>().MigrateAsync(); // recorded: not read again
        Assert.Equal("stale", (await KeysAsync())[international]);
    }

    [Fact]
    public async Task Migrate_IsHarmlessWhenUpToDate()
    {
        var id = await Db.AddAsync(CustomerBuilder.ACustomer());

        await Db.Get<Data.DatabaseMigrator>().MigrateAsync();

        Assert.Equal(id, (await Db.Customers.GetAsync(id)).Id);
    }

    [Fact]
    public async Task DemoSeeder_WritesValidProfilesSpreadOverThreeYears_WithUniqueEmails_AndReportsProgress()
    {
        var reports = new List<int>();
        var seeder = Db.Get<DemoDataSeeder>();

        await seeder.SeedAsync(6_000, new SyncProgress(reports.Add));
        await seeder.SeedAsync(100, progress: null); // a second run must not collide with the first

        await using var context = Db.NewContext();
        var customers = await context.Customers.AsNoTracking().ToListAsync();
        Assert.Equal(6_100, customers.Count);
        Assert.Equal([5_000, 6_000], reports);
        Assert.All(customers, c => Assert.Empty(new CustomerInput { FirstName = c.FirstName, LastName = c.LastName, Email = c.Email, Phone = c.Phone }.Errors()));
        var emails = customers.Where(c => c.EmailKey is not null).Select(c => c.EmailKey).ToList();
        Assert.Equal(emails.Count, emails.Distinct().Count());
        Assert.InRange(emails.Count, 5_500, 6_000);
        var now = Db.Clock.Now.UtcDateTime;
        Assert.All(customers, c => Assert.InRange(c.CreatedAt, now.AddYears(-3).AddDays(-1), now));
        Assert.True(customers.Max(c => c.CreatedAt) - customers.Min(c => c.CreatedAt) > TimeSpan.FromDays(2 * 365));

        // Activity: about ten per person, never in the future, and aggregates equal to a recount of the rows.
        var visits = await context.Visits.AsNoTracking().ToListAsync();
        var orders = await context.Orders.AsNoTracking().ToListAsync();
        Assert.InRange((visits.Count + orders.Count) / (double)customers.Count, 6, 16);
        Assert.All(visits, v => Assert.True(v.VisitedAt <= now));
        Assert.All(orders, o => Assert.InRange(o.AmountMinor, 500, 15_000));
        var visitsBy = visits.ToLookup(v => v.CustomerId);
        var ordersBy = orders.ToLookup(o => o.CustomerId);
        var donationsBy = (await context.Donations.AsNoTracking().ToListAsync()).ToLookup(d => d.CustomerId);
        var membershipsBy = (await context.Memberships.AsNoTracking().ToListAsync()).ToLookup(m => m.CustomerId);
        Assert.All(customers, c =>
        {
            var v = visitsBy[c.Id].ToList();
            var o = ordersBy[c.Id].ToList();
            Assert.Equal(v.Count, c.VisitCount);
            Assert.Equal(v.Count == 0 ? null : v.Max(x => x.VisitedAt), c.LastVisitAt);
            Assert.Equal(v.Count == 0 ? null : v.Min(x => x.VisitedAt), c.FirstVisitAt);
            Assert.Equal(o.Count, c.OrderCount);
            Assert.Equal(o.Sum(x => x.AmountMinor), c.TotalSpentMinor);
            Assert.Equal(o.Count == 0 ? null : o.Max(x => x.OrderedAt), c.LastOrderAt);
            Assert.Equal(donationsBy[c.Id].Sum(x => x.AmountMinor), c.DonationTotalMinor);
            Assert.Equal(donationsBy[c.Id].Count(), c.DonationCount);
            Assert.Equal(membershipsBy[c.Id].Count(m => m.Status == Activity.MembershipStatus.Active), c.ActiveMembershipCount);
        });
        Assert.InRange(customers.Count(c => c.DonationCount > 0), 400, 800);
        Assert.InRange(customers.Count(c => c.LoyaltyEnrolled), 1_700, 2_500);
        // Some regulars (a visit in the last two weeks and many before) and some lapsed (none for 90 days, several before).
        Assert.True(customers.Count(c => c.VisitCount >= 8 && c.LastVisitAt > now.AddDays(-14)) > 600);
        Assert.True(customers.Count(c => c.VisitCount >= 4 && c.LastVisitAt < now.AddDays(-90)) > 300);

        // The demo merchant's custom fields, created once, with plausible shares of values readable through the service.
        var fields = await Db.Get<CustomFields.CustomFieldService>().ListAsync();
        Assert.Equal(["Referral?", "Preferred stylist", "Allergies"], fields.Select(f => f.Name));
        var stylistHolders = await Db.Get<CustomFields.CustomFieldService>().CountHoldersAsync(fields[1].Id);
        Assert.InRange(stylistHolders, 1_800, 2_500);
        var someone = (await context.CustomFieldValues.AsNoTracking().FirstAsync(v => v.FieldId == fields[1].Id)).CustomerId;
        Assert.Contains((await Db.Get<CustomFields.CustomFieldService>().ValuesAsync(someone)).Single(v => v.FieldId == fields[1].Id).OptionIds.Single(), fields[1].Options.Select(o => o.Id));
        var subscribed = await context.Customers.CountAsync(c => c.EmailConsent.Status == Consent.ConsentStatus.Subscribed);
        Assert.InRange(subscribed, 2_500, 4_500);
        var lists = await Db.Get<Lists.MailingListService>().ListAsync();
        Assert.Equal(["Newsletter", "Offers"], lists.Select(l => l.Name));
        Assert.InRange(lists[0].SubscriberCount, subscribed / 2, subscribed * 7 / 10);
        // Only people subscribed to email are on a list.
        Assert.False(await context.ListSubscriptions.AnyAsync(s => context.Customers.Any(c => c.Id == s.CustomerId && c.EmailConsent.Status != Consent.ConsentStatus.Subscribed)));
    }

    [Fact]
    public async Task DemoSeeder_SeedIfEmpty_LeavesAnExistingDirectoryAlone()
    {
        await Db.AddAsync(CustomerBuilder.ACustomer());

        var seeded = await Db.Get<DemoDataSeeder>().SeedIfEmptyAsync(50);

        Assert.Equal(0, seeded);
        Assert.Equal(1, (await Db.Customers.SearchAsync(new CustomerSearch())).Total);
    }

    private static async Task<string> Pragma(DbContext context, string name)
    {
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
