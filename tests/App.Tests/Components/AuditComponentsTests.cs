using System.Security.Claims;
using Bunit;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Components.Audit;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>The audit log page and a profile's History (the Domain tests cover what is logged).</summary>
public sealed class AuditComponentsTests : ComponentTestContext
{
    private static readonly StaffActor WithoutPermission = new("someone-without-the-permission", "Claire");

    private readonly Bunit.TestDoubles.BunitAuthorizationContext _auth;

    // Nobody signed in unless a test says so: the tests then act as Directory (ComponentTestContext).
    public AuditComponentsTests() => _auth = AddAuthorization();

    private async Task MoveToAsync(int id, string city)
    {
        var details = await Customers.GetAsync(id);
        var input = details.ToInput();
        input.City = city;
        await Customers.UpdateAsync(id, input, details.Version);
    }

    [Fact]
    public async Task HistoryPanel_ShowsTheProfilesChanges_AndANewOneAsItIsSaved()
    {
        var id = await AddCustomerAsync("Anne", "Petit");
        await MoveToAsync(id, "Lyon");

        var cut = Render<HistoryPanel>(ps => ps.Add(p => p.CustomerId, id));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=history-summary]").Count));
        Assert.Equal("Updated profile “Anne Petit”: City", cut.FindAll("[data-testid=history-summary]")[0].TextContent);
        Assert.Contains("Lyon", cut.Find(".audit-after").TextContent, StringComparison.Ordinal);
        await MoveToAsync(id, "Nice");
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=history-summary]").Count));
        Assert.Equal("Lyon", cut.FindAll(".audit-before")[0].TextContent);
    }

    [Fact]
    public async Task HistoryPanel_WithoutViewAuditLog_ShowsNothing()
    {
        _auth.SetAuthorized("claire@example.com");
        _auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, WithoutPermission.Id), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, WithoutPermission.Name));
        var id = await AddCustomerAsync("Anne", "Petit");

        var cut = Render<HistoryPanel>(ps => ps.Add(p => p.CustomerId, id));

        Assert.Empty(cut.FindAll("[data-testid=history-panel]"));
        Assert.DoesNotContain("Anne", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLogList_ShowsLinesNewestFirst_WithBeforeAndAfter()
    {
        var id = await AddCustomerAsync("Anne", "Petit");
        await MoveToAsync(id, "Lyon");

        var cut = Render<AuditLogList>();

        // Newest first: the two edits, then what start-up logged (the default roles it created).
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("[data-testid=audit-summary]").Count >= 2));
        Assert.Equal(["profile.updated", "profile.created"], cut.FindAll("[data-testid=audit-action-cell]").Take(2).Select(c => c.TextContent));
        Assert.Equal(["Directory", "Directory"], cut.FindAll("[data-testid=audit-who-cell]").Take(2).Select(c => c.TextContent));
        Assert.Contains("City", cut.Find("[data-testid=audit-changes] dt").TextContent, StringComparison.Ordinal);
        Assert.Equal($"Profile #{id}", cut.Find("[data-testid=audit-profile-link]").TextContent);
    }

    [Fact]
    public async Task AuditLogList_WithoutViewAuditLog_SaysYouDontHaveAccess()
    {
        await AddCustomerAsync("Anne", "Petit");
        using var _ = StaffAccess.As(WithoutPermission);

        var cut = Render<AuditLogList>();

        cut.WaitForAssertion(() => Assert.Contains("You don't have access to the audit log.", cut.Find("[data-testid=audit-forbidden]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=audit-grid]"));
    }

    [Theory]
    [InlineData("FirstName", "First name")]
    [InlineData("EmailConsent.Status", "Email consent status")]
    [InlineData("RuleJson", "Rule")]
    [InlineData("AmountMinor", "Amount (in cents)")]
    [InlineData("IP address", "IP address")]
    public void AuditChanges_FieldNames_ReadAsWords(string field, string label)
    {
        Assert.Equal(label, AuditChanges.Label(field));
    }
}
