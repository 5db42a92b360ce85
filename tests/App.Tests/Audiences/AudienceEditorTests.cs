using Bunit;
using CustomerDirectory.App.Components.Audiences;
using CustomerDirectory.App.Tests.Groups;
using CustomerDirectory.Domain.Audiences;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Audiences;

/// <summary>
/// The audience page on the real services: the groups handed over in the address, the counts per channel with the
/// reasons, and the counts following a consent change made elsewhere.
/// </summary>
public sealed class AudienceEditorTests : GroupPageTest
{
    public AudienceEditorTests()
    {
        // The chart asks the browser for its size; the browser tests draw it for real.
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = 400, Height = 240 });
    }

    private static string Count(IRenderedComponent<AudienceEditor> cut, string testId) =>
        cut.Find($"[data-testid={testId}] .engagement-value").TextContent.Trim();

    private static string Out(IRenderedComponent<AudienceEditor> cut, AudienceReason reason) =>
        cut.Find($"[data-testid=out-{reason}] [data-testid=out-count]").TextContent.Trim();

    private async Task<IRenderedComponent<AudienceEditor>> OpenWithLyonAsync()
    {
        await Services.GetRequiredService<ProfileIndex>().BuildAsync();
        var lyon = await LyonGroupAsync();
        await Services.GetRequiredService<GroupEngine>().WhenIdleAsync();
        Navigation.NavigateTo($"marketing/audiences/new?include={lyon}"); // the address Insights hands over
        var cut = Render<AudienceEditor>();
        cut.WaitForAssertion(() => Assert.Equal("1", Count(cut, "sendable-email")));
        Assert.True(cut.Find($"[data-testid=include-{lyon}]").HasAttribute("checked"));
        return cut;
    }

    [Fact]
    public async Task NewAudience_FromIncludeInAddress_ShowsSendableAndExcludedCountsPerChannel()
    {
        var cut = await OpenWithLyonAsync();

        // Lyon: Hugo (email, never asked) and Zoé (email, subscribed); neither has a phone.
        Assert.Equal(("1", "0", "2"), (Count(cut, "sendable-email"), Count(cut, "sendable-sms"), Count(cut, "audience-taken")));
        Assert.Equal("1", Out(cut, AudienceReason.NeverConsented));
        Assert.Equal("0", Out(cut, AudienceReason.NoAddress));
        Assert.Contains("first reason that applies", cut.Find("[data-testid=precedence-note]").TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=channel-sms]").Change(true);

        Assert.Equal("2", Out(cut, AudienceReason.NoAddress));
        Assert.Contains("No phone", cut.Find($"[data-testid=out-{AudienceReason.NoAddress}]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_FollowAConsentChangeMadeElsewhere()
    {
        var cut = await OpenWithLyonAsync();

        await Services.GetRequiredService<ConsentService>().SetByStaffAsync(Hugo, ConsentChannel.Email, ConsentStatus.Subscribed, new StaffActor("claire", Actor));

        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut, "sendable-email")), TimeSpan.FromSeconds(10));
        Assert.Equal("0", Out(cut, AudienceReason.NeverConsented));
    }

    [Fact]
    public async Task ExcludingAGroup_MovesItsMembersToTheFirstReason()
    {
        var cut = await OpenWithLyonAsync();
        var zoeOnly = await Groups.CreateAsync(new GroupInput("Zoé only", null, GroupKind.Manual), Actor);
        await Groups.AddMembersAsync(zoeOnly, [Zoe], Actor);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll($"[data-testid=exclude-{zoeOnly}]")));

        cut.Find($"[data-testid=exclude-{zoeOnly}]").Change(true);

        cut.WaitForAssertion(() => Assert.Equal("0", Count(cut, "sendable-email")));
        Assert.Equal("1", Out(cut, AudienceReason.ExcludedGroup));
        Assert.Equal("1", Out(cut, AudienceReason.NeverConsented));
    }
}
