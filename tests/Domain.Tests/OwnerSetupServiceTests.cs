using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Domain.Tests;

public sealed class OwnerSetupServiceTests : DatabaseTest
{
    [Fact]
    public async Task CreateOwner_MakesTheFirstAccountAnOwner_AndClosesSetup()
    {
        Assert.True(await Db.Get<SetupState>().IsSetupRequiredAsync());

        await using (var scope = Db.NewScope())
        {
            var owner = await scope.ServiceProvider.GetRequiredService<OwnerSetupService>()
                .CreateOwnerAsync("  Sam Owner ", "sam@example.com", "correct horse battery");
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            Assert.Equal("Sam Owner", owner.DisplayName);
            Assert.True(await users.IsInRoleAsync(owner, StaffRoles.Owner));
            Assert.True(await users.CheckPasswordAsync(owner, "correct horse battery"));
        }

        Assert.False(await Db.Get<SetupState>().IsSetupRequiredAsync());
    }

    [Fact]
    public async Task CreateOwner_Twice_IsRefused_EvenConcurrently()
    {
        var attempts = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await using var scope = Db.NewScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<OwnerSetupService>()
                    .CreateOwnerAsync($"Owner {i}", $"owner{i}@example.com", "long enough password");
                return true;
            }
            catch (DomainException e)
            {
                Assert.Equal("This directory already has an owner. Sign in instead.", e.Message);
                return false;
            }
        }));

        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(created => created));
        await using var context = Db.NewContext();
        Assert.Equal(1, await context.Users.CountAsync());
    }

    [Theory]
    [InlineData("", "sam@example.com", "long enough password", "Name")]
    [InlineData("Sam", "not an email", "long enough password", "Email")]
    [InlineData("Sam", "sam@example.com", "", "Password")]
    [InlineData("Sam", "sam@example.com", "short", "Password")]
    public async Task CreateOwner_WithBadInput_SaysWhichFieldAndCreatesNobody(string name, string email, string password, string field)
    {
        await using var scope = Db.NewScope();

        var e = await Assert.ThrowsAsync<DomainException>(() =>
            scope.ServiceProvider.GetRequiredService<OwnerSetupService>().CreateOwnerAsync(name, email, password));

        Assert.Equal(field, e.Field);
        Assert.True(await Db.Get<SetupState>().IsSetupRequiredAsync());
    }
}
