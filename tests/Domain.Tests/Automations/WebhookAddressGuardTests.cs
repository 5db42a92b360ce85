using System.Net;
using CustomerDirectory.Domain.Automations;
using CustomerDirectory.Domain.Groups;

namespace CustomerDirectory.Domain.Tests.Automations;

/// <summary>Webhooks go to the internet only: refused when saved and, on the address actually dialled, when connecting.</summary>
public sealed class WebhookAddressGuardTests : DatabaseTest
{
    private static WebhookAddressGuard Guard(params string[] allowed) =>
        new(new AutomationOptions(allowed.ToHashSet(StringComparer.OrdinalIgnoreCase), TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)));

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", "loopback")]
    [InlineData("http://localhost/hook", "loopback")]
    [InlineData("http://[::1]/hook", "loopback")]
    [InlineData("http://10.1.2.3/hook", "private")]
    [InlineData("https://172.20.0.1/hook", "private")]
    [InlineData("https://192.168.1.10/hook", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("http://[fe80::1]/hook", "link-local")]
    [InlineData("http://[fd00::1]/hook", "private")]
    [InlineData("http://224.0.0.1/hook", "multicast")]
    [InlineData("http://0.0.0.0/hook", "unspecified")]
    [InlineData("http://[::ffff:10.0.0.1]/hook", "private")]
    public async Task ProblemWith_AnInternalAddress_IsRefusedInWords(string url, string kind)
    {
        var problem = await Guard().ProblemWithAsync(url);

        Assert.NotNull(problem);
        Assert.Contains($"a {kind} address", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/hook")]
    [InlineData("")]
    [InlineData("https://user:pass@93.184.216.34/hook")]
    public async Task ProblemWith_NotAnHttpUrl_IsRefused(string url) => Assert.NotNull(await Guard().ProblemWithAsync(url));

    [Fact]
    public async Task ProblemWith_APublicAddress_OrAnAllowedOne_IsNone()
    {
        Assert.Null(await Guard().ProblemWithAsync("https://93.184.216.34/hook"));
        Assert.Null(await Guard("127.0.0.1").ProblemWithAsync("http://127.0.0.1:5000/hook"));
        Assert.NotNull(await Guard("127.0.0.1").ProblemWithAsync("http://10.0.0.1/hook")); // the list allows what it names, no more
    }

    [Fact]
    public async Task Connect_ToLoopbackWithoutTheAllowList_IsRefusedAtConnectTime_NothingReachesTheReceiver()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = new WebhookClient(Guard(), new AutomationOptions(new HashSet<string>(), TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)));

        var (status, error, _) = await client.PostAsync(receiver.Url, "evt", "t=1,v1=00", "{}", default);

        Assert.Null(status);
        Assert.Contains("not a public address", error, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Create_WithAPrivateUrl_IsRefusedOnTheUrlField_AndSavesNothing()
    {
        var group = await Db.Get<GroupService>().CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "Ana");
        var automations = Db.Get<AutomationService>();

        var e = await Assert.ThrowsAsync<DomainException>(() => automations.CreateAsync(new AutomationInput { Name = "Hook", GroupId = group, Url = "http://192.168.0.5/hook" }));

        Assert.Equal(nameof(AutomationInput.Url), e.Field);
        Assert.Empty(await automations.ListAsync());
    }

    [Fact]
    public async Task Create_WithBadChoices_SaysWhichField()
    {
        var group = await Db.Get<GroupService>().CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "Ana");
        var automations = Db.Get<AutomationService>();
        var good = new AutomationInput { Name = "Hook", GroupId = group, Url = "https://93.184.216.34/hook" };

        Assert.Equal("Name", (await Assert.ThrowsAsync<DomainException>(() => automations.CreateAsync(good with { Name = " " }))).Field);
        Assert.Equal("CooldownDays", (await Assert.ThrowsAsync<DomainException>(() => automations.CreateAsync(good with { CooldownDays = 0 }))).Field);
        Assert.Equal("HoldThreshold", (await Assert.ThrowsAsync<DomainException>(() => automations.CreateAsync(good with { HoldThreshold = 0 }))).Field);
        Assert.Equal("GroupId", (await Assert.ThrowsAsync<DomainException>(() => automations.CreateAsync(good with { GroupId = 999 }))).Field);
        Assert.Empty(await automations.ListAsync());
        Assert.True(await automations.CreateAsync(good) > 0);
        Assert.Equal(IPAddress.Parse("93.184.216.34").ToString(), new Uri((await automations.ListAsync())[0].Url).Host);
    }

    [Fact]
    public async Task RotateSecret_ChangesIt_AndIsAudited_WithoutTheSecretInTheLog()
    {
        var group = await Db.Get<GroupService>().CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "Ana");
        var automations = Db.Get<AutomationService>();
        var id = await automations.CreateAsync(new AutomationInput { Name = "Hook", GroupId = group, Url = "https://93.184.216.34/hook" });
        var before = (await automations.GetAsync(id)).Secret;

        var after = await automations.RotateSecretAsync(id);

        Assert.NotEqual(before, after);
        Assert.Equal(after, (await automations.GetAsync(id)).Secret);
        await using var db = Db.NewContext();
        var lines = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.AuditEntries.Where(a => a.RecordType == "automation"));
        Assert.Contains(lines, l => l.Action == "automation.secret-rotated");
        Assert.All(lines, l => Assert.DoesNotContain(before, (l.Changes ?? "") + l.Summary, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain(after, (l.Changes ?? "") + l.Summary, StringComparison.Ordinal));
    }
}
