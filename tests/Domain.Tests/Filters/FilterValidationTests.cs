using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Filters;

/// <summary>Bad filters get a clear message naming the condition; nothing huge or hostile runs for long.</summary>
public sealed class FilterValidationTests : DatabaseTest
{
    private static FilterDefinition Of(params FilterNode[] items) => new() { Root = FilterNode.All(items) };

    private Task<CustomerPage> SearchAsync(FilterDefinition filter, int take = 25) => Db.Customers.SearchAsync(new CustomerSearch(Filter: filter, Take: take));

    [Fact]
    public async Task TenThousandConditions_AreRefused()
    {
        var filter = Of([.. Enumerable.Range(0, 10_000).Select(i => FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, "1"))]);

        var e = await Assert.ThrowsAsync<FilterException>(() => SearchAsync(filter));

        Assert.Equal($"A filter can have at most {FilterLimits.MaxConditions} conditions.", e.Message);
    }

    [Fact]
    public async Task AMegabyteValue_IsRefused_NamingTheCondition()
    {
        var filter = Of(FilterNode.Condition(FilterFields.City, FilterOperator.Contains, new string('x', 1_000_000)));

        var e = await Assert.ThrowsAsync<FilterException>(() => SearchAsync(filter));

        Assert.StartsWith("Condition 1 (City) has a value of 1,000,000 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMillionValueAnyOf_IsRefused_AndTooLargeJsonToo()
    {
        var filter = Of(FilterNode.Condition(FilterFields.Source, FilterOperator.AnyOf, [.. Enumerable.Repeat("Imported", 1_000_000)]));

        var e = await Assert.ThrowsAsync<FilterException>(() => SearchAsync(filter));
        Assert.Contains("lists 1,000,000 values; at most 1,000", e.Message, StringComparison.Ordinal);

        var json = Assert.Throws<FilterException>(() => FilterDefinition.FromJson(filter.ToJson()));
        Assert.StartsWith("This filter is too large", json.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARegexLookingValue_IsPlainText()
    {
        var id = await Db.AddAsync(ACustomer().Named(".*", "(a|b)+$"));
        await Db.AddAsync(ACustomer().Named("Anne", "Abba"));

        var page = await SearchAsync(Of(FilterNode.Condition(FilterFields.LastName, FilterOperator.Contains, "(a|b)+")));

        Assert.Equal([id], page.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task AHugePageSize_IsCapped()
    {
        for (var i = 0; i < 3; i++)
        {
            await Db.AddAsync(ACustomer());
        }

        var page = await SearchAsync(FilterDefinition.Empty, take: 1_000_000_000);

        Assert.Equal(3, page.Rows.Count);
        Assert.Equal(3, page.Total);
    }

    [Fact]
    public async Task ASavedFilterOnADeletedField_SaysSo()
    {
        var fields = Db.Get<CustomFieldService>();
        var field = await fields.CreateAsync("Referral?", CustomFieldType.Toggle, null);
        var filter = Of(FilterNode.Condition(FilterCatalog.CustomFieldKey(field), FilterOperator.IsTrue));
        await SearchAsync(filter);

        await fields.DeleteAsync(field);
        var e = await Assert.ThrowsAsync<FilterException>(() => SearchAsync(filter));

        Assert.Equal($"Condition 1 uses a field that no longer exists ('custom.{field}'). Remove it or pick another field.", e.Message);
    }

    [Theory]
    [InlineData(FilterFields.VisitCount, FilterOperator.Contains, new[] { "3" }, "Condition 1 (Number of visits): 'contains' does not apply to this field.")]
    [InlineData(FilterFields.VisitCount, FilterOperator.Greater, new[] { "three" }, "Condition 1 (Number of visits): 'three' is not a number.")]
    [InlineData(FilterFields.LastVisitAt, FilterOperator.WithinLast, new[] { "8", "fortnights" }, "Condition 1 (Last visit): 'fortnights' is not a period; use days, weeks, months or years.")]
    [InlineData(FilterFields.CreatedAt, FilterOperator.Before, new[] { "31/12/2025" }, "Condition 1 (Customer since): '31/12/2025' is not a date (yyyy-mm-dd, between 1900 and 2200).")]
    [InlineData(FilterFields.TotalSpent, FilterOperator.Between, new[] { "5" }, "Condition 1 (Total spent) needs 2 values.")]
    [InlineData("nickname", FilterOperator.Is, new[] { "Bob" }, "Condition 1 uses a field that no longer exists ('nickname'). Remove it or pick another field.")]
    [InlineData(FilterFields.EmailConsent, FilterOperator.AnyOf, new[] { "Maybe" }, "Condition 1 (Email marketing): 'Maybe' is not one of the choices.")]
    [InlineData(FilterFields.Tags, FilterOperator.HasAny, new[] { "999" }, "Condition 1 (Tags): '999' is not one of the choices (it may have been deleted).")]
    public async Task MalformedConditions_GetAMessageNamingThem(string field, FilterOperator op, string[] values, string message)
    {
        var e = await Assert.ThrowsAsync<FilterException>(() => SearchAsync(Of(FilterNode.Condition(field, op, values))));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void DamagedJsonAndUrlTokens_AreRefusedClearly()
    {
        Assert.StartsWith("This filter cannot be read", Assert.Throws<FilterException>(() => FilterDefinition.FromJson("{\"root\":{\"items\":[{\"op\":\"sideways\"}]}}")).Message, StringComparison.Ordinal);
        Assert.Equal("The filter in this address is damaged; it was ignored.", Assert.Throws<FilterException>(() => FilterDefinition.FromUrlToken("%%%")).Message);
        Assert.StartsWith("This filter was saved in format 9", Assert.Throws<FilterException>(() => FilterDefinition.FromJson("{\"v\":9,\"root\":{\"match\":\"all\"}}")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFilter_SurvivesTheRoundTripThroughJsonAndTheAddressBar()
    {
        var filter = Of(
            FilterNode.Condition(FilterFields.VisitsInLast, FilterOperator.AtLeast, "3", "56"),
            new FilterNode { Match = FilterMatch.Any, Not = true, Items = [FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Zoë's town")] });

        var back = FilterDefinition.FromUrlToken(filter.ToUrlToken());

        Assert.Equal(filter.ToJson(), back.ToJson());
        Assert.Contains("\"op\":\"atLeast\"", filter.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACancelledQuery_StopsWithoutAnswering()
    {
        for (var i = 0; i < 5; i++)
        {
            await Db.AddAsync(ACustomer());
        }

        var index = Db.Get<ProfileIndex>();
        await index.BuildAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.ThrowsAny<OperationCanceledException>(() => index.Query(new BoundConstant(true), null, CustomerSort.Name, false, 0, 25, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Db.Customers.SearchAsync(new CustomerSearch("camille"), cancelled.Token));
    }
}
