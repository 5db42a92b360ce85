using Bunit;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Tags;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>The directory's filter bar, against the real search on a real database.</summary>
public sealed class FilterBarTests : DirectoryPageTest
{
    [Fact]
    public void AFinishedCondition_FiltersAtOnce_ShowsTheShare_AndIsANewHistoryEntry()
    {
        var cut = RenderList();
        Assert.Equal("3 customers", Count(cut));

        AddCondition(cut, FilterFields.FirstName, null, "hugo");

        cut.WaitForAssertion(() => Assert.Equal("1 · 33.3 % of your customers", Count(cut)));
        Assert.Equal(["Hugo Bernard"], Names(cut));
        Assert.Equal("First name is \"hugo\"", cut.Find("[data-testid=filter-sentence]").TextContent);
        Assert.Equal(new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.FirstName, FilterOperator.Is, "hugo")) }.ToJson(), FilterInAddress());
        Assert.Contains(Navigation.History, h => h.Uri.Contains("f=", StringComparison.Ordinal) && !h.Options.ReplaceHistoryEntry);
    }

    [Fact]
    public void AnUnfinishedCondition_DoesNotSearch_AndSaysWhy()
    {
        var cut = RenderList();

        cut.Find("[data-testid=add-condition]").Click();
        cut.Find("[data-testid=filter-field]").Change(FilterFields.City);

        Assert.Contains("not applied until it has a value", cut.Find("[data-testid=filter-condition]").TextContent, StringComparison.Ordinal);
        Assert.Null(FilterInAddress());
        Assert.Equal("3 customers", Count(cut));
        Assert.Empty(cut.FindAll("[data-testid=filter-sentence]"));
    }

    [Fact]
    public void StackedConditions_AndANegatableNestedAnyGroup_ReadAsOneSentence_AndCount()
    {
        var cut = RenderList();

        AddCondition(cut, FilterFields.Email, FilterOperator.Contains.ToString(), "example.com");
        cut.WaitForAssertion(() => Assert.Equal("2 · 66.7 % of your customers", Count(cut)));

        cut.FindAll("[data-testid=add-group]")[0].Click();
        var group = "[data-testid=filter-group]";
        Assert.Equal("Any", cut.Find($"{group} [data-testid=filter-match]").GetAttribute("value"));
        cut.Find($"{group} [data-testid=filter-field]").Change(FilterFields.LastName);
        cut.Find($"{group} [data-testid=filter-value]").Change("Martin");
        AddCondition(cut, FilterFields.FirstName, null, "Paul", scope: group);

        cut.WaitForAssertion(() => Assert.Equal("1 · 33.3 % of your customers", Count(cut)));
        Assert.Equal(["Zoé Martin"], Names(cut));
        Assert.Equal("Email contains \"example.com\" AND (Last name is \"Martin\" OR First name is \"Paul\")", cut.Find("[data-testid=filter-sentence]").TextContent);

        cut.Find($"{group} [data-testid=filter-group-not]").Change(true);

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard"], Names(cut)));
        Assert.Equal("Email contains \"example.com\" AND NOT (Last name is \"Martin\" OR First name is \"Paul\")", cut.Find("[data-testid=filter-sentence]").TextContent);

        cut.Find("[data-testid=filter-match]").Change(FilterMatch.Any.ToString());

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Zoé Martin"], Names(cut)));
        Assert.StartsWith("Email contains \"example.com\" OR NOT (", cut.Find("[data-testid=filter-sentence]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AConditionCanBeNegated_Edited_AndRemoved_AndTheFilterCleared()
    {
        var cut = RenderList($"f={Token(FilterNode.Condition(FilterFields.LastName, FilterOperator.Is, "Bernard"), FilterNode.Condition(FilterFields.City, FilterOperator.IsNotEmpty))}");
        cut.WaitForAssertion(() => Assert.Equal("2 · 66.7 % of your customers", Count(cut)));
        Assert.Equal("Bernard", cut.Find("[data-testid=filter-value]").GetAttribute("value"));

        cut.Find("[data-testid=filter-not]").Change(true);
        cut.WaitForAssertion(() => Assert.Equal("0 · 0.0 % of your customers", Count(cut)));

        cut.Find("[data-testid=filter-value]").Change("Martin");
        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Paul Bernard"], Names(cut)));
        Assert.Equal("NOT Last name is \"Martin\" AND City is not empty", cut.Find("[data-testid=filter-sentence]").TextContent);

        cut.FindAll("[data-testid=filter-remove]")[1].Click();
        cut.WaitForAssertion(() => Assert.Equal("2 · 66.7 % of your customers", Count(cut)));
        Assert.Single(cut.FindAll("[data-testid=filter-condition]"));

        cut.Find("[data-testid=clear-filter]").Click();
        cut.WaitForAssertion(() => Assert.Equal("3 customers", Count(cut)));
        Assert.Null(FilterInAddress());
        Assert.Empty(cut.FindAll("[data-testid=filter-condition]"));
    }

    [Fact]
    public void ChangingTheOperator_OffersTheRightEditor_AndKeepsWhatStillFits()
    {
        var cut = RenderList();

        AddCondition(cut, FilterFields.TotalSpent, FilterOperator.GreaterOrEqual.ToString(), "10");
        Assert.Equal("number", cut.Find("[data-testid=filter-value]").GetAttribute("type"));
        cut.Find("[data-testid=filter-op]").Change(FilterOperator.Between.ToString());

        var values = cut.FindAll("[data-testid=filter-value]");
        Assert.Equal(["10", ""], values.Select(v => v.GetAttribute("value") ?? ""));

        cut.Find("[data-testid=filter-field]").Change(FilterFields.LastVisitAt);
        Assert.Equal("WithinLast", cut.Find("[data-testid=filter-op]").GetAttribute("value"));
        Assert.Equal("days", cut.Find("[data-testid=filter-unit]").GetAttribute("value"));
        cut.Find("[data-testid=filter-op]").Change(FilterOperator.Before.ToString());
        Assert.Equal("date", cut.Find("[data-testid=filter-value]").GetAttribute("type"));

        cut.Find("[data-testid=filter-field]").Change(FilterFields.VisitsInLast);
        var activity = cut.FindAll("[data-testid=filter-value]");
        Assert.Equal(["", "30"], activity.Select(v => v.GetAttribute("value") ?? ""));
        activity[0].Change("1");

        cut.WaitForAssertion(() => Assert.Equal("Visits at least 1 in the last 30 days", cut.Find("[data-testid=filter-sentence]").TextContent));
        cut.WaitForAssertion(() => Assert.Equal("0 · 0.0 % of your customers", Count(cut)));
    }

    [Fact]
    public async Task TagsAreChosenFromTheirNames_AndFilterByTheTag()
    {
        var hugo = (await Customers.SearchAsync(new("hugo"))).Rows.Single().Id;
        await Services.GetRequiredService<TagService>().AddToCustomerAsync(hugo, "VIP");
        var cut = RenderList();

        AddCondition(cut, FilterFields.Tags, null, null);
        cut.Find("[data-testid=option-picker] input[type=checkbox]").Change(true);

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard"], Names(cut)));
        Assert.Equal("Tags has any of VIP", cut.Find("[data-testid=filter-sentence]").TextContent);
    }

    [Fact]
    public void MembershipPlans_AreTypedFreely_AsChips()
    {
        var cut = RenderList();

        AddCondition(cut, FilterFields.MembershipPlan, null, null);
        cut.Find("[data-testid=free-value]").Input("Gold");
        cut.Find("[data-testid=free-value]").KeyDown("Enter");

        cut.WaitForAssertion(() => Assert.Equal("Membership plan has any of Gold", cut.Find("[data-testid=filter-sentence]").TextContent));
        Assert.Equal("0 · 0.0 % of your customers", Count(cut));
    }

    [Fact]
    public void BackAndForward_BringBackTheFilterOfThatMoment()
    {
        var cut = RenderList();
        var none = Navigation.Uri;
        AddCondition(cut, FilterFields.FirstName, null, "zoe");
        cut.WaitForAssertion(() => Assert.Equal(["Zoé Martin"], Names(cut)));
        var one = Navigation.Uri;
        AddCondition(cut, FilterFields.LastName, null, "Martin");
        cut.WaitForAssertion(() => Assert.Equal(2, FilterDefinition.FromJson(FilterInAddress()!).Root.Items!.Count));
        var two = Navigation.Uri;

        Navigation.NavigateTo(one);

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=filter-condition]")));
        Assert.Equal("First name is \"zoe\"", cut.Find("[data-testid=filter-sentence]").TextContent);

        Navigation.NavigateTo(none);

        cut.WaitForAssertion(() => Assert.Equal("3 customers", Count(cut)));
        Assert.Empty(cut.FindAll("[data-testid=filter-condition]"));

        Navigation.NavigateTo(two);

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=filter-condition]").Count));
        Assert.Equal(["zoe", "Martin"], cut.FindAll("[data-testid=filter-value]").Select(v => v.GetAttribute("value")));
        Assert.Equal(["Zoé Martin"], Names(cut));
    }

    [Fact]
    public void ADamagedAddress_SaysSo_AndTheDirectoryStaysUsable()
    {
        var cut = RenderList("f=not!base64");

        Assert.Equal("The filter in this address is damaged; it was ignored.", cut.Find("[data-testid=filter-error]").TextContent.Trim());
        Assert.Equal("3 customers", Count(cut));

        AddCondition(cut, FilterFields.FirstName, null, "paul");

        cut.WaitForAssertion(() => Assert.Equal(["Paul Bernard"], Names(cut)));
        Assert.Empty(cut.FindAll("[data-testid=filter-error]"));
    }

    [Fact]
    public async Task AFilterOnAFieldDeletedSinceThen_NamesTheCondition_ListsEveryone_AndCanBeRepaired()
    {
        var fields = Services.GetRequiredService<CustomFieldService>();
        var id = await fields.CreateAsync("Referral?", CustomFieldType.Toggle, null);
        var cut = RenderList($"f={Token(FilterNode.Condition(FilterFields.City, FilterOperator.IsNotEmpty), FilterNode.Condition(FilterCatalog.CustomFieldKey(id), FilterOperator.IsTrue))}");
        cut.WaitForAssertion(() => Assert.Equal("0 · 0.0 % of your customers", Count(cut)));

        await fields.DeleteAsync(id); // while the list is open

        cut.WaitForAssertion(() => Assert.Contains(
            $"Condition 2 uses a field that no longer exists ('custom.{id}'). Remove it or pick another field. The list below is not filtered until this is fixed.",
            cut.Find("[data-testid=filter-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("3 customers", Count(cut));
        Assert.Contains($"Deleted field (custom.{id})", cut.FindAll("[data-testid=filter-field]")[1].TextContent, StringComparison.Ordinal);

        cut.FindAll("[data-testid=filter-remove]")[1].Click();

        cut.WaitForAssertion(() => Assert.Equal("2 · 66.7 % of your customers", Count(cut)));
        Assert.Empty(cut.FindAll("[data-testid=filter-error]"));
    }

    public static TheoryData<string, string> CraftedFilters()
    {
        static FilterNode City(string value) => FilterNode.Condition(FilterFields.City, FilterOperator.Contains, value);
        return new()
        {
            { Token([.. Enumerable.Range(0, 101).Select(_ => City("a"))]), "A filter can have at most 100 conditions." },
            { Token(FilterNode.Condition(FilterFields.Tags, FilterOperator.HasAny, [.. Enumerable.Range(1, 1_001).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))])),
                "Condition 1 (Tags) lists 1,001 values; at most 1,000." },
            { Token(City(new string('x', 250))), "Condition 1 (City) has a value of 250 characters; at most 200." },
            { Token(FilterNode.All(FilterNode.All(FilterNode.All(FilterNode.All(FilterNode.All(FilterNode.All(City("a")))))))), "Groups can be nested at most 6 deep." },
        };
    }

    // Addresses carry at most about 8 KB (the server's request line), so a crafted filter reaches the page only that
    // big; larger ones (10,000 conditions, a megabyte of text) are turned away before the app (see FilterDraftTests
    // and the tests below for what the page does with them when they come another way).
    [Theory]
    [MemberData(nameof(CraftedFilters))]
    public void ACraftedAddress_IsExplained_NothingBreaks_AndTheFilterCanBeCleared(string token, string message)
    {
        var cut = RenderList($"f={token}");

        Assert.StartsWith(message, cut.Find("[data-testid=filter-error]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("3 customers", Count(cut));
        Assert.Equal(3, cut.FindAll("tr.rz-data-row").Count);
        Assert.True(cut.FindAll("[data-testid=filter-condition]").Count <= FilterLimits.MaxConditions);

        cut.Find("[data-testid=clear-filter]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=filter-error]")));
        Assert.Null(FilterInAddress());

        AddCondition(cut, FilterFields.FirstName, null, "hugo");
        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard"], Names(cut)));
    }

    [Fact]
    public async Task TenThousandConditions_AreNotLaidOutForEditing_AndCanBeCleared()
    {
        var huge = new FilterDefinition { Root = FilterNode.All([.. Enumerable.Range(0, 10_000).Select(_ => FilterNode.Condition(FilterFields.HasAccount, FilterOperator.IsTrue))]) };
        FilterDefinition? applied = null;
        var catalog = await Services.GetRequiredService<FilterCatalogService>().GetAsync();

        var cut = Render<FilterBar>(ps => ps
            .Add(p => p.Filter, huge)
            .Add(p => p.Catalog, catalog)
            .Add(p => p.Error, "A filter can have at most 100 conditions.")
            .Add(p => p.Unapplied, true)
            .Add(p => p.FilterChanged, (FilterDefinition f) => applied = f));

        Assert.Contains("too large to edit", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=filter-condition]"));
        Assert.EndsWith(" …", cut.Find("[data-testid=filter-sentence]").TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=clear-filter]").Click();

        Assert.Equal(FilterDefinition.Empty, applied);
        Assert.Single(cut.FindAll("[data-testid=add-condition]"));
    }

    [Fact]
    public void AFilterTooLongForTheAddress_IsRefusedWithAMessage()
    {
        var cut = RenderList();

        AddCondition(cut, FilterFields.MembershipPlan, null, null);
        // About 80 characters of address per name: 450 of them are well past CustomerList.MaxAddressLength.
        for (var i = 0; i < 450; i++)
        {
            cut.Find("[data-testid=free-value]").Input($"A membership plan with a rather long name, number {i}");
            cut.Find("[data-testid=free-value]").KeyDown("Enter");
        }

        cut.WaitForAssertion(() => Assert.StartsWith("This filter is too long to keep in the page address", cut.Find("[data-testid=filter-error]").TextContent.Trim(), StringComparison.Ordinal));
        var applied = FilterDefinition.FromJson(FilterInAddress()!);
        Assert.InRange(applied.Root.Items![0].Values!.Count, 100, 449);
        Assert.Equal("0 · 0.0 % of your customers", Count(cut));
    }

    [Fact]
    public void TypingAMegabyteIntoAValue_IsRefusedWithAMessage_AndTheListStaysAsItWas()
    {
        var cut = RenderList();

        AddCondition(cut, FilterFields.City, FilterOperator.Contains.ToString(), new string('x', 1_000_000));

        cut.WaitForAssertion(() => Assert.StartsWith("This filter is too large (1,000,", cut.Find("[data-testid=filter-error]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Null(FilterInAddress());
        Assert.Equal("3 customers", Count(cut));

        cut.Find("[data-testid=filter-value]").Change("Lyon");

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard"], Names(cut)));
        Assert.Empty(cut.FindAll("[data-testid=filter-error]"));
    }

    [Fact]
    public async Task ALineBeingAdded_SurvivesARenderThatBrieflyHandsBackTheFilterBeforeOurChange()
    {
        var catalog = await Services.GetRequiredService<FilterCatalogService>().GetAsync();
        var before = FilterDefinition.Empty;
        var ours = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.FirstName, FilterOperator.Is, "hugo")) };
        var bar = Render<FilterBar>(p => p.Add(b => b.Filter, ours).Add(b => b.Catalog, catalog));
        bar.FindAll("[data-testid=add-condition]")[0].Click(); // the next line, unfinished
        Assert.Equal(2, bar.FindAll("[data-testid=filter-condition]").Count);

        // The page re-reads the address before the browser has reported our change, then has it.
        bar.Render(p => p.Add(b => b.Filter, before));
        Assert.Empty(bar.FindAll("[data-testid=filter-condition]"));
        bar.Render(p => p.Add(b => b.Filter, ours));

        Assert.Equal(2, bar.FindAll("[data-testid=filter-condition]").Count);
        Assert.Equal("hugo", bar.Find("[data-testid=filter-value]").GetAttribute("value"));
    }
}
