// A timing harness for the directory's hot paths on a real SQLite file. It prints numbers; it asserts nothing.
//
//   dotnet run -c Release --project benchmarks/Benchmarks -- [--data FOLDER] [--seed N] [--engine | --groups | --automations | --export | --import [--rows N] | --audience | --insights]
//
// With --data, it measures the database in FOLDER (e.g. one made by `App -- --seed-demo 1000000`); otherwise it
// seeds N demo profiles (default 100,000) into a temp folder first. Either way it adds one profile with 5,000
// visits and 500 orders, the worst case a counter clerk opens.
using System.Diagnostics;
using System.Globalization;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Demo;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var dataArg = Arg("--data");
var seed = int.Parse(Arg("--seed") ?? "100000", CultureInfo.InvariantCulture);
var folder = dataArg ?? Path.Combine(Path.GetTempPath(), "directory-bench", Guid.NewGuid().ToString("N"));
var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataFolder"] = folder, ["Merchant:TimeZone"] = "Europe/Paris" })
    .Build();
var services = new ServiceCollection().AddLogging().AddSingleton(new StaffAccessOptions(StaffActor.System))
    .AddSingleton<CustomerDirectory.Domain.Transfer.Import.IImportLauncher, CustomerDirectory.Benchmarks.NoLauncher>()
    .AddDomain(configuration);
services.AddStaffAccounts();
await using var provider = services.BuildServiceProvider();
var migration = Stopwatch.StartNew();
await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
Console.WriteLine(Invariant($"Migrations applied in {migration.Elapsed.TotalSeconds:F1} s")); // on an older seed: new columns, indexes, phone re-keying
if (args.Contains("--insights"))
{
    // The insights page's figures (docs/performance.md): on a copy of a seeded folder; its first run adds the indexes.
    await CustomerDirectory.Benchmarks.InsightsHarness.RunAsync(provider);
    return;
}

if (args.Contains("--groups"))
{
    // The groups' table (docs/performance.md): run against a copy of a seeded folder; it adds 50 groups.
    await CustomerDirectory.Benchmarks.GroupHarness.RunAsync(provider);
    return;
}

if (args.Contains("--automations"))
{
    // The webhook outbox's cost in the group engine (docs/performance.md): 10,000 entries with and without an automation.
    await CustomerDirectory.Benchmarks.AutomationHarness.RunAsync(provider);
    return;
}

if (args.Contains("--export"))
{
    // The export's figures (docs/performance.md): every profile of a seeded folder to a null stream, e.g. --data /tmp/seed1m/data.
    await CustomerDirectory.Benchmarks.ExportHarness.RunAsync(provider);
    return;
}

if (args.Contains("--import"))
{
    // The import's figures (docs/performance.md): N generated rows into a copy of a seeded folder, e.g. --data /tmp/seed1m/data --rows 1000000.
    await CustomerDirectory.Benchmarks.ImportHarness.RunAsync(provider, int.Parse(Arg("--rows") ?? "100000", CultureInfo.InvariantCulture));
    return;
}

if (args.Contains("--audience"))
{
    // The audiences' figures (docs/performance.md): on a COPY of a seeded folder (it adds groups, an audience, a snapshot).
    await CustomerDirectory.Benchmarks.AudienceHarness.RunAsync(provider);
    return;
}

if (args.Contains("--engine"))
{
    // The segmentation engine's table (docs/performance.md): run against a seeded folder, e.g. --data /tmp/seed1m/data.
    await CustomerDirectory.Benchmarks.EngineHarness.RunAsync(provider);
    return;
}

var customers = provider.GetRequiredService<CustomerService>();
if (dataArg is null)
{
    var watch = Stopwatch.StartNew();
    await provider.GetRequiredService<DemoDataSeeder>().SeedAsync(seed, progress: null);
    Console.WriteLine(Invariant($"Seeded {seed:N0} profiles in {watch.Elapsed.TotalSeconds:F1} s"));
}

var total = (await customers.SearchAsync(new CustomerSearch(Take: 1))).Total;
Console.WriteLine(Invariant($"Directory: {total:N0} profiles in {folder}"));
Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
Console.WriteLine();

var heavy = await AddHeavyProfileAsync(provider);
var activity = provider.GetRequiredService<ActivityService>();
var tags = provider.GetRequiredService<TagService>();
var notes = provider.GetRequiredService<NoteService>();
var consent = provider.GetRequiredService<ConsentService>();
var loyalty = provider.GetRequiredService<LoyaltyService>();
var fields = provider.GetRequiredService<CustomerDirectory.Domain.CustomFields.CustomFieldService>();

await CustomerDirectory.Benchmarks.Timing.MeasureAsync("profile page data, 5,000 visits + 500 orders (every panel's queries)", async () =>
{
    await customers.GetAsync(heavy);
    await activity.GetTimelineAsync(heavy, 0, 50);
    await activity.MembershipsAsync(heavy);
    await loyalty.GetAsync(heavy);
    await fields.ListAsync();
    await fields.ValuesAsync(heavy);
    await tags.ForCustomerAsync(heavy);
    await notes.ForCustomerAsync(heavy);
    await consent.GetAsync(heavy);
});
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("timeline page 50 at offset 4,000", () => activity.GetTimelineAsync(heavy, 4_000, 50));
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("record a visit (transaction + aggregates), 5,000-visit profile", () => activity.RecordVisitAsync(heavy, new VisitInput()));
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("directory first page, by name (count + 25 rows)", () => customers.SearchAsync(new CustomerSearch()));
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("directory first page, by total spent desc", () => customers.SearchAsync(new CustomerSearch(Sort: CustomerSort.TotalSpent, Descending: true)));
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("directory first page, by last visit desc", () => customers.SearchAsync(new CustomerSearch(Sort: CustomerSort.LastVisitAt, Descending: true)));
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("directory first page, by subscribed date desc", () => customers.SearchAsync(new CustomerSearch(Sort: CustomerSort.SubscribedAt, Descending: true)), runs: 5);
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("directory page 1,000 by name", () => customers.SearchAsync(new CustomerSearch(Skip: 25_000)));
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("search \"dupont\" (count + first page)", () => customers.SearchAsync(new CustomerSearch("dupont")), runs: 5);
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("search \"marie dupont\"", () => customers.SearchAsync(new CustomerSearch("marie dupont")), runs: 5);
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("search phone \"06 12 34\"", () => customers.SearchAsync(new CustomerSearch("06 12 34")), runs: 5);
await EnsureManyTagsAsync(provider);
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("tags list with counts (10,000 tags, ~1.5 tags per profile)", () => tags.ListAsync(), runs: 5);
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("tag suggestions for \"ta\"", () => tags.SuggestAsync("ta"));
await CustomerDirectory.Benchmarks.Timing.MeasureAsync("tag a profile (existing tag)", () => tags.AddToCustomerAsync(heavy, "tag 04242"));

if (dataArg is null)
{
    await provider.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

static async Task<int> AddHeavyProfileAsync(IServiceProvider provider)
{
    var id = await provider.GetRequiredService<CustomerService>().CreateAsync(new CustomerInput { FirstName = "Heavy", LastName = "Regular" });
    var factory = provider.GetRequiredService<IDbContextFactory<DirectoryDbContext>>();
    var now = DateTime.UtcNow;
    await using var db = await factory.CreateDbContextAsync();
    db.ChangeTracker.AutoDetectChangesEnabled = false;
    for (var i = 0; i < 5_000; i++)
    {
        db.Visits.Add(Visit.Create(id, now.AddHours(-6 * i), i % 3 == 0 ? "Bastille" : null, now));
    }

    for (var i = 0; i < 500; i++)
    {
        db.Orders.Add(Order.Create(id, now.AddHours(-60 * i), 1_000 + i, "EUR", OrderKind.OneOff, now));
    }

    await db.SaveChangesAsync();
    await using var transaction = await db.Database.BeginTransactionAsync();
    await ActivityService.RefreshVisitAggregatesAsync(db, id, default);
    await ActivityService.RefreshOrderAggregatesAsync(db, id, default);
    await transaction.CommitAsync();
    await provider.GetRequiredService<TagService>().AddToCustomerAsync(id, "Regular");
    await provider.GetRequiredService<NoteService>().AddAsync(id, new StaffActor("bench", "Bench"), "Comes every morning.");
    return id;
}

// 10,000 tags spread over the directory (0 to 3 per profile), written in SQL: the worst case the tag page must survive.
static async Task EnsureManyTagsAsync(IServiceProvider provider)
{
    var factory = provider.GetRequiredService<IDbContextFactory<DirectoryDbContext>>();
    await using var db = await factory.CreateDbContextAsync();
    if (await db.Tags.CountAsync() >= 10_000)
    {
        return;
    }

    var watch = Stopwatch.StartNew();
    var now = DateTime.UtcNow;
    db.ChangeTracker.AutoDetectChangesEnabled = false;
    for (var i = 0; i < 10_000; i++)
    {
        db.Tags.Add(Tag.Create($"tag {i:00000}", now));
    }

    await db.SaveChangesAsync();
    var first = await db.Tags.MinAsync(t => t.Id);
    foreach (var (modulo, salt) in new[] { (2, 7919), (3, 104729), (4, 1299709) })
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT OR IGNORE INTO "CustomerTags" ("CustomerId", "TagId", "AddedAt")
            SELECT "Id", {first} + (("Id" * {salt}) % 10000), {now} FROM "Customers" WHERE "Id" % {modulo} = 0
            """);
    }

    Console.WriteLine(Invariant($"(added 10,000 tags and {await db.CustomerTags.CountAsync():N0} tag links in {watch.Elapsed.TotalSeconds:F1} s)"));
}

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
