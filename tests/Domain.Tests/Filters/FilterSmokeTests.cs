using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Tags;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Filters;

public sealed class FilterSmokeTests : DatabaseTest
{
    [Fact]
    public async Task EveryKindOfCondition_Translates_AndRuns()
    {
        var id = await Db.AddAsync(ACustomer().Named("Zoë", "Dupont"));
        await Db.Get<TagService>().AddToCustomerAsync(id, "VIP");
        var fields = Db.Get<CustomFieldService>();
        var flag = await fields.CreateAsync("Referral?", CustomFieldType.Toggle, null);
        var select = await fields.CreateAsync("Stylist", CustomFieldType.Select, ["Sam", "Jo"]);
        var multi = await fields.CreateAsync("Likes", CustomFieldType.MultiSelect, ["Tea", "Coffee"]);
        var text = await fields.CreateAsync("Notes", CustomFieldType.Text, null);
        var number = await fields.CreateAsync("Size", CustomFieldType.Number, null);
        var date = await fields.CreateAsync("Renewal", CustomFieldType.Date, null);
        var catalog = await Db.Get<FilterCatalogService>().GetAsync();
        string Opt(int fieldId, int i) => catalog.Find(FilterCatalog.CustomFieldKey(fieldId))!.Options[i].Value;
        var tag = catalog.Find(FilterFields.Tags)!.Options[0].Value;

        FilterNode[] conditions =
        [
            FilterNode.Condition(FilterFields.FirstName, FilterOperator.Is, "zoe"),
            FilterNode.Condition(FilterFields.Phone, FilterOperator.Contains, "06 12"),
            FilterNode.Condition(FilterFields.City, FilterOperator.IsEmpty),
            FilterNode.Condition(FilterFields.VisitCount, FilterOperator.LessOrEqual, "3"),
            FilterNode.Condition(FilterFields.TotalSpent, FilterOperator.Between, "0", "12.50"),
            FilterNode.Condition(FilterFields.CreatedAt, FilterOperator.WithinLast, "2", "weeks"),
            FilterNode.Condition(FilterFields.LastVisitAt, FilterOperator.IsEmpty),
            FilterNode.Condition(FilterFields.Birthday, FilterOperator.IsEmpty),
            FilterNode.Condition(FilterFields.HasAccount, FilterOperator.IsFalse),
            FilterNode.Condition(FilterFields.EmailConsent, FilterOperator.AnyOf, "NeverAsked", "Bounced"),
            FilterNode.Condition(FilterFields.Source, FilterOperator.NoneOf, "Imported"),
            FilterNode.Condition(FilterFields.Tags, FilterOperator.HasAll, tag),
            FilterNode.Condition(FilterFields.Lists, FilterOperator.IsEmpty),
            FilterNode.Condition(FilterFields.MembershipPlan, FilterOperator.HasNone, "Gold"),
            FilterNode.Condition(FilterFields.MembershipStatus, FilterOperator.HasNone, "Active", "Paused"),
            FilterNode.Condition(FilterFields.VisitsInLast, FilterOperator.LessThan, "3", "30"),
            FilterNode.Condition(FilterFields.SpentInLast, FilterOperator.LessThan, "10", "30"),
            FilterNode.Condition(FilterCatalog.CustomFieldKey(flag), FilterOperator.IsFalse),
            FilterNode.Condition(FilterCatalog.CustomFieldKey(select), FilterOperator.NoneOf, Opt(select, 0)),
            FilterNode.Condition(FilterCatalog.CustomFieldKey(multi), FilterOperator.HasNone, Opt(multi, 0), Opt(multi, 1)),
            FilterNode.Condition(FilterCatalog.CustomFieldKey(text), FilterOperator.NotContains, "x"),
            FilterNode.Condition(FilterCatalog.CustomFieldKey(number), FilterOperator.NotEqual, "4.5"),
            FilterNode.Condition(FilterCatalog.CustomFieldKey(date), FilterOperator.IsEmpty),
        ];
        var filter = new FilterDefinition { Root = FilterNode.All(conditions) };

        var page = await Db.Customers.SearchAsync(new CustomerSearch(Filter: FilterDefinition.FromJson(filter.ToJson())));

        Assert.Equal([id], page.Rows.Select(r => r.Id));
        Assert.Equal(1, page.AllCount);
    }

    [Fact]
    public async Task APhoneCondition_FindsANumberHoweverItWasWritten_InTheDatabaseAndInTheIndex()
    {
        var international = await Db.AddAsync(ACustomer().Named("Ana", "Intl").WithPhone("+33 6 11 22 33 44"));
        var national = await Db.AddAsync(ACustomer().Named("Nat", "Ional").WithPhone("06 55 66 77 88"));
        var british = await Db.AddAsync(ACustomer().Named("Brit", "Ish").WithPhone("+44 (0)20 7946 0958"));
        await Db.AddAsync(ACustomer().Named("No", "Phone").WithPhone(null));

        async Task<List<int>> FindAsync(FilterOperator op, string value) =>
            [.. (await Db.Customers.SearchAsync(new CustomerSearch(Filter: new FilterDefinition { Root = FilterNode.All([FilterNode.Condition(FilterFields.Phone, op, value)]) })))
                .Rows.Select(r => r.Id).Order()];

        for (var pass = 0; pass < 2; pass++)
        {
            Assert.Equal([international], await FindAsync(FilterOperator.Is, "06 11 22 33 44"));
            Assert.Equal([national], await FindAsync(FilterOperator.Is, "+33 6 55 66 77 88"));
            Assert.Equal([british], await FindAsync(FilterOperator.Is, "0044 20 7946 0958"));
            Assert.Equal([international], await FindAsync(FilterOperator.Contains, "22 33"));
            Assert.Equal([international, national], await FindAsync(FilterOperator.StartsWith, "06"));
            Assert.Equal([national], await FindAsync(FilterOperator.StartsWith, "+33 6 55"));
            Assert.Equal([british], await FindAsync(FilterOperator.StartsWith, "+44"));
            Assert.Equal([international], (await Db.Customers.SearchAsync(new CustomerSearch(Text: "06 11 22"))).Rows.Select(r => r.Id));
            if (pass == 0)
            {
                await Db.Get<Domain.Filters.Index.ProfileIndex>().BuildAsync(); // the second pass asks the in-memory index
            }
        }
    }
}
