using CustomerDirectory.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class CustomerServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Create_StoresTrimmedValuesAndStampsTimes()
    {
        var id = await _db.AddAsync(ACustomer().Named("  Zoé ", " Dupont  ").WithEmail(" Zoe@Example.com ").WithPhone(" 06 12 34 56 78 "));

        var saved = await _db.Customers.GetAsync(id);

        Assert.Equal(("Zoé", "Dupont", "Zoe@Example.com", "06 12 34 56 78"), (saved.FirstName, saved.LastName, saved.Email, saved.Phone));
        Assert.Equal(_db.Clock.Now.UtcDateTime, saved.CreatedAt);
        Assert.Equal(saved.CreatedAt, saved.UpdatedAt);
    }

    [Fact]
    public async Task Create_RefusesAnInvalidFormAndStoresNothing()
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => _db.AddAsync(ACustomer().WithEmail("not-an-email")));

        Assert.Equal(nameof(CustomerInput.Email), e.Field);
        await using var context = _db.NewContext();
        Assert.Equal(0, await context.Customers.CountAsync());
    }

    [Fact]
    public async Task Create_RefusesAnEmailAlreadyInUse_WhateverItsCase_AndNamesTheOwner()
    {
        var first = await _db.AddAsync(ACustomer().Named("Léa", "Bernard").WithEmail("lea@example.com"));

        var e = await Assert.ThrowsAsync<DuplicateEmailException>(() => _db.AddAsync(ACustomer().WithEmail("  LEA@example.COM")));

        Assert.Equal(first, e.ExistingCustomerId);
        Assert.Equal("This email address already belongs to Léa Bernard.", e.Message);
        Assert.Equal(1, (await _db.Customers.SearchAsync(new CustomerSearch())).Total);
    }

    [Fact]
    public async Task Create_AllowsManyProfilesWithoutEmail()
    {
        await _db.AddAsync(ACustomer().WithEmail(null));
        await _db.AddAsync(ACustomer().WithEmail("   "));

        Assert.Equal(2, (await _db.Customers.SearchAsync(new CustomerSearch())).Total);
    }

    [Theory]
    [InlineData("jean")]
    [InlineData("JEAN DUPONT")]
    [InlineData("dupont jean")]
    [InlineData("hélène")]
    [InlineData("helene")]
    [InlineData("jd@shop")]
    [InlineData("06 11 22")]
    [InlineData("+33 6 11 22 33")]
    [InlineData("0033611223344")]
    public async Task Search_FindsByNameInAnyOrderEmailOrPhoneInAnyWriting(string query)
    {
        var wanted = await _db.AddAsync(ACustomer().Named("Jean Hélène", "Dupont").WithEmail("jd@shop.fr").WithPhone("+33 6 11 22 33 44"));
        await _db.AddAsync(ACustomer().Named("Paul", "Durand").WithEmail("paul@example.com").WithPhone("07 99 88 77 66"));

        var page = await _db.Customers.SearchAsync(new CustomerSearch(query));

        Assert.Equal(1, page.Total);
        Assert.Equal(wanted, Assert.Single(page.Rows).Id);
    }

    [Fact]
    public async Task Search_FindsPhonesStoredInNationalFormFromAnInternationalQuery()
    {
        var wanted = await _db.AddAsync(ACustomer().WithPhone("06.12.34.56.78"));

        var page = await _db.Customers.SearchAsync(new CustomerSearch("+33 6 12 34 56"));

        Assert.Equal(wanted, Assert.Single(page.Rows).Id);
    }

    [Fact]
    public async Task Search_SortsAccentInsensitivelyByLastNameThenFirstName_AndPages()
    {
        foreach (var (first, last) in new[] { ("Zoé", "Éluard"), ("Adam", "Martin"), ("Bob", "Abel"), ("Alice", "Martin"), ("Chloé", "Dubois") })
        {
            await _db.AddAsync(ACustomer().Named(first, last));
        }

        var page1 = await _db.Customers.SearchAsync(new CustomerSearch(Take: 3));
        var page2 = await _db.Customers.SearchAsync(new CustomerSearch(Skip: 3, Take: 3));
        var descending = await _db.Customers.SearchAsync(new CustomerSearch(Descending: true, Take: 1));

        Assert.Equal(5, page1.Total);
        Assert.Equal(["Bob Abel", "Chloé Dubois", "Zoé Éluard"], page1.Rows.Select(r => $"{r.FirstName} {r.LastName}"));
        Assert.Equal(["Adam Martin", "Alice Martin"], page2.Rows.Select(r => $"{r.FirstName} {r.LastName}"));
        Assert.Equal("Alice", Assert.Single(descending.Rows).FirstName);
    }

    [Fact]
    public async Task Search_SortsByCreationDate()
    {
        var older = await _db.AddAsync(ACustomer().Named("Old", "Timer"));
        _db.Clock.Advance(TimeSpan.FromDays(1));
        var newer = await _db.AddAsync(ACustomer().Named("New", "Comer"));

        var page = await _db.Customers.SearchAsync(new CustomerSearch(Sort: CustomerSort.CreatedAt, Descending: true));

        Assert.Equal([newer, older], page.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Search_ClampsTheWindowAndRefusesOverlongText()
    {
        for (var i = 0; i < 3; i++)
        {
            await _db.AddAsync(ACustomer());
        }

        var page = await _db.Customers.SearchAsync(new CustomerSearch(Skip: -5, Take: 0));
        Assert.Single(page.Rows);
        await Assert.ThrowsAsync<DomainException>(() => _db.Customers.SearchAsync(new CustomerSearch(new string('a', 201))));
    }

    [Fact]
    public async Task Update_SavesAndBumpsTheVersion()
    {
        var id = await _db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var before = await _db.Customers.GetAsync(id);
        _db.Clock.Advance(TimeSpan.FromHours(2));

        var input = before.ToInput();
        input.LastName = "Grand";
        var version = await _db.Customers.UpdateAsync(id, input, before.Version);

        var after = await _db.Customers.GetAsync(id);
        Assert.Equal("Grand", after.LastName);
        Assert.Equal(version, after.Version);
        Assert.True(after.Version > before.Version);
        Assert.Equal(before.UpdatedAt.AddHours(2), after.UpdatedAt);
        Assert.Single((await _db.Customers.SearchAsync(new CustomerSearch("anne grand"))).Rows);
    }

    [Fact]
    public async Task Update_WithNothingChanged_KeepsTheVersion()
    {
        var id = await _db.AddAsync(ACustomer());
        var before = await _db.Customers.GetAsync(id);

        var version = await _db.Customers.UpdateAsync(id, before.ToInput(), before.Version);

        Assert.Equal(before.Version, version);
    }

    [Fact]
    public async Task Update_FromAStaleVersion_IsRefusedAndKeepsTheOtherSave()
    {
        var id = await _db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var opened = await _db.Customers.GetAsync(id);
        var theirs = opened.ToInput();
        theirs.FirstName = "Annie";
        await _db.Customers.UpdateAsync(id, theirs, opened.Version);

        var mine = opened.ToInput();
        mine.LastName = "Grand";
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => _db.Customers.UpdateAsync(id, mine, opened.Version));

        var stored = await _db.Customers.GetAsync(id);
        Assert.Equal(("Annie", "Petit"), (stored.FirstName, stored.LastName));
    }

    [Fact]
    public async Task Update_RacingSaves_OnlyOneWins()
    {
        var id = await _db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var opened = await _db.Customers.GetAsync(id);

        var saves = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var input = opened.ToInput();
            input.LastName = $"Writer{i}";
            try
            {
                await _db.Customers.UpdateAsync(id, input, opened.Version);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(saves);

        Assert.Equal(1, results.Count(won => won));
        Assert.Equal(opened.Version + 1, (await _db.Customers.GetAsync(id)).Version);
    }

    [Fact]
    public async Task Update_ToAnotherProfilesEmail_IsRefusedAndChangesNothing()
    {
        var other = await _db.AddAsync(ACustomer().WithEmail("taken@example.com"));
        var id = await _db.AddAsync(ACustomer().WithEmail("mine@example.com"));
        var opened = await _db.Customers.GetAsync(id);
        var input = opened.ToInput();
        input.Email = "Taken@example.com";

        var e = await Assert.ThrowsAsync<DuplicateEmailException>(() => _db.Customers.UpdateAsync(id, input, opened.Version));

        Assert.Equal(other, e.ExistingCustomerId);
        Assert.Equal("mine@example.com", (await _db.Customers.GetAsync(id)).Email);
    }

    [Fact]
    public async Task Update_InvalidInput_IsRefusedAndChangesNothing()
    {
        var id = await _db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var opened = await _db.Customers.GetAsync(id);
        var input = opened.ToInput();
        input.FirstName = " ";

        var e = await Assert.ThrowsAsync<DomainException>(() => _db.Customers.UpdateAsync(id, input, opened.Version));

        Assert.Equal(nameof(CustomerInput.FirstName), e.Field);
        Assert.Equal("Anne", (await _db.Customers.GetAsync(id)).FirstName);
    }

    [Fact]
    public async Task Get_And_Update_OfAMissingProfile_SayItDoesNotExist()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => _db.Customers.GetAsync(404));
        await Assert.ThrowsAsync<NotFoundException>(() => _db.Customers.UpdateAsync(404, ACustomer().Build(), 1));
    }
}
