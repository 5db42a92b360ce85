using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Staff;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Audit;

public sealed class AuditLogTests : DatabaseTest
{
    private AuditLog Log => Db.Get<AuditLog>();

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("two\r\nlines", "two␍␊lines")]
    [InlineData("tab\there", "tab␉here")]
    [InlineData("nul\0bell\u0007del\u007f", "nul␀bell␇del␡")]
    [InlineData("next\u0085line\u2028sep", "next[U+0085]line[U+2028]sep")]
    [InlineData("evil\u202Eeulav", "evil[U+202E]eulav")]
    [InlineData("zero\u200Bwidth", "zero[U+200B]width")]
    public void Neutralize_ControlCharacters_BecomeVisibleText(string value, string expected)
    {
        Assert.Equal(expected, AuditText.Neutralize(value));
    }

    [Fact]
    public async Task WriteAsync_EventWithLineBreaks_IsStoredOnOneLine()
    {
        await Log.WriteAsync(new AuditEvent("sign-in.failed", "Failed sign-in for mallory@example.com\r\n2026-11-22 sign-in.succeeded owner",
            "staff", null, null, [new AuditChange("Email", null, "mallory@example.com\nowner@example.com")], Actor: null));

        var line = Assert.Single((await Log.SearchAsync(new AuditSearch { ActionPrefix = "sign-in" })).Rows);
        Assert.Equal("Failed sign-in for mallory@example.com␍␊2026-11-22 sign-in.succeeded owner", line.Summary);
        Assert.Equal(new AuditChange("Email", null, "mallory@example.com␊owner@example.com"), Assert.Single(line.Changes));
        Assert.Equal("Directory", line.ActorName); // the current actor, as no other was given
    }

    [Fact]
    public async Task SearchAsync_Filters_NewestFirst_WithPaging()
    {
        var ana = new StaffActor("ana-id", "Ana");
        var ids = new List<int>();
        // Start-up already logged the default roles it created, as Directory.
        var (before, beforeByDirectory) = ((await Log.SearchAsync(new AuditSearch())).Total,
            (await Log.SearchAsync(new AuditSearch { Actor = new AuditActorFilter(null, "Directory") })).Total);
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Db.Customers.CreateAsync(ACustomer().Named($"P{i}", "Test").Build()));
            Db.Clock.Advance(TimeSpan.FromHours(1));
        }

        await Log.WriteAsync(new AuditEvent("export.customers", "Exported 3 profiles", Actor: ana));

        var all = await Log.SearchAsync(new AuditSearch { Take = 2 });
        Assert.Equal(before + 4, all.Total);
        Assert.Equal(["export.customers", "profile.created"], all.Rows.Select(r => r.Action));
        Assert.Equal("Ana", Assert.Single((await Log.SearchAsync(new AuditSearch { Actor = new AuditActorFilter("ana-id", "Ana") })).Rows).ActorName);
        Assert.Equal(beforeByDirectory + 3, (await Log.SearchAsync(new AuditSearch { Actor = new AuditActorFilter(null, "Directory") })).Total);
        Assert.Equal(3, (await Log.SearchAsync(new AuditSearch { ActionPrefix = "profile." })).Total);
        Assert.Equal((int?)ids[1], Assert.Single((await Log.SearchAsync(new AuditSearch { CustomerId = ids[1] })).Rows).CustomerId);
        var start = new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc);
        Assert.Equal((int?)ids[1], Assert.Single((await Log.SearchAsync(new AuditSearch { FromUtc = start.AddHours(1), ToUtc = start.AddHours(2) })).Rows).CustomerId);
        Assert.Equal(2, (await Log.ForCustomerAsync(ids[0])).Total + (await Log.ForCustomerAsync(ids[2])).Total);
    }

    [Fact]
    public async Task Queries_WithoutViewAuditLog_AreRefused()
    {
        var id = await Db.Customers.CreateAsync(ACustomer().Build());
        using var _ = StaffAccess.As(new StaffActor("someone-without-the-permission", "Sam"));

        await Assert.ThrowsAsync<ForbiddenException>(() => Log.SearchAsync(new AuditSearch()));
        await Assert.ThrowsAsync<ForbiddenException>(() => Log.ForCustomerAsync(id));
        await Assert.ThrowsAsync<ForbiddenException>(() => Log.ActorsAsync());
    }
}
