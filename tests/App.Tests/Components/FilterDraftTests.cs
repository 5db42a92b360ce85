using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.App.Tests.Components;

public sealed class FilterDraftTests
{
    private static readonly FilterCatalog Catalog = FilterCatalog.Build([], [new FilterOption("1", "VIP")], []);

    private static FilterField Field(string key) => Catalog.Find(key)!;

    [Fact]
    public void OnlyFinishedConditions_AndNonEmptyGroups_AreApplied()
    {
        var root = new DraftGroup();
        var city = new DraftCondition();
        city.ChooseField(Field(FilterFields.City));
        var vip = new DraftCondition { Not = true };
        vip.ChooseField(Field(FilterFields.Tags));
        vip.Values.Add("1");
        var empty = new DraftGroup { Match = FilterMatch.Any };
        empty.Items.Add(new DraftCondition());
        root.Items.AddRange([city, vip, empty]);

        var applied = root.ToDefinition(Catalog);

        Assert.Equal(new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.Tags, FilterOperator.HasAny, "1") with { Not = true }) }.ToJson(), applied.ToJson());
        city.Values[0] = "  ";
        Assert.False(city.IsComplete(Catalog));
        city.Values[0] = "Lyon";
        Assert.Equal(2, root.ToDefinition(Catalog).Root.Items!.Count);
    }

    [Fact]
    public void ChangingTheOperator_KeepsValuesThatStillMeanTheSame()
    {
        var spent = new DraftCondition();
        spent.ChooseField(Field(FilterFields.TotalSpent));
        spent.Values[0] = "10";

        spent.ChooseOperator(Field(FilterFields.TotalSpent), FilterOperator.Between);
        Assert.Equal(["10", ""], spent.Values);
        spent.ChooseOperator(Field(FilterFields.TotalSpent), FilterOperator.Less);
        Assert.Equal(["10"], spent.Values);

        var visit = new DraftCondition();
        visit.ChooseField(Field(FilterFields.LastVisitAt));
        Assert.Equal(FilterOperator.WithinLast, visit.Op);
        Assert.Equal(["", "days"], visit.Values);
        visit.ChooseOperator(Field(FilterFields.LastVisitAt), FilterOperator.On);
        Assert.Equal([""], visit.Values);
        visit.ChooseOperator(Field(FilterFields.LastVisitAt), FilterOperator.IsEmpty);
        Assert.Empty(visit.Values);
        Assert.True(visit.IsComplete(Catalog));
    }

    [Fact]
    public void AFieldTheCatalogNoLongerHas_StillApplies_SoTheSearchCanSayWhatIsWrong()
    {
        var gone = new DraftCondition { Field = "custom.9", Op = FilterOperator.IsTrue };

        Assert.True(gone.IsComplete(Catalog));
    }

    [Theory]
    [InlineData(101, 1, 1)]
    [InlineData(1, 1_001, 1)]
    [InlineData(1, 1, 7)]
    public void FiltersBeyondTheLimits_AreNotMadeEditable(int conditions, int values, int depth)
    {
        var condition = FilterNode.Condition(FilterFields.MembershipPlan, FilterOperator.HasAny, [.. Enumerable.Range(0, values).Select(i => $"p{i}")]);
        var node = FilterNode.All([.. Enumerable.Repeat(condition, conditions)]);
        for (var i = 1; i < depth; i++)
        {
            node = FilterNode.All(node);
        }

        Assert.Null(DraftGroup.From(new FilterDefinition { Root = node }));
        Assert.NotNull(DraftGroup.From(new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.MembershipPlan, FilterOperator.HasAny, "Gold")) }));
    }

    [Fact]
    public void AnEditableFilter_RoundTrips()
    {
        var filter = new FilterDefinition
        {
            Root = FilterNode.Any(
                FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon"),
                FilterNode.All(FilterNode.Condition(FilterFields.VisitsInLast, FilterOperator.AtLeast, "3", "56")) with { Not = true }),
        };

        Assert.Equal(filter.ToJson(), DraftGroup.From(filter)!.ToDefinition(Catalog).ToJson());
    }
}
