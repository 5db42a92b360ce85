using System.Globalization;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Demo;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Tags;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CustomerDirectory.Domain.Tests.Filters;

/// <summary>
/// Thousands of random rules over random data: the in-memory index must give exactly the SQL translation's members,
/// counts and page order. Normal runs use a size that keeps the suite short; set DIRECTORY_DIFF_RULES (e.g. 50000)
/// and DIRECTORY_DIFF_PROFILES for a long run.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output) : DatabaseTest
{
    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    [Fact]
    public async Task RandomRules_IndexAgreesWithSql_OnMembersCountsAndOrder()
    {
        var profiles = Setting("DIRECTORY_DIFF_PROFILES", 1200);
        var rules = Setting("DIRECTORY_DIFF_RULES", 1500);
        var seed = Setting("DIRECTORY_DIFF_SEED", 20261123);
        var random = new Random(seed);

        await Db.Get<DemoDataSeeder>().SeedAsync(profiles, progress: null);
        var fields = Db.Get<CustomFieldService>();
        var multi = await fields.CreateAsync("Interests", CustomFieldType.MultiSelect, ["Yoga", "Running", "Swimming", "Cycling"]);
        var number = await fields.CreateAsync("Shoe size", CustomFieldType.Number, null);
        var date = await fields.CreateAsync("Renewal date", CustomFieldType.Date, null);
        var ids = await Ids();

        // Some values before the index is built (loaded in bulk), some after (applied one by one from the feed).
        await AddCustomValuesAsync(random, ids.Take(ids.Length / 2), multi, number, date);
        var index = Db.Get<ProfileIndex>();
        await index.BuildAsync();
        await AddCustomValuesAsync(random, ids.Skip(ids.Length / 2).Take(60), multi, number, date);
        await MakeEditsAsync(random, ids);
        await ImportBatchAsync(random);
        ids = await Ids();

        // Groups, so "in group" and "joined group" conditions have members (read from the ledger by SQL, from the
        // engine's sets by the index): one manual, one automated, members entering at two different times.
        var groups = Db.Get<GroupService>();
        var picked = await groups.CreateAsync(new GroupInput("Picked", null, GroupKind.Manual), "test");
        await groups.AddMembersAsync(picked, [.. ids.Where(_ => random.Next(3) == 0)], "test");
        Db.Clock.Advance(TimeSpan.FromDays(3));
        await groups.AddMembersAsync(picked, [.. ids.Where(_ => random.Next(5) == 0)], "test");
        await groups.CreateAsync(new GroupInput("Big spenders", null, GroupKind.Automated, new FilterDefinition
        {
            Root = FilterNode.All(FilterNode.Condition(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "100")),
        }), "test");
        await Db.Get<GroupEngine>().WhenIdleAsync();

        var catalog = await Db.Get<FilterCatalogService>().GetAsync();
        var samples = await SamplesAsync();
        var now = Db.Clock.GetUtcNow().UtcDateTime;
        var generator = new RuleGenerator(random, catalog, samples);
        var (checkedRules, nonTrivial, pages, rejected) = (0, 0, 0, 0);
        for (var i = 0; i < rules; i++)
        {
            var filter = generator.Next();
            Bound bound;
            try
            {
                bound = FilterBinder.Bind(filter, catalog, now, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
            }
            catch (FilterException)
            {
                rejected++; // e.g. a phone condition with no digits in its slice: refused, as it should be
                continue;
            }

            var text = random.Next(12) == 0 ? generator.SearchText() : null;
            var expected = await Db.Customers.SqlMatchingIdsAsync(bound, text);
            var resolved = await Db.Get<GroupEngine>().ResolveAsync(bound, CancellationToken.None);
            var actual = index.MatchingIds(resolved, text, CancellationToken.None);
            if (!expected.SequenceEqual(actual))
            {
                Assert.Fail($"Rule {i} (seed {seed}) differs: SQL {expected.Length}, index {actual.Length}; only SQL: [{string.Join(", ", expected.Except(actual).Take(10))}]; only index: [{string.Join(", ", actual.Except(expected).Take(10))}]\ntext: {text}\n{filter.ToJson()}");
            }

            checkedRules++;
            nonTrivial += expected.Length > 0 && expected.Length < ids.Length ? 1 : 0;
            if (i % 5 == 0)
            {
                var sort = (CustomerSort)random.Next(Enum.GetValues<CustomerSort>().Length);
                var descending = random.Next(2) == 0;
                var take = random.Next(1, 60);
                var skip = random.Next(4) switch { 0 => 0, 1 => Math.Max(0, expected.Length - take - random.Next(5)), _ => random.Next(Math.Max(1, expected.Length)) };
                var sqlPage = await Db.Customers.SqlPageIdsAsync(bound, text, sort, descending, skip, take);
                var page = index.Query(resolved, text, sort, descending, skip, take, CancellationToken.None);
                Assert.Equal(expected.Length, page.Total);
                if (!sqlPage.SequenceEqual(page.Ids))
                {
                    Assert.Fail($"Rule {i} page differs ({sort}, desc {descending}, skip {skip}, take {take}):\nSQL   [{string.Join(", ", sqlPage)}]\nindex [{string.Join(", ", page.Ids)}]\n{filter.ToJson()}");
                }

                pages++;
            }
        }

        Assert.True(rejected < rules / 20, $"{rejected} of {rules} generated rules were refused.");
        output.WriteLine($"{checkedRules} rules, {rejected} refused ({nonTrivial} matching some but not all of {ids.Length} profiles), {pages} pages compared.");
        // The generator must produce meaningful rules, not only "everyone" or "no one".
        Assert.True(nonTrivial > checkedRules / 3, $"Only {nonTrivial} of {checkedRules} rules were selective.");
    }

    private async Task<int[]> Ids()
    {
        await using var db = Db.NewContext();
        return await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).ToArrayAsync();
    }

    private async Task AddCustomValuesAsync(Random random, IEnumerable<int> ids, int multi, int number, int date)
    {
        var fields = Db.Get<CustomFieldService>();
        var options = (await fields.ListAsync()).Single(f => f.Id == multi).Options.Select(o => o.Id).ToArray();
        foreach (var id in ids)
        {
            if (random.Next(3) == 0)
            {
                await fields.SetValueAsync(id, multi, new CustomFieldInput { OptionIds = [.. options.Where(_ => random.Next(2) == 0)] });
            }

            if (random.Next(3) == 0)
            {
                await fields.SetValueAsync(id, number, new CustomFieldInput { Number = random.Next(30, 48) + (random.Next(2) * 0.5m) });
            }

            if (random.Next(3) == 0)
            {
                await fields.SetValueAsync(id, date, new CustomFieldInput { Date = new DateOnly(2026, 1, 1).AddDays(random.Next(-400, 400)) });
            }
        }
    }

    /// <summary>Writes after the build, through the services, so the index's incremental path is what is compared.</summary>
    /// <summary>
    /// An import: new profiles and edits of existing ones (names, so they move in every order) reach the index as one
    /// batch, the path that re-sorts many profiles at once.
    /// </summary>
    private async Task ImportBatchAsync(Random random)
    {
        await using var db = Db.NewContext();
        var emails = await db.Customers.Where(c => c.Email != null).OrderBy(c => c.Id).Select(c => c.Email!).ToListAsync();
        var csv = new System.Text.StringBuilder("First name,Last name,Email,City\n");
        foreach (var email in emails.Where(_ => random.Next(20) == 0))
        {
            csv.Append(CultureInfo.InvariantCulture, $"Zed{random.Next(100)},Aaron{random.Next(100)},{email},Imported City\n");
        }

        for (var i = 0; i < 150; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"New{random.Next(1000)},Person{random.Next(1000)},new{i}@import.example,{(random.Next(2) == 0 ? "Lyon" : "")}\n");
        }

        var imports = Db.Get<CustomerDirectory.Domain.Transfer.Import.ImportService>();
        var draft = await imports.UploadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString())), "batch.csv");
        var settings = draft.Suggested with { Duplicates = CustomerDirectory.Domain.Transfer.Import.DuplicatePolicy.Update };
        await imports.StartAsync(draft.Id, settings);
        await imports.RunAsync(draft.Id);
        var run = await imports.GetAsync(draft.Id);
        Assert.True(run.Created == 150 && run.Updated > 10, $"{run.Status} {run.Error}: {run.Created} created, {run.Updated} updated");
    }

    private async Task MakeEditsAsync(Random random, int[] ids)
    {
        var customers = Db.Customers;
        var activity = Db.Get<ActivityService>();
        var tags = Db.Get<TagService>();
        for (var i = 0; i < 40; i++)
        {
            var id = ids[random.Next(ids.Length)];
            switch (i % 4)
            {
                case 0:
                    var details = await customers.GetAsync(id);
                    await customers.UpdateAsync(id, new CustomerInput
                    {
                        FirstName = random.Next(2) == 0 ? "Élodie" : "ZOÉ",
                        LastName = details.LastName,
                        Email = random.Next(3) == 0 ? null : details.Email,
                        Phone = random.Next(3) == 0 ? null : "+33 6 98 76 54 " + random.Next(10, 99).ToString(CultureInfo.InvariantCulture),
                        City = random.Next(2) == 0 ? "Saint-Étienne" : null,
                        Birthday = details.Birthday,
                    }, details.Version);
                    break;
                case 1:
                    await activity.RecordVisitAsync(id, new VisitInput { At = Db.Clock.GetUtcNow().UtcDateTime.AddDays(-random.Next(0, 60)) });
                    break;
                case 2:
                    await activity.RecordOrderAsync(id, new OrderInput { At = Db.Clock.GetUtcNow().UtcDateTime.AddDays(-random.Next(0, 60)), Amount = random.Next(5, 300) });
                    break;
                default:
                    await tags.AddToCustomerAsync(id, random.Next(2) == 0 ? "VIP" : "Newcomer");
                    break;
            }
        }

        // New profiles after the build take new slots.
        for (var i = 0; i < 10; i++)
        {
            await customers.CreateAsync(new CustomerInput { FirstName = "Ana" + i.ToString(CultureInfo.InvariantCulture), LastName = i % 2 == 0 ? "Núñez" : "Abbott", Email = $"new{i}@example.org" });
        }
    }

    private async Task<Samples> SamplesAsync()
    {
        await using var db = Db.NewContext();
        var rows = await db.Customers.AsNoTracking().Select(c => new { c.FirstName, c.LastName, c.Email, c.Phone, c.AddressLine, c.PostalCode, c.City, c.Country }).ToListAsync();
        var plans = await db.Memberships.Select(m => m.Plan).Distinct().ToListAsync();
        return new Samples(
            new Dictionary<string, string[]>
            {
                [FilterFields.FirstName] = [.. rows.Select(r => r.FirstName)],
                [FilterFields.LastName] = [.. rows.Select(r => r.LastName)],
                [FilterFields.Email] = [.. rows.Select(r => r.Email).OfType<string>()],
                [FilterFields.Phone] = [.. rows.Select(r => r.Phone).OfType<string>()],
                [FilterFields.AddressLine] = [.. rows.Select(r => r.AddressLine).OfType<string>()],
                [FilterFields.PostalCode] = [.. rows.Select(r => r.PostalCode).OfType<string>()],
                [FilterFields.City] = [.. rows.Select(r => r.City).OfType<string>()],
                [FilterFields.Country] = [.. rows.Select(r => r.Country).OfType<string>()],
            },
            [.. plans, "No such plan"]);
    }

    private sealed record Samples(Dictionary<string, string[]> Text, string[] Plans);

    private sealed class RuleGenerator(Random random, FilterCatalog catalog, Samples samples)
    {
        private static readonly string[] Units = ["days", "weeks", "months", "years"];
        private readonly FilterField[] _fields = [.. catalog.Fields];

        public FilterDefinition Next() => new() { Root = Group(1) };

        public string SearchText()
        {
            var pool = samples.Text[random.Next(2) == 0 ? FilterFields.LastName : FilterFields.Phone];
            var value = pool[random.Next(pool.Length)];
            return random.Next(3) == 0 ? value : Slice(value);
        }

        private FilterNode Group(int depth)
        {
            var count = random.Next(depth == 1 ? 1 : 0, 4);
            var items = new FilterNode[count];
            for (var i = 0; i < count; i++)
            {
                items[i] = depth < 3 && random.Next(5) == 0 ? Group(depth + 1) : Condition();
            }

            return new FilterNode { Match = random.Next(3) == 0 ? FilterMatch.Any : FilterMatch.All, Items = items, Not = depth > 1 && random.Next(6) == 0 };
        }

        private FilterNode Condition()
        {
            var field = _fields[random.Next(_fields.Length)];
            var op = field.Operators[random.Next(field.Operators.Count)];
            return new FilterNode { Field = field.Key, Op = op, Values = Values(field, op), Not = random.Next(8) == 0 };
        }

        private string[] Values(FilterField field, FilterOperator op)
        {
            if (op is FilterOperator.IsEmpty or FilterOperator.IsNotEmpty or FilterOperator.IsTrue or FilterOperator.IsFalse)
            {
                return [];
            }

            switch (field.Type)
            {
                case FilterFieldType.Text:
                    var pool = samples.Text.GetValueOrDefault(field.Key) ?? ["a", "e", "peanuts", "Lactose", "gluten"];
                    var value = pool.Length == 0 ? "x" : pool[random.Next(pool.Length)];
                    return [op is FilterOperator.Contains or FilterOperator.NotContains or FilterOperator.StartsWith ? Slice(value) : Vary(value)];
                case FilterFieldType.Number:
                    return op == FilterOperator.Between ? [Number(), Number()] : [Number()];
                case FilterFieldType.Money:
                    return op == FilterOperator.Between ? [Money(), Money()] : [Money()];
                case FilterFieldType.Moment:
                    return op switch
                    {
                        FilterOperator.WithinLast or FilterOperator.MoreThanAgo => [random.Next(0, 40).ToString(CultureInfo.InvariantCulture), Units[random.Next(Units.Length)]],
                        FilterOperator.Between => [Day(-1500, 10), Day(-1500, 10)],
                        _ => [Day(-1500, 10)],
                    };
                case FilterFieldType.Date:
                    var (from, to) = field.CustomFieldId is null ? (-30000, -5000) : (-420, 420);
                    return op == FilterOperator.Between ? [Day(from, to), Day(from, to)] : [Day(from, to)];
                case FilterFieldType.Choice or FilterFieldType.Set:
                    var options = field.Options.Count > 0 ? field.Options.Select(o => o.Value).ToArray() : samples.Plans;
                    var picked = options.Where(_ => random.Next(3) == 0).ToArray();
                    return picked.Length > 0 ? picked : [options[random.Next(options.Length)]];
                case FilterFieldType.Activity:
                    return [random.Next(0, 8).ToString(CultureInfo.InvariantCulture), random.Next(1, 400).ToString(CultureInfo.InvariantCulture)];
                default:
                    return [Money(), random.Next(1, 400).ToString(CultureInfo.InvariantCulture)];
            }
        }

        private string Number() => random.Next(8) switch
        {
            0 => (random.Next(0, 40) + 0.5m).ToString(CultureInfo.InvariantCulture),
            1 => random.Next(30, 48).ToString(CultureInfo.InvariantCulture),
            _ => random.Next(0, 25).ToString(CultureInfo.InvariantCulture),
        };

        private string Money() => (random.Next(0, 200000) / 100m).ToString(CultureInfo.InvariantCulture);

        private string Day(int from, int to) => new DateOnly(2026, 11, 22).AddDays(random.Next(from, to)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        private string Slice(string value)
        {
            var start = random.Next(value.Length);
            var length = random.Next(1, Math.Min(6, value.Length - start) + 1);
            return Vary(value.Substring(start, length));
        }

        // Upper case now and then: text compares folded, so it must not matter.
        private string Vary(string value) => random.Next(3) == 0 ? value.ToUpperInvariant() : value;
    }
}
