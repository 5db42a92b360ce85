using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.Domain.Tests;

public sealed class ProfileUpsertTests : DatabaseTest
{
    private static CustomerInput Input(string? first = null, string? last = null, string? email = null, string? phone = null, string? city = null) =>
        new() { FirstName = first, LastName = last, Email = email, Phone = phone, City = city };

    [Fact]
    public async Task Upsert_CreatesWithTheSource_ThenUpdatesOnlyTheFieldsSent()
    {
        var created = await Db.Customers.UpsertAsync(Input("Inès", "Moreau", "ines@example.com", city: "Lyon"), CustomerSource.Api);
        var updated = await Db.Customers.UpsertAsync(Input(email: "INES@example.com ", phone: "+33 6 12 34 56 78"), CustomerSource.Api);
        var again = await Db.Customers.UpsertAsync(Input(email: "ines@example.com", phone: "0033 6.12.34.56.78"), CustomerSource.Api);

        var profile = await Db.Customers.GetAsync(created.Id);
        Assert.True(created.Created);
        Assert.Equal((created.Id, false), (updated.Id, updated.Created));
        Assert.Equal(updated.Version, again.Version); // the same email and number, written differently: no change
        Assert.Equal(("Inès", "ines@example.com", "+33 6 12 34 56 78", "Lyon", CustomerSource.Api), (profile.FirstName, profile.Email, profile.Phone, profile.City, profile.Source));
    }

    [Fact]
    public async Task Upsert_WhenEmailAndPhonePointAtDifferentPeople_OrThePhoneIsShared_RefusesAndChangesNothing()
    {
        var ines = await Db.Customers.CreateAsync(Input("Inès", "Moreau", "ines@example.com", "+33 6 12 34 56 78"));
        var paul = await Db.Customers.CreateAsync(Input("Paul", "Durand", "paul@example.com"));
        var twin = await Db.Customers.CreateAsync(Input("Léa", "Moreau", phone: "+33 6 12 34 56 78"));

        var split = await Assert.ThrowsAsync<AmbiguousProfileException>(() => Db.Customers.UpsertAsync(Input(email: "paul@example.com", phone: "+33612345678", city: "Nice"), CustomerSource.Api));
        var shared = await Assert.ThrowsAsync<AmbiguousProfileException>(() => Db.Customers.UpsertAsync(Input(phone: "+33 6 12 34 56 78", city: "Nice"), CustomerSource.Api));
        var otherEmail = await Db.Customers.CreateAsync(Input("Zoé", "Roux", "zoe@example.com", "+33 7 00 00 00 01"));
        var differs = await Assert.ThrowsAsync<AmbiguousProfileException>(() => Db.Customers.UpsertAsync(Input(email: "new@example.com", phone: "+33 7 00 00 00 01"), CustomerSource.Api));

        Assert.Equal([paul, ines, twin], split.CandidateIds);
        Assert.Equal([ines, twin], shared.CandidateIds);
        Assert.Equal([otherEmail], differs.CandidateIds);
        Assert.Null((await Db.Customers.GetAsync(paul)).City);
        Assert.Null((await Db.Customers.GetAsync(ines)).City);
        Assert.Equal(4, (await Db.Customers.SearchAsync(new CustomerSearch())).Total);
    }

    [Fact]
    public async Task Upsert_NeedsCreateProfiles_OnlyWhenNothingMatches()
    {
        var ines = await Db.Customers.CreateAsync(Input("Inès", "Moreau", "ines@example.com"));
        var editor = await Db.StaffWithRoleAsync("Editor", new HashSet<Permission> { Permission.EditProfiles });
        using var _ = StaffAccess.As(editor);

        var updated = await Db.Customers.UpsertAsync(Input(email: "ines@example.com", city: "Lyon"), CustomerSource.Api);

        Assert.Equal(ines, updated.Id);
        await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.UpsertAsync(Input("Paul", "Durand", "paul@example.com"), CustomerSource.Api));
        await Assert.ThrowsAsync<DomainException>(() => Db.Customers.UpsertAsync(Input("Paul", "Durand"), CustomerSource.Api));
    }
}
