using Bunit;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.App.Tests.Components;

public sealed class OptionPickerTests : BunitContext
{
    private static readonly FilterOption[] TenThousandTags =
        [.. Enumerable.Range(1, 10_000).Select(i => new FilterOption(i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Tag {i:00000}"))];

    [Fact]
    public void TenThousandOptions_ShowOnlyTheFirstMatches_OfWhatIsTyped()
    {
        var selected = new List<string>();
        var cut = Render<OptionPicker>(ps => ps.Add(p => p.Options, TenThousandTags).Add(p => p.Selected, selected));

        Assert.Empty(cut.FindAll("button.option-match"));
        Assert.Equal("Find among 10,000…", cut.Find("[data-testid=option-search]").GetAttribute("placeholder"));

        cut.Find("[data-testid=option-search]").Input("tag");
        Assert.Equal(OptionPicker.MaxMatchesShown, cut.FindAll("button.option-match").Count);
        Assert.Contains("9,988 more: keep typing", cut.Markup, StringComparison.Ordinal);

        cut.Find("[data-testid=option-search]").Input("TÀG 0999");
        Assert.Equal([.. Enumerable.Range(9990, 10).Select(i => $"Tag 0{i}")], cut.FindAll("button.option-match").Select(b => b.TextContent));
    }

    [Fact]
    public void PickingAMatch_SelectsIt_AsAChip_AndAnnouncesTheChange()
    {
        var selected = new List<string>();
        var changes = 0;
        var cut = Render<OptionPicker>(ps => ps.Add(p => p.Options, TenThousandTags).Add(p => p.Selected, selected).Add(p => p.Changed, () => changes++));

        cut.Find("[data-testid=option-search]").Input("07777");
        cut.Find("button.option-match").Click();
        cut.Find("[data-testid=option-search]").Input("10000");
        cut.Find("[data-testid=option-search]").KeyDown("Enter");

        Assert.Equal(["7777", "10000"], selected);
        Assert.Equal(2, changes);
        Assert.Equal(["Tag 07777 ×", "Tag 10000 ×"], cut.FindAll(".tag-chip").Select(c => System.Text.RegularExpressions.Regex.Replace(c.TextContent, @"\s+", " ").Trim()));

        cut.Find("[data-testid=option-search]").Input("0777");
        Assert.DoesNotContain("Tag 07777", cut.FindAll("button.option-match").Select(b => b.TextContent));

        cut.Find(".tag-chip button").Click();
        Assert.Equal(["10000"], selected);
    }

    [Fact]
    public void AShortList_IsPlainCheckboxes()
    {
        var selected = new List<string> { "b" };
        var cut = Render<OptionPicker>(ps => ps.Add(p => p.Options, [new FilterOption("a", "Email"), new FilterOption("b", "SMS")]).Add(p => p.Selected, selected));

        var boxes = cut.FindAll("input[type=checkbox]");
        Assert.Equal([false, true], boxes.Select(b => b.HasAttribute("checked")));
        boxes[0].Change(true);

        Assert.Equal(["b", "a"], selected);
    }
}
