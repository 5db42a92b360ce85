using CustomerDirectory.Domain.ApiKeys;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests.ApiKeys;

public sealed class ApiKeyServiceTests : DatabaseTest
{
    private ApiKeyService Keys => Db.Get<ApiKeyService>();

    [Fact]
    public async Task Create_StoresOnlyTheHash_AndTheAuditLineHidesIt()
    {
        var created = await Keys.CreateAsync(new ApiKeyInput { Name = "  Shop till ", Scopes = ApiScopes.Read | ApiScopes.RecordActivity });

        await using var db = Db.NewContext();
        var row = await db.ApiKeys.SingleAsync();
        Assert.Equal(("Shop till", created.Secret[..12], ApiKeySecret.Hash(created.Secret)), (row.Name, row.Prefix, row.SecretHash));
        var line = await db.AuditEntries.SingleAsync(a => a.RecordType == "api-key");
        Assert.Equal("api-key.created", line.Action);
        Assert.DoesNotContain(row.SecretHash, line.Changes ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret[13..], line.Changes ?? "", StringComparison.Ordinal);
        // The audit log can be filtered by the key, as by a member of staff.
        Assert.Contains(await Db.Get<CustomerDirectory.Domain.Audit.AuditLog>().ActorsAsync(), a => a.Id == $"api-key:{created.Id}" && a.Name == "API key “Shop till”");
    }

    [Theory]
    [InlineData(null, ApiScopes.Read, "Name the key")]
    [InlineData("Till", ApiScopes.None, "at least one scope")]
    [InlineData("Till", (ApiScopes)8, "at least one scope")]
    public async Task Create_RefusesABadNameOrScopes_AndCreatesNothing(string? name, ApiScopes scopes, string message)
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => Keys.CreateAsync(new ApiKeyInput { Name = name, Scopes = scopes }));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Empty(await Keys.ListAsync());
    }

    [Fact]
    public async Task Authenticate_GrantsExactlyTheScopesPermissions_UntilRevoked()
    {
        var created = await Keys.CreateAsync(new ApiKeyInput { Name = "Till", Scopes = ApiScopes.Read | ApiScopes.RecordActivity });

        var check = await Keys.AuthenticateAsync(created.Secret);
        IReadOnlySet<Permission> granted;
        using (StaffAccess.As(check.Actor))
        {
            granted = await Db.Get<StaffAccess>().PermissionsAsync();
            await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.CreateAsync(new CustomerInput { FirstName = "A", LastName = "B" }));
        }

        await Keys.RevokeAsync(created.Id);

        Assert.Equal(ApiKeyOutcome.Accepted, check.Outcome);
        Assert.Equal("API key “Till”", check.Actor!.Name);
        Assert.Equal(new HashSet<Permission> { Permission.ViewProfiles, Permission.ViewContactDetails, Permission.RecordActivity }, granted.ToHashSet());
        Assert.Equal(ApiKeyOutcome.Revoked, (await Keys.AuthenticateAsync(created.Secret)).Outcome);
        Assert.Equal(ApiKeyOutcome.Unknown, (await Keys.AuthenticateAsync(created.Secret[..^1] + (created.Secret[^1] == 'A' ? 'B' : 'A'))).Outcome);
        Assert.Equal(ApiKeyOutcome.Malformed, (await Keys.AuthenticateAsync("Bearer " + created.Secret)).Outcome);
        Assert.Equal(ApiKeyOutcome.Malformed, (await Keys.AuthenticateAsync(null)).Outcome);
        Assert.NotNull((await Keys.ListAsync()).Single().LastUsedAt);
    }

    [Fact]
    public void No_scope_grants_financials_or_any_management_permission()
    {
        var all = ApiScopes.All.Permissions();

        Assert.Equal(
            new HashSet<Permission> { Permission.ViewProfiles, Permission.ViewContactDetails, Permission.CreateProfiles, Permission.EditProfiles, Permission.RecordActivity },
            all.ToHashSet());
    }
}
