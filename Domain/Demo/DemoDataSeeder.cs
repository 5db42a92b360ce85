using System.Data.Common;
using Bogus;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Lists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Demo;

/// <summary>
/// Fills the directory with a plausible merchant's customers and their visits and orders: for the demo on first
/// run, and at any size for benchmarks (a million profiles with ~11 million activities).
/// </summary>
/// <remarks>
/// Each person follows a rhythm: regulars come every week or so, lapsed customers came often and then stopped,
/// occasional ones drop in a few times, some came once, some only order online. Rows are written with prepared
/// INSERTs, one transaction per batch of profiles, and each profile's aggregates are computed from the very
/// rows written with it (a test recounts them). Every profile still goes through <see cref="Customer.Create(CustomerInput, DateTime, DateTime, CustomerSource, bool, bool)"/>,
/// so demo data obeys the same rules as typed data.
/// </remarks>
public sealed class DemoDataSeeder(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, MerchantOptions merchant, ILogger<DemoDataSeeder> logger)
{
    private const int BatchSize = 5_000;
    private static readonly string[] Domains = ["gmail.com", "outlook.fr", "orange.fr", "free.fr", "yahoo.com", "proton.me", "laposte.net"];
    private static readonly CustomerSource[] Sources = [CustomerSource.AddedByHand, CustomerSource.Checkout, CustomerSource.WebsiteSignUp, CustomerSource.Imported, CustomerSource.Api, CustomerSource.Unknown];
    private static readonly float[] SourceWeights = [0.35f, 0.25f, 0.2f, 0.12f, 0.05f, 0.03f];
    private static readonly string[] Allergies = ["Nuts", "Latex", "Gluten", "Lactose", "Fragrances", "Nickel", "Ammonia (hair colour)"];

    private static readonly (string Name, bool Recurring, long Rate)[] Plans =
    [
        ("Monthly unlimited", true, 3_990),
        ("10-visit card", false, 12_000),
        ("Annual membership", true, 39_000),
        ("Student plan", true, 2_490),
    ];

    private sealed record DemoFields(int Referral, int Stylist, int[] Stylists, int Allergies);

    /// <summary>The demo merchant's mailing lists, created once.</summary>
    private static async Task<int[]> EnsureDemoListsAsync(DirectoryDbContext db, DateTime now, CancellationToken ct)
    {
        var ids = new List<int>();
        foreach (var name in new[] { "Newsletter", "Offers" })
        {
            var key = ContactRules.Fold(name);
            var list = await db.MailingLists.SingleOrDefaultAsync(l => l.NameKey == key, ct);
            if (list is null)
            {
                list = MailingList.Create(name, now);
                db.MailingLists.Add(list);
                await db.SaveChangesAsync(ct);
            }

            ids.Add(list.Id);
        }

        return [.. ids];
    }

    /// <summary>The demo merchant's custom fields, created once: a toggle, a select and a text.</summary>
    private static async Task<DemoFields> EnsureDemoFieldsAsync(DirectoryDbContext db, DateTime now, CancellationToken ct)
    {
        async Task<CustomField> FieldAsync(string name, CustomFieldType type, string[] options)
        {
            var key = ContactRules.Fold(name);
            var field = await db.CustomFields.Include(f => f.Options).SingleOrDefaultAsync(f => f.NameKey == key, ct);
            if (field is null)
            {
                var position = (await db.CustomFields.MaxAsync(f => (int?)f.Position, ct) ?? 0) + 1;
                field = CustomField.Create(name, type, CustomFieldVisibility.Visible, position, now);
                field.Options.AddRange(options.Select((label, i) => CustomFieldOption.Create(label, i)));
                db.CustomFields.Add(field);
                await db.SaveChangesAsync(ct);
            }

            return field;
        }

        var referral = await FieldAsync("Referral?", CustomFieldType.Toggle, []);
        var stylist = await FieldAsync("Preferred stylist", CustomFieldType.Select, ["Camille", "Jordan", "Sam", "Inès"]);
        var allergies = await FieldAsync("Allergies", CustomFieldType.Text, []);
        return new DemoFields(referral.Id, stylist.Id, [.. stylist.Options.Select(o => o.Id)], allergies.Id);
    }

    /// <summary>Seeds <paramref name="count"/> profiles only when the directory has none.</summary>
    public async Task<int> SeedIfEmptyAsync(int count, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Customers.AnyAsync(ct))
            {
                return 0;
            }
        }

        return await SeedAsync(count, progress: null, ct);
    }

    /// <summary>Adds <paramref name="count"/> profiles with their activity; reports the running total after each batch.</summary>
    public async Task<int> SeedAsync(int count, IProgress<int>? progress, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var firstId = (await db.Customers.MaxAsync(c => (int?)c.Id, ct) ?? 0) + 1;
        var faker = new Faker("fr") { Random = new Randomizer(20261122 + firstId) };
        var fields = await EnsureDemoFieldsAsync(db, now, ct);
        var lists = await EnsureDemoListsAsync(db, now, ct);

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (db.Database.IsSqlite())
            {
                // A bigger page cache for this connection only: index pages of a growing table stay in memory.
                await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -262144;", ct); // 256 MiB
            }

            var written = 0;
            long activities = 0;
            while (written < count)
            {
                var size = Math.Min(BatchSize, count - written);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                using var writer = new BatchWriter(connection, transaction);
                for (var i = 0; i < size; i++)
                {
                    activities += WritePerson(writer, faker, firstId + written + i, now, fields, lists);
                }

                await transaction.CommitAsync(ct);
                written += size;
                progress?.Report(written);
            }

            logger.LogInformation("Seeded {Count} demo profiles with {Activities} visits and orders", written, activities);
            return written;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private int WritePerson(BatchWriter writer, Faker f, int id, DateTime now, DemoFields fields, int[] lists)
    {
        var first = f.Name.FirstName();
        var last = f.Name.LastName();
        var input = new CustomerInput
        {
            FirstName = first,
            LastName = last,
            Email = f.Random.Double() < 0.05 ? null : $"{Ascii(first)}.{Ascii(last)}{id}@{f.PickRandom(Domains)}",
            Phone = f.Random.Double() < 0.15 ? null : Phone(f),
            Birthday = f.Random.Double() < 0.6 ? DateOnly.FromDateTime(now.AddDays(-f.Random.Int(16 * 365, 85 * 365))) : null,
        };
        if (f.Random.Double() < 0.7)
        {
            input.AddressLine = f.Address.StreetAddress();
            input.PostalCode = f.Address.ZipCode("#####");
            input.City = f.Address.City();
            input.Country = "France";
        }

        var createdAt = now.AddMinutes(-f.Random.Int(60, 3 * 365 * 24 * 60));
        var source = f.Random.WeightedRandom(Sources, SourceWeights);
        var customer = Customer.Create(input, createdAt, now, source, hasAccount: f.Random.Double() < 0.4, photoUploaded: f.Random.Double() < 0.15);

        SeedConsent(f, customer, ConsentChannel.Email, createdAt, now);
        SeedConsent(f, customer, ConsentChannel.Sms, createdAt, now);

        var visits = Visits(f, createdAt, now);
        var orders = new List<(DateTime At, long Minor, OrderKind Kind)>();
        foreach (var visit in visits)
        {
            if (f.Random.Double() < 0.4)
            {
                orders.Add((Min(visit.AddMinutes(f.Random.Int(1, 40)), now), Amount(f), f.Random.Double() < 0.1 ? OrderKind.Recurring : OrderKind.OneOff));
            }
        }

        if (f.Random.Double() < 0.2)
        {
            for (var i = f.Random.Int(1, 3); i > 0; i--)
            {
                orders.Add((Between(f, createdAt, now), Amount(f), OrderKind.OneOff));
            }
        }

        var donations = new List<(DateTime At, long Minor)>();
        if (f.Random.Double() < 0.1)
        {
            for (var i = f.Random.Int(1, 5); i > 0; i--)
            {
                donations.Add((Between(f, createdAt, now), Money.ToMinor(f.PickRandom(10m, 20m, 25m, 50m, 100m))));
            }
        }

        var memberships = new List<(string Plan, MembershipStatus Status, DateTime Started, bool Recurring, long Rate)>();
        if (f.Random.Double() < 0.12)
        {
            var plan = f.PickRandom(Plans);
            var status = f.Random.WeightedRandom([MembershipStatus.Active, MembershipStatus.Paused, MembershipStatus.Cancelled], [0.7f, 0.1f, 0.2f]);
            memberships.Add((plan.Name, status, Between(f, createdAt, now), plan.Recurring, plan.Rate));
        }

        if (f.Random.Double() < 0.35)
        {
            customer.EnrollInLoyalty(f.PickRandom<int?>(100, 200, 500, null), Between(f, createdAt, now));
            customer.AdjustLoyaltyPoints(Math.Min(Customer.MaxLoyaltyPoints, (visits.Count * 10) + f.Random.Int(0, 50)));
        }

        writer.Customer(id, customer, visits, orders, donations, memberships.Count(m => m.Status == MembershipStatus.Active));
        foreach (var gift in donations)
        {
            writer.Donation(id, gift.At, gift.Minor, merchant.Currency, now);
        }

        foreach (var membership in memberships)
        {
            writer.Membership(id, membership.Plan, membership.Status, membership.Started, membership.Recurring, membership.Rate, merchant.Currency, now);
        }
        foreach (var visit in visits)
        {
            writer.Visit(id, visit, now);
        }

        foreach (var order in orders)
        {
            writer.Order(id, order.At, order.Minor, merchant.Currency, order.Kind, now);
        }

        if (customer.EmailConsent.IsSubscribed && customer.EmailConsent.SubscribedAt is { } subscribedAt)
        {
            if (f.Random.Double() < 0.6)
            {
                writer.ListSubscription(id, lists[0], subscribedAt);
            }

            if (f.Random.Double() < 0.3)
            {
                writer.ListSubscription(id, lists[1], subscribedAt.AddDays(f.Random.Int(0, 30)) is var at && at < now ? at : now);
            }
        }

        if (f.Random.Double() < 0.3)
        {
            writer.FieldValue(id, fields.Referral, flag: f.Random.Double() < 0.4);
        }

        if (f.Random.Double() < 0.35)
        {
            writer.FieldValue(id, fields.Stylist, option: f.PickRandom(fields.Stylists));
        }

        if (f.Random.Double() < 0.08)
        {
            writer.FieldValue(id, fields.Allergies, text: f.PickRandom(Allergies));
        }

        return visits.Count + orders.Count + donations.Count;
    }

    /// <summary>A mix like a real list: most email addresses opted in at some point, some left, a few bounced.</summary>
    private static void SeedConsent(Faker f, Customer customer, ConsentChannel channel, DateTime createdAt, DateTime now)
    {
        var reachable = channel == ConsentChannel.Email ? customer.Email is not null : customer.Phone is not null;
        var roll = f.Random.Double();
        var status = !reachable || roll < (channel == ConsentChannel.Email ? 0.25 : 0.55) ? ConsentStatus.NeverAsked
            : roll < (channel == ConsentChannel.Email ? 0.80 : 0.85) ? ConsentStatus.Subscribed
            : roll < 0.97 ? ConsentStatus.Unsubscribed
            : ConsentStatus.Bounced;
        if (status == ConsentStatus.NeverAsked)
        {
            return;
        }

        var origin = f.PickRandom(ConsentOrigin.Website, ConsentOrigin.Checkout, ConsentOrigin.AddedByHand, ConsentOrigin.Imported);
        customer.SetConsent(channel, status, origin, origin == ConsentOrigin.AddedByHand ? "Demo staff" : null, Between(f, createdAt, now));
    }

    /// <summary>Visit times following one of the rhythms a merchant sees.</summary>
    private static List<DateTime> Visits(Faker f, DateTime createdAt, DateTime now)
    {
        var visits = new List<DateTime>();
        var persona = f.Random.Double();
        if (persona < 0.20)
        {
            // Regular: about weekly over the last months, still coming.
            var start = Max(createdAt, now.AddDays(-f.Random.Int(90, 240)));
            for (var at = start; at < now; at = at.AddDays(f.Random.Double(4, 11)))
            {
                visits.Add(at);
            }
        }
        else if (persona < 0.35)
        {
            // Lapsed: came every two weeks or so, then stopped 3 to 12 months ago.
            var stop = now.AddDays(-f.Random.Int(90, 365));
            var start = Max(createdAt, stop.AddDays(-f.Random.Int(60, 200)));
            for (var at = start; at < stop; at = at.AddDays(f.Random.Double(7, 21)))
            {
                visits.Add(at);
            }
        }
        else if (persona < 0.70)
        {
            // Occasional: a few visits at random.
            for (var i = f.Random.Int(1, 6); i > 0; i--)
            {
                visits.Add(Between(f, createdAt, now));
            }
        }
        else if (persona < 0.85)
        {
            visits.Add(Between(f, createdAt, now)); // came once
        }

        // The rest never came in (online only, or signed up and never came).
        visits.Sort();
        return visits;
    }

    private static long Amount(Faker f) =>
        Money.ToMinor(Math.Round((decimal)Math.Exp(f.Random.Double(Math.Log(5), Math.Log(150))), 2));

    private static DateTime Between(Faker f, DateTime from, DateTime to) => from.AddMinutes(f.Random.Double(0, (to - from).TotalMinutes));

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static string Phone(Faker f) => f.Random.Int(0, 3) switch
    {
        0 => f.Random.ReplaceNumbers("+33 6 ## ## ## ##"),
        1 => f.Random.ReplaceNumbers("06.##.##.##.##"),
        2 => f.Random.ReplaceNumbers("07 ## ## ## ##"),
        _ => f.Random.ReplaceNumbers("+44 7### ######"),
    };

    private static string Ascii(string value) =>
        new([.. ContactRules.Fold(value).Where(c => char.IsAsciiLetterOrDigit(c))]);

    /// <summary>Prepared INSERTs for one batch; column lists match the EF model (a seeder test reads everything back through EF).</summary>
    private sealed class BatchWriter : IDisposable
    {
        private readonly DbCommand _customer;
        private readonly DbCommand _visit;
        private readonly DbCommand _order;
        private readonly DbCommand _fieldValue;
        private readonly DbCommand _donation;
        private readonly DbCommand _membership;
        private readonly DbCommand _listSubscription;

        public BatchWriter(DbConnection connection, DbTransaction transaction)
        {
            _customer = Command(connection, transaction,
                "Customers",
                "Id", "FirstName", "LastName", "Email", "EmailKey", "Phone", "PhoneKey", "SearchText", "SortName", "CreatedAt", "UpdatedAt", "Version",
                "AddressLine", "PostalCode", "City", "Country", "Birthday", "Source", "HasAccount", "PhotoUploaded",
                "EmailConsent_Status", "EmailConsent_ChangedAt", "EmailConsent_Origin", "EmailConsent_ChangedBy", "EmailConsent_SubscribedAt",
                "SmsConsent_Status", "SmsConsent_ChangedAt", "SmsConsent_Origin", "SmsConsent_ChangedBy", "SmsConsent_SubscribedAt",
                "VisitCount", "FirstVisitAt", "LastVisitAt", "OrderCount", "TotalSpentMinor", "FirstOrderAt", "LastOrderAt",
                "DonationCount", "DonationTotalMinor", "FirstDonationAt", "LastDonationAt", "ActiveMembershipCount",
                "LoyaltyEnrolled", "LoyaltyEnrolledAt", "LoyaltyPoints", "LoyaltyRewardThreshold");
            _visit = Command(connection, transaction, "Visits", "CustomerId", "VisitedAt", "Location", "CreatedAt");
            _order = Command(connection, transaction, "Orders", "CustomerId", "OrderedAt", "AmountMinor", "Currency", "Kind", "CreatedAt");
            _fieldValue = Command(connection, transaction, "CustomFieldValues", "CustomerId", "FieldId", "Flag", "OptionId", "Text");
            _donation = Command(connection, transaction, "Donations", "CustomerId", "DonatedAt", "AmountMinor", "Currency", "CreatedAt");
            _listSubscription = Command(connection, transaction, "ListSubscriptions", "CustomerId", "ListId", "FirstSubscribedAt");
            _membership = Command(connection, transaction, "Memberships", "CustomerId", "Plan", "Status", "StartedAt", "Recurring", "RateMinor", "Currency", "CreatedAt", "UpdatedAt");
        }

        public void Customer(int id, Customer c, List<DateTime> visits, List<(DateTime At, long Minor, OrderKind Kind)> orders, List<(DateTime At, long Minor)> donations, int activeMemberships) =>
            Execute(_customer,
                id, c.FirstName, c.LastName, c.Email, c.EmailKey, c.Phone, c.PhoneKey, c.SearchText, c.SortName, c.CreatedAt, c.UpdatedAt, c.Version,
                c.AddressLine, c.PostalCode, c.City, c.Country, c.Birthday, c.Source.ToString(), c.HasAccount, c.PhotoUploaded,
                c.EmailConsent.Status.ToString(), c.EmailConsent.ChangedAt, c.EmailConsent.Origin.ToString(), c.EmailConsent.ChangedBy, c.EmailConsent.SubscribedAt,
                c.SmsConsent.Status.ToString(), c.SmsConsent.ChangedAt, c.SmsConsent.Origin.ToString(), c.SmsConsent.ChangedBy, c.SmsConsent.SubscribedAt,
                visits.Count, visits.Count == 0 ? null : visits.Min(), visits.Count == 0 ? null : visits.Max(),
                orders.Count, orders.Sum(o => o.Minor), orders.Count == 0 ? null : orders.Min(o => o.At), orders.Count == 0 ? null : orders.Max(o => o.At),
                donations.Count, donations.Sum(d => d.Minor), donations.Count == 0 ? null : donations.Min(d => d.At), donations.Count == 0 ? null : donations.Max(d => d.At), activeMemberships,
                c.LoyaltyEnrolled, c.LoyaltyEnrolledAt, c.LoyaltyPoints, c.LoyaltyRewardThreshold);

        public void Dispose()
        {
            _customer.Dispose();
            _visit.Dispose();
            _order.Dispose();
            _fieldValue.Dispose();
            _donation.Dispose();
            _membership.Dispose();
            _listSubscription.Dispose();
        }

        public void ListSubscription(int customerId, int listId, DateTime at) => Execute(_listSubscription, customerId, listId, at);

        public void Donation(int customerId, DateTime at, long minor, string currency, DateTime now) =>
            Execute(_donation, customerId, at, minor, currency, now);

        public void Membership(int customerId, string plan, MembershipStatus status, DateTime started, bool recurring, long rate, string currency, DateTime now) =>
            Execute(_membership, customerId, plan, status.ToString(), started, recurring, rate, currency, now, now);

        public void FieldValue(int customerId, int fieldId, bool? flag = null, int? option = null, string? text = null) =>
            Execute(_fieldValue, customerId, fieldId, flag, option, text);

        public void Visit(int customerId, DateTime at, DateTime now) => Execute(_visit, customerId, at, null, now);

        public void Order(int customerId, DateTime at, long minor, string currency, OrderKind kind, DateTime now) =>
            Execute(_order, customerId, at, minor, currency, kind.ToString(), now);

        private static DbCommand Command(DbConnection connection, DbTransaction transaction, string table, params string[] columns) =>
            PreparedInsert.Create(connection, transaction, table, columns);

        private static void Execute(DbCommand command, params object?[] values) => PreparedInsert.Execute(command, values);
    }
}
