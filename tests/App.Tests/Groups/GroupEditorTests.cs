using Bunit;
using CustomerDirectory.App.Components.Groups;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;

namespace CustomerDirectory.App.Tests.Groups;

/// <summary>Creating and editing a group: the rule from the directory's filter, the preview, and refused saves.</summary>
public sealed class GroupEditorTests : GroupPageTest
{
    private IRenderedComponent<GroupEditor> RenderNew(string query)
    {
        Navigation.NavigateTo($"groups/new?{query}");
        var cut = Render<GroupEditor>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=save-group]"));
        return cut;
    }

    [Fact]
    public async Task Editor_FromADirectoryFilter_PreviewsWhoEnters_AndCreatesTheGroup()
    {
        var cut = RenderNew($"kind=Automated&f={CityIs("Lyon").ToUrlToken()}");

        cut.WaitForAssertion(() => Assert.Equal("+2 enter, −0 leave, 2 members after", Text(cut, "preview-summary")));
        Assert.Equal("City is \"Lyon\"", cut.Find("[data-testid=rule-editor] [data-testid=filter-sentence]").TextContent);
        Assert.Equal(["Hugo Bernard", "Zoé Martin"], cut.FindAll("[data-testid=preview-entering] [data-testid=person-link]").Select(a => a.TextContent).Order());
        Assert.Equal($"customers/{Hugo}", cut.FindAll("[data-testid=preview-entering] [data-testid=person-link]").Single(a => a.TextContent == "Hugo Bernard").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=stay-editor]"));

        cut.Find("[data-testid=group-name]").Input("Lyon regulars");
        cut.Find("[data-testid=save-group]").Click();

        // Saving creates the group and evaluates it, then goes to its page: only then is it whole.
        cut.WaitForAssertion(() => Assert.Matches("/groups/[0-9]+$", Navigation.Uri));
        var created = Assert.Single(await Groups.ListAsync());
        Assert.EndsWith($"/groups/{created.Id}", Navigation.Uri, StringComparison.Ordinal);
        var details = await Groups.GetAsync(created.Id);
        Assert.Equal(("Lyon regulars", GroupKind.Automated, CityIs("Lyon").ToJson(), null, "Claire", 2),
            (details.Name, details.Kind, details.RuleJson, details.StayRuleJson, details.CreatedBy, created.Members));
    }

    [Fact]
    public void Editor_ChangingTheRule_UpdatesTheShownPreview()
    {
        var cut = RenderNew($"kind=Automated&f={CityIs("Lyon").ToUrlToken()}");
        cut.WaitForAssertion(() => Assert.Equal("+2 enter, −0 leave, 2 members after", Text(cut, "preview-summary")));

        cut.Find("[data-testid=rule-editor] [data-testid=filter-value]").Change("Paris");

        cut.WaitForAssertion(() => Assert.Equal("+1 enter, −0 leave, 1 member after", Text(cut, "preview-summary")));
        Assert.Equal(["Paul Bernard"], cut.FindAll("[data-testid=preview-entering] [data-testid=person-link]").Select(a => a.TextContent));
    }

    [Fact]
    public async Task Editor_StayRule_IsBehindTheCheckbox_AndSaved()
    {
        var cut = RenderNew($"kind=Automated&f={CityIs("Lyon").ToUrlToken()}");
        cut.Find("[data-testid=keep-until]").Change(true);
        var stay = "[data-testid=stay-editor]";
        cut.Find($"{stay} [data-testid=add-condition]").Click();
        cut.Find($"{stay} [data-testid=filter-field]").Change(FilterFields.LastName);
        cut.Find($"{stay} [data-testid=filter-value]").Change("Bernard");
        cut.Find("[data-testid=group-name]").Input("Lyon, sticky");

        cut.Find("[data-testid=save-group]").Click();

        cut.WaitForAssertion(() => Assert.Matches("/groups/[0-9]+$", Navigation.Uri));
        var created = Assert.Single(await Groups.ListAsync());
        var details = await Groups.GetAsync(created.Id);
        Assert.Equal("Last name is \"Bernard\"", details.StayRuleSentence);
    }

    [Fact]
    public async Task Editor_BlankThenDuplicateName_ShowsTheError_AndKeepsWhatWasTyped()
    {
        await LyonGroupAsync("Lyon");
        var cut = RenderNew($"kind=Automated&f={CityIs("Paris").ToUrlToken()}");

        cut.Find("[data-testid=save-group]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Name the group.", Text(cut, "name-error")));
        Assert.Equal("City is \"Paris\"", cut.Find("[data-testid=rule-editor] [data-testid=filter-sentence]").TextContent);

        cut.Find("[data-testid=group-name]").Input("lyon");
        cut.Find("[data-testid=group-description]").Input("People in Paris");
        cut.Find("[data-testid=save-group]").Click();

        cut.WaitForAssertion(() => Assert.Equal("A group called “lyon” already exists.", Text(cut, "name-error")));
        Assert.Equal("lyon", cut.Find("[data-testid=group-name]").GetAttribute("value"));
        Assert.Equal("People in Paris", cut.Find("[data-testid=group-description]").GetAttribute("value"));
        Assert.Equal("City is \"Paris\"", cut.Find("[data-testid=rule-editor] [data-testid=filter-sentence]").TextContent);
        Assert.EndsWith("/groups/new?kind=Automated&f=" + CityIs("Paris").ToUrlToken(), Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal(["Lyon"], (await Groups.ListAsync()).Select(g => g.Name));
    }

    [Fact]
    public async Task Editor_SomeoneElseSavedFirst_SaysSo_AndReloadShowsTheirVersion()
    {
        var id = await LyonGroupAsync("Lyon");
        var cut = Render<GroupEditor>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Equal("Lyon", cut.Find("[data-testid=group-name]").GetAttribute("value")));
        await Groups.UpdateAsync(id, new GroupInput("Lyon people", null, GroupKind.Automated, CityIs("Lyon")), (await Groups.GetAsync(id)).Version, "Someone else");

        cut.Find("[data-testid=group-name]").Input("Lyon customers");
        cut.Find("[data-testid=save-group]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Someone else changed this group", Text(cut, "conflict"), StringComparison.Ordinal));
        Assert.Equal("Lyon people", (await Groups.GetAsync(id)).Name);
        Assert.Equal("Lyon customers", cut.Find("[data-testid=group-name]").GetAttribute("value"));

        cut.Find("[data-testid=reload]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Lyon people", cut.Find("[data-testid=group-name]").GetAttribute("value")));
        Assert.Empty(cut.FindAll("[data-testid=conflict]"));
    }

    [Fact]
    public void Editor_OfAnUnknownGroup_SaysNotFound()
    {
        var cut = Render<GroupEditor>(p => p.Add(c => c.Id, 999));

        cut.WaitForAssertion(() => Assert.Contains("does not exist", Text(cut, "not-found"), StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=save-group]"));
    }
}
