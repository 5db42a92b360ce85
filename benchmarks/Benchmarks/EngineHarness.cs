using System.Diagnostics;
using System.Globalization;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Benchmarks;

/// <summary>
/// The segmentation engine's figures (issue #4): cold start, memory, filter → count + first page, deep pages,
/// search, one change applied, and the same filters through SQL, all while 50 visits a second are being recorded.
/// </summary>
internal static class EngineHarness
{
    public static async Task RunAsync(IServiceProvider provider)
    {
        var customers = provider.GetRequiredService<CustomerService>();
        var factory = provider.GetRequiredService<IDbContextFactory<DirectoryDbContext>>();
        var merchant = provider.GetRequiredService<MerchantOptions>();

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var rssBefore = Process.GetCurrentProcess().WorkingSet64;
        var watch = Stopwatch.StartNew();
        var index = provider.GetRequiredService<ProfileIndex>();
        await index.BuildAsync();
        var built = watch.Elapsed;
        await customers.SearchAsync(new CustomerSearch(Filter: Filters(await provider.GetRequiredService<FilterCatalogService>().GetAsync())[1].Filter));
        var firstQuery = watch.Elapsed;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(Invariant($"cold start: index built in {built.TotalSeconds:F1} s ({index.BuildPhases}), first filtered query served at {firstQuery.TotalSeconds:F1} s"));
        Console.WriteLine(Invariant($"index: {index.Count:N0} profiles; managed heap +{(after - before) / 1e6:F0} MB (arrays counted: {index.MemoryBytes / 1e6:F0} MB); process RSS {rssBefore / 1e6:F0} → {Process.GetCurrentProcess().WorkingSet64 / 1e6:F0} MB"));

        // At ten million, SQL takes minutes per filter: only the simplest one and one search are run through it.
        var large = index.Count > 5_000_000;
        using var load = new CancellationTokenSource();
        var writes = BackgroundWritesAsync(provider, load.Token);
        try
        {
            var catalog = await provider.GetRequiredService<FilterCatalogService>().GetAsync();
            var now = DateTime.UtcNow;
            foreach (var (name, filter) in Filters(catalog))
            {
                var bound = FilterBinder.Bind(filter, catalog, now, merchant.TimeZone);
                var total = index.Query(bound, null, CustomerSort.Name, false, 0, 25, default).Total;
                Console.WriteLine();
                Console.WriteLine(Invariant($"{name}  → {total:N0} matches"));
                await Timing.MeasureAsync("  index: count + first page (ids)", () => Task.FromResult(index.Query(bound, null, CustomerSort.Name, false, 0, 25, default)));
                await Timing.MeasureAsync("  directory: count + first page (index + rows from SQLite)", () => customers.SearchAsync(new CustomerSearch(Filter: filter)));
                await Timing.MeasureAsync("  directory: by total spent desc", () => customers.SearchAsync(new CustomerSearch(Filter: filter, Sort: CustomerSort.TotalSpent, Descending: true)));
                await Timing.MeasureAsync("  deep page: middle of the result, by last visit", () => customers.SearchAsync(new CustomerSearch(Filter: filter, Sort: CustomerSort.LastVisitAt, Skip: total / 2)));
                await Timing.MeasureAsync("  deep page: 90 % in, by name", () => customers.SearchAsync(new CustomerSearch(Filter: filter, Skip: total * 9 / 10)));
                if (name.StartsWith("8 ", StringComparison.Ordinal) || name.StartsWith("behaviour", StringComparison.Ordinal) || (large && !name.StartsWith("1 ", StringComparison.Ordinal)))
                {
                    // Correlated subqueries per profile (tags, custom fields, orders) run for minutes at a million.
                    Console.WriteLine("  SQL baseline: not run (minutes at this size)");
                    continue;
                }

                await Timing.MeasureAsync("  SQL baseline: count + first page", async () =>
                {
                    await customers.SqlCountAsync(bound, null);
                    await customers.SqlPageIdsAsync(bound, null, CustomerSort.Name, false, 0, 25);
                }, runs: 1, warmUp: false);
            }

            Console.WriteLine();
            var everyone = new BoundConstant(true);
            await Timing.MeasureAsync("unfiltered page 20,000 by name (skip 500,000)", () => customers.SearchAsync(new CustomerSearch(Skip: 500_000)));
            foreach (var text in new[] { "dupont", "marie dupont", "06 12 34", "gmail.com", "ann" })
            {
                var matches = index.Query(everyone, text, CustomerSort.Name, false, 0, 25, default).Total;
                await Timing.MeasureAsync(Invariant($"search \"{text}\" ({matches:N0}): index count + first page"), () => Task.FromResult(index.Query(everyone, text, CustomerSort.Name, false, 0, 25, default)));
                if (large && text != "dupont")
                {
                    continue;
                }

                await Timing.MeasureAsync(Invariant($"search \"{text}\": SQL count + first page"), async () =>
                {
                    await customers.SqlCountAsync(everyone, text);
                    await customers.SqlPageIdsAsync(everyone, text, CustomerSort.Name, false, 0, 25);
                }, runs: 1, warmUp: false);
            }

            Console.WriteLine();
            int[] ids;
            await using (var db = await factory.CreateDbContextAsync())
            {
                ids = await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).Take(200_000).ToArrayAsync();
            }

            var random = new Random(7);
            await Timing.MeasureAsync("one changed profile applied to the index (re-read from SQLite + swap in)", () =>
            {
                index.Apply(new ChangeEvent(0, ChangeKind.ActivityChanged, ids[random.Next(ids.Length)], DateTime.UtcNow));
                return Task.CompletedTask;
            }, runs: 200);
        }
        finally
        {
            await load.CancelAsync();
            var done = await writes;
            Console.WriteLine(Invariant($"(background load: {done:N0} visits recorded during the run)"));
        }
    }

    private static (string Name, FilterDefinition Filter)[] Filters(FilterCatalog catalog)
    {
        static FilterNode C(string field, FilterOperator op, params string[] values) => FilterNode.Condition(field, op, values);
        // A database without tags (the ten-million seed has none) tests email consent in their place.
        var tags = catalog.Find(FilterFields.Tags)!.Options;
        FilterNode TagIs(FilterOperator op) => tags.Count > 0
            ? C(FilterFields.Tags, op, tags[0].Value)
            : C(FilterFields.EmailConsent, op == FilterOperator.HasAny ? FilterOperator.AnyOf : FilterOperator.NoneOf, "Subscribed");
        var stylist = catalog.Fields.FirstOrDefault(f => f.CustomFieldId is not null && f.Type == FilterFieldType.Choice);
        var eight = new List<FilterNode>
        {
            C(FilterFields.City, FilterOperator.Contains, "par"),
            C(FilterFields.EmailConsent, FilterOperator.AnyOf, "Subscribed"),
            C(FilterFields.VisitCount, FilterOperator.Greater, "2"),
            C(FilterFields.TotalSpent, FilterOperator.Between, "50", "5000"),
            C(FilterFields.CreatedAt, FilterOperator.MoreThanAgo, "3", "months"),
            C(FilterFields.Birthday, FilterOperator.IsNotEmpty),
            TagIs(FilterOperator.HasNone),
        };
        if (stylist is not null)
        {
            eight.Add(C(stylist.Key, FilterOperator.AnyOf, stylist.Options[0].Value, stylist.Options[1].Value));
        }

        return
        [
            ("1 condition: last visit within 8 weeks", new FilterDefinition { Root = FilterNode.All(C(FilterFields.LastVisitAt, FilterOperator.WithinLast, "8", "weeks")) }),
            ("3 conditions: Regulars-like (≥3 visits in 56 days AND last visit within 8 weeks AND (tag OR spent ≥ 500))", new FilterDefinition
            {
                Root = FilterNode.All(
                    C(FilterFields.VisitsInLast, FilterOperator.AtLeast, "3", "56"),
                    C(FilterFields.LastVisitAt, FilterOperator.WithinLast, "8", "weeks"),
                    FilterNode.Any(TagIs(FilterOperator.HasAny), C(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "500"))),
            }),
            (Invariant($"{eight.Count} conditions: text contains, consent, counts, money range, date, tags, custom choice"), new FilterDefinition { Root = FilterNode.All([.. eight]) }),
            ("behaviour: spent ≥ 100 in the last 90 days OR ordered ≥ 2 times in 30 days", new FilterDefinition
            {
                Root = FilterNode.Any(C(FilterFields.SpentInLast, FilterOperator.AtLeast, "100", "90"), C(FilterFields.OrdersInLast, FilterOperator.AtLeast, "2", "30")),
            }),
            ("email contains \"gmail\"", new FilterDefinition { Root = FilterNode.All(C(FilterFields.Email, FilterOperator.Contains, "gmail")) }),
        ];
    }

    /// <summary>50 visits a second on random profiles, through the real service (each one refreshes the index).</summary>
    private static async Task<int> BackgroundWritesAsync(IServiceProvider provider, CancellationToken ct)
    {
        var activity = provider.GetRequiredService<ActivityService>();
        var factory = provider.GetRequiredService<IDbContextFactory<DirectoryDbContext>>();
        int maxId;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            maxId = await db.Customers.MaxAsync(c => c.Id, ct);
        }

        var random = new Random(11);
        var done = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await activity.RecordVisitAsync(random.Next(1, maxId + 1), new VisitInput(), ct);
                    done++;
                }
                catch (NotFoundException)
                {
                    // a gap in the ids: try another next tick
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return done;
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
