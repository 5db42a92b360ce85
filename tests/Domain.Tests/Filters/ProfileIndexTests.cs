using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Tags;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Filters;

/// <summary>The index answers the directory once built, and every committed write is in it before the write returns.</summary>
public sealed class ProfileIndexTests : DatabaseTest
{
    private static FilterDefinition Of(params FilterNode[] items) => new() { Root = FilterNode.All(items) };

    [Fact]
    public async Task Writes_AreVisibleToTheNextQuery_AndNewFieldsAreFilterableAtOnce()
    {
        var kept = await Db.AddAsync(ACustomer().Named("Jeanne", "Moreau"));
        var index = Db.Get<ProfileIndex>();
        await index.BuildAsync();
        Assert.True(index.IsReady);

        var created = await Db.AddAsync(ACustomer().Named("Zoé", "Abadie"));
        var byName = await Db.Customers.SearchAsync(new CustomerSearch(Filter: Of(FilterNode.Condition(FilterFields.FirstName, FilterOperator.Is, "zoe"))));
        Assert.Equal([created], byName.Rows.Select(r => r.Id));
        Assert.Equal(2, byName.AllCount);

        await Db.Get<TagService>().AddToCustomerAsync(kept, "VIP");
        var catalog = await Db.Get<FilterCatalogService>().GetAsync();
        var vip = catalog.Find(FilterFields.Tags)!.Options.Single().Value;
        var tagged = await Db.Customers.SearchAsync(new CustomerSearch(Filter: Of(FilterNode.Condition(FilterFields.Tags, FilterOperator.HasAny, vip))));
        Assert.Equal([kept], tagged.Rows.Select(r => r.Id));

        var fields = Db.Get<CustomFieldService>();
        var referral = await fields.CreateAsync("Referral?", CustomFieldType.Toggle, null);
        await fields.SetValueAsync(created, referral, new CustomFieldInput { Flag = true });
        var referred = await Db.Customers.SearchAsync(new CustomerSearch(Filter: Of(FilterNode.Condition(FilterCatalog.CustomFieldKey(referral), FilterOperator.IsTrue))));
        Assert.Equal([created], referred.Rows.Select(r => r.Id));

        var details = await Db.Customers.GetAsync(created);
        await Db.Customers.UpdateAsync(created, new CustomerInput { FirstName = "Anaïs", LastName = "Abadie", Email = details.Email }, details.Version);
        var renamed = await Db.Customers.SearchAsync(new CustomerSearch("anais"));
        Assert.Equal([created], renamed.Rows.Select(r => r.Id));
        Assert.Empty((await Db.Customers.SearchAsync(new CustomerSearch(Filter: Of(FilterNode.Condition(FilterFields.FirstName, FilterOperator.Is, "zoe"))))).Rows);
    }

    [Fact]
    public async Task DeletingATag_OrAnOption_TakesItOffEveryProfile()
    {
        var tagged = await Db.AddAsync(ACustomer());
        var tags = Db.Get<TagService>();
        await tags.AddToCustomerAsync(tagged, "Old");
        var fields = Db.Get<CustomFieldService>();
        var likes = await fields.CreateAsync("Likes", CustomFieldType.MultiSelect, ["Tea", "Coffee"]);
        var options = (await fields.ListAsync()).Single(f => f.Id == likes).Options;
        await fields.SetValueAsync(tagged, likes, new CustomFieldInput { OptionIds = [options[0].Id] });
        await Db.Get<ProfileIndex>().BuildAsync();

        await tags.DeleteAsync((await tags.ListAsync()).Single().Id);
        await fields.DeleteOptionAsync(likes, options[0].Id);

        var noTags = Of(FilterNode.Condition(FilterFields.Tags, FilterOperator.IsEmpty), FilterNode.Condition(FilterCatalog.CustomFieldKey(likes), FilterOperator.IsEmpty));
        Assert.Equal([tagged], (await Db.Customers.SearchAsync(new CustomerSearch(Filter: noTags))).Rows.Select(r => r.Id));
        var bound = await Db.Customers.BindAsync(noTags, default);
        Assert.Equal(await Db.Customers.SqlMatchingIdsAsync(bound, null), Db.Get<ProfileIndex>().MatchingIds(bound, null, default));
    }

    [Fact]
    public async Task ConcurrentQueries_EachGetTheirOwnAnswer()
    {
        await Db.Get<Demo.DemoDataSeeder>().SeedAsync(300, progress: null);
        var index = Db.Get<ProfileIndex>();
        await index.BuildAsync();
        Bound[] filters =
        [
            await Db.Customers.BindAsync(Of(FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, "2")), default),
            await Db.Customers.BindAsync(Of(FilterNode.Any(FilterNode.Condition(FilterFields.City, FilterOperator.StartsWith, "l"), FilterNode.Condition(FilterFields.OrderCount, FilterOperator.Greater, "5"))), default),
            await Db.Customers.BindAsync(Of(new FilterNode { Not = true, Match = FilterMatch.All, Items = [FilterNode.Condition(FilterFields.EmailConsent, FilterOperator.AnyOf, "Subscribed")] }), default),
        ];
        var expected = filters.Select(f => index.MatchingIds(f, null, default)).ToArray();
        Assert.All(expected, ids => Assert.InRange(ids.Length, 1, 299));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            var wrong = 0;
            for (var i = 0; i < 200; i++)
            {
                var which = (worker + i) % filters.Length;
                wrong += index.MatchingIds(filters[which], i % 5 == 0 ? "e" : null, default) is var ids
                    && (i % 5 == 0 ? ids.Except(expected[which]).Any() : !ids.SequenceEqual(expected[which])) ? 1 : 0;
            }

            return wrong;
        })));

        Assert.All(answers, wrong => Assert.Equal(0, wrong));
    }

    [Fact]
    public async Task TheIndexAndSql_GiveTheSamePage_ForTheSameSearch()
    {
        for (var i = 0; i < 30; i++)
        {
            await Db.AddAsync(ACustomer().Named(i % 3 == 0 ? "Léa" : "Paul", $"Dupont{i % 7}"));
        }

        var search = new CustomerSearch("dupont", CustomerSort.Email, Descending: true, Skip: 5, Take: 10);
        var bySql = await Db.Customers.SearchAsync(search);
        await Db.Get<ProfileIndex>().BuildAsync();
        var byIndex = await Db.Customers.SearchAsync(search);

        Assert.Equal(bySql.Rows.Select(r => r.Id), byIndex.Rows.Select(r => r.Id));
        Assert.Equal((30, 30), (byIndex.Total, byIndex.AllCount));
    }
}
