using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Filters;
using static CustomerDirectory.Domain.Filters.FilterNode;

namespace CustomerDirectory.Domain.Tests.Filters;

public sealed class FilterSentenceTests
{
    private static readonly FilterCatalog Catalog = FilterCatalog.Build(
        [
            new CustomFieldView(7, "Stylist", CustomFieldType.Select, CustomFieldVisibility.Visible, 0, [new(71, "Sam"), new(72, "Jo")]),
            new CustomFieldView(8, "Renewal", CustomFieldType.Date, CustomFieldVisibility.Visible, 1, []),
        ],
        [new FilterOption("1", "VIP"), new FilterOption("2", "Gold")],
        [new FilterOption("5", "Newsletter")]);

    private static string Say(params FilterNode[] items) => FilterSentence.Describe(new FilterDefinition { Root = All(items) }, Catalog);

    [Fact]
    public void StackedConditions_WithANestedAnyGroup_ReadAsOneSentence()
    {
        var sentence = Say(
            Condition(FilterFields.VisitsInLast, FilterOperator.AtLeast, "3", "56"),
            Any(Condition(FilterFields.Tags, FilterOperator.HasAny, "1"), Condition(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "500")));

        Assert.Equal("Visits at least 3 in the last 56 days AND (Tags has any of VIP OR Total spent ≥ 500)", sentence);
    }

    [Fact]
    public void AnEmptyFilter_OrEmptyGroups_SayNothing()
    {
        Assert.Equal("", FilterSentence.Describe(FilterDefinition.Empty, Catalog));
        Assert.Equal("", Say(Any(), All(Any())));
        Assert.Equal("City is empty", Say(Any(), Condition(FilterFields.City, FilterOperator.IsEmpty)));
    }

    [Fact]
    public void AGroupOfOne_NeedsNoBrackets_ButANegatedGroupOfSeveralDoes()
    {
        Assert.Equal("First name is \"Ann\" AND City is not empty", Say(
            Condition(FilterFields.FirstName, FilterOperator.Is, "Ann"),
            Any(Condition(FilterFields.City, FilterOperator.IsNotEmpty))));
        Assert.Equal("NOT (Has an online account is yes OR Photo uploaded is no)", Say(
            Any(Condition(FilterFields.HasAccount, FilterOperator.IsTrue), Condition(FilterFields.PhotoUploaded, FilterOperator.IsFalse)) with { Not = true }));
        Assert.Equal("NOT Email contains \"@gmail\"", Say(Condition(FilterFields.Email, FilterOperator.Contains, "@gmail") with { Not = true }));
    }

    [Fact]
    public void NestedGroups_AreBracketedAtEveryLevel()
    {
        var sentence = Say(
            Condition(FilterFields.City, FilterOperator.Is, "Lyon"),
            Any(
                Condition(FilterFields.OrderCount, FilterOperator.Greater, "2"),
                All(Condition(FilterFields.LoyaltyEnrolled, FilterOperator.IsTrue), Condition(FilterFields.LoyaltyPoints, FilterOperator.Less, "10"))));

        Assert.Equal("City is \"Lyon\" AND (Number of orders > 2 OR (In the loyalty programme is yes AND Loyalty points < 10))", sentence);
    }

    [Theory]
    [InlineData(FilterFields.LastVisitAt, FilterOperator.WithinLast, new[] { "3", "months" }, "Last visit is within the last 3 months")]
    [InlineData(FilterFields.LastVisitAt, FilterOperator.MoreThanAgo, new[] { "1", "years" }, "Last visit is more than 1 year ago")]
    [InlineData(FilterFields.CreatedAt, FilterOperator.Before, new[] { "2026-01-05" }, "Customer since is before 5 Jan 2026")]
    [InlineData(FilterFields.Birthday, FilterOperator.Between, new[] { "2000-01-01", "2000-12-31" }, "Birthday is between 1 Jan 2000 and 31 Dec 2000")]
    [InlineData(FilterFields.TotalSpent, FilterOperator.Between, new[] { "10", "20.50" }, "Total spent is between 10 and 20.50")]
    [InlineData(FilterFields.SpentInLast, FilterOperator.LessThan, new[] { "25", "1" }, "Spent fewer than 25 in the last 1 day")]
    [InlineData(FilterFields.Source, FilterOperator.NoneOf, new[] { "WebsiteSignUp", "Imported" }, "Came from is none of Website sign-up, Imported")]
    [InlineData(FilterFields.EmailConsent, FilterOperator.AnyOf, new[] { "NeverAsked" }, "Email marketing is Never asked")]
    [InlineData(FilterFields.Lists, FilterOperator.HasAll, new[] { "5" }, "Mailing lists has all of Newsletter")]
    [InlineData(FilterFields.MembershipPlan, FilterOperator.HasNone, new[] { "Gold monthly", "Yoga" }, "Membership plan has none of Gold monthly, Yoga")]
    [InlineData("custom.7", FilterOperator.AnyOf, new[] { "72" }, "Stylist is Jo")]
    [InlineData("custom.8", FilterOperator.On, new[] { "2026-03-01" }, "Renewal is on 1 Mar 2026")]
    public void EachKindOfValue_ReadsNaturally(string field, FilterOperator op, string[] values, string expected)
    {
        Assert.Equal(expected, Say(Condition(field, op, values)));
    }

    [Fact]
    public void ADeletedFieldOrOption_IsNamedAsSuch_InsteadOfFailing()
    {
        var sentence = Say(Condition("custom.99", FilterOperator.IsTrue), Condition(FilterFields.Tags, FilterOperator.HasAny, "1", "404"));

        Assert.Equal("unknown field \"custom.99\" is yes AND Tags has any of VIP, a deleted choice", sentence);
    }

    [Fact]
    public void MalformedConditions_AreDescribedAsTheyAre()
    {
        var sentence = Say(
            new FilterNode { Field = FilterFields.City },
            new FilterNode { Field = FilterFields.TotalSpent, Op = FilterOperator.Between, Values = ["1"] },
            new FilterNode { Op = FilterOperator.Is });

        Assert.Equal("City (no operator) AND Total spent is between 1 and … AND (no field) is \"…\"", sentence);
    }

    [Fact]
    public void LongValueLists_AndLongValues_AreCutShort()
    {
        var plans = Enumerable.Range(1, 10_000).Select(i => $"Plan {i}").ToArray();

        var sentence = Say(Condition(FilterFields.MembershipPlan, FilterOperator.HasAny, plans), Condition(FilterFields.City, FilterOperator.Contains, new string('x', 1_000_000)));

        Assert.Equal($"Membership plan has any of Plan 1, Plan 2, Plan 3, Plan 4, Plan 5 and 9,995 more AND City contains \"{new string('x', 40)}…\"", sentence);
    }

    [Fact]
    public void TenThousandConditions_StopAfterTheLimit_WithAnEllipsis()
    {
        var many = Enumerable.Range(0, 10_000).Select(_ => Condition(FilterFields.HasAccount, FilterOperator.IsTrue)).ToArray();

        var sentence = Say(many);

        Assert.EndsWith(" …", sentence, StringComparison.Ordinal);
        Assert.Equal(FilterLimits.MaxConditions, sentence.Split(" AND ").Length);
    }

    [Fact]
    public void ASingleCondition_CanBeDescribedOnItsOwn()
    {
        Assert.Equal("NOT Tags has any of Gold", FilterSentence.DescribeCondition(Condition(FilterFields.Tags, FilterOperator.HasAny, "2") with { Not = true }, Catalog));
    }
}
