using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class CustomerServiceTests : DatabaseTest
{
    [Fact]
    public async Task Create_StoresTrimmedValuesAndStampsTimes()
    {
        var id = await Db.AddAsync(ACustomer().Named("  Zoé ", " Dupont  ").WithEmail(" Zoe@Example.com ").WithPhone(" 06 12 34 56 78 "));

        var saved = await Db.Customers.GetAsync(id);

        Assert.Equal(("Zoé", "Dupont", "Zoe@Example.com", "06 12 34 56 78"), (saved.FirstName, saved.LastName, saved.Email, saved.Phone));
        Assert.Equal(Db.Clock.Now.UtcDateTime, saved.CreatedAt);
        Assert.Equal(saved.CreatedAt, saved.UpdatedAt);
    }

    [Fact]
    public async Task Create_RefusesAnInvalidFormAndStoresNothing()
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => Db.AddAsync(ACustomer().WithEmail("not-an-email")));

        Assert.Equal(nameof(CustomerInput.Email), e.Field);
        await using var context = Db.NewContext();
        Assert.Equal(0, await context.Customers.CountAsync());
    }

    [Fact]
    public async Task Create_RefusesAnEmailAlreadyInUse_WhateverItsCase_AndNamesTheOwner()
    {
        var first = await Db.AddAsync(ACustomer().Named("Léa", "Bernard").WithEmail("lea@example.com"));

        var e = await Assert.ThrowsAsync<DuplicateEmailException>(() => Db.AddAsync(ACustomer().WithEmail("  LEA@example.COM")));

        Assert.Equal(first, e.ExistingCustomerId);
        Assert.Equal("This email address already belongs to Léa Bernard.", e.Message);
        Assert.Equal(1, (await Db.Customers.SearchAsync(new CustomerSearch())).Total);
    }

    [Fact]
    public async Task Create_AllowsManyProfilesWithoutEmail()
    {
        await Db.AddAsync(ACustomer().WithEmail(null));
        await Db.AddAsync(ACustomer().WithEmail("   "));

        Assert.Equal(2, (await Db.Customers.SearchAsync(new CustomerSearch())).Total);
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
        var wanted = await Db.AddAsync(ACustomer().Named("Jean Hélène", "Dupont").WithEmail("jd@shop.fr").WithPhone("+33 6 11 22 33 44"));
        await Db.AddAsync(ACustomer().Named("Paul", "Durand").WithEmail("paul@example.com").WithPhone("07 99 88 77 66"));

        var page = await Db.Customers.SearchAsync(new CustomerSearch(query));

        Assert.Equal(1, page.Total);
        Assert.Equal(wanted, Assert.Single(page.Rows).Id);
    }

    [Fact]
    public async Task Search_FindsPhonesStoredInNationalFormFromAnInternationalQuery()
    {
        var wanted = await Db.AddAsync(ACustomer().WithPhone("06.12.34.56.78"));

        var page = await Db.Customers.SearchAsync(new CustomerSearch("+33 6 12 34 56"));

        Assert.Equal(wanted, Assert.Single(page.Rows).Id);
    }

    [Fact]
    public async Task Search_SortsAccentInsensitivelyByLastNameThenFirstName_AndPages()
    {
        foreach (var (first, last) in new[] { ("Zoé", "Éluard"), ("Adam", "Martin"), ("Bob", "Abel"), ("Alice", "Martin"), ("Chloé", "Dubois") })
        {
            await Db.AddAsync(ACustomer().Named(first, last));
        }

        var page1 = await Db.Customers.SearchAsync(new CustomerSearch(Take: 3));
        var page2 = await Db.Customers.SearchAsync(new CustomerSearch(Skip: 3, Take: 3));
        var descending = await Db.Customers.SearchAsync(new CustomerSearch(Descending: true, Take: 1));

        Assert.Equal(5, page1.Total);
        Assert.Equal(["Bob Abel", "Chloé Dubois", "Zoé Éluard"], page1.Rows.Select(r => $"{r.FirstName} {r.LastName}"));
        Assert.Equal(["Adam Martin", "Alice Martin"], page2.Rows.Select(r => $"{r.FirstName} {r.LastName}"));
        Assert.Equal("Alice", Assert.Single(descending.Rows).FirstName);
    }

    [Fact]
    public async Task Search_SortsByCreationDate()
    {
        var older = await Db.AddAsync(ACustomer().Named("Old", "Timer"));
        Db.Clock.Advance(TimeSpan.FromDays(1));
        var newer = await Db.AddAsync(ACustomer().Named("New", "Comer"));

        var page = await Db.Customers.SearchAsync(new CustomerSearch(Sort: CustomerSort.CreatedAt, Descending: true));

        Assert.Equal([newer, older], page.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Search_ClampsTheWindowAndRefusesOverlongText()
    {
        for (var i = 0; i < 3; i++)
        {
            await Db.AddAsync(ACustomer());
        }

        var page = await Db.Customers.SearchAsync(new CustomerSearch(Skip: -5, Take: 0));
        Assert.Single(page.Rows);
        await Assert.ThrowsAsync<DomainException>(() => Db.Customers.SearchAsync(new CustomerSearch(new string('a', 201))));
    }

    [Fact]
    public async Task Update_SavesAndBumpsTheVersion()
    {
        var id = await Db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var before = await Db.Customers.GetAsync(id);
        Db.Clock.Advance(TimeSpan.FromHours(2));

        var input = before.ToInput();
        input.LastName = "Grand";
        var version = await Db.Customers.UpdateAsync(id, input, before.Version);

        var after = await Db.Customers.GetAsync(id);
        Assert.Equal("Grand", after.LastName);
        Assert.Equal(version, after.Version);
        Assert.True(after.Version > before.Version);
        Assert.Equal(before.UpdatedAt.AddHours(2), after.UpdatedAt);
        Assert.Single((await Db.Customers.SearchAsync(new CustomerSearch("anne grand"))).Rows);
    }

    [Fact]
    public async Task Update_WithNothingChanged_KeepsTheVersion()
    {
        var id = await Db.AddAsync(ACustomer());
        var before = await Db.Customers.GetAsync(id);

        var version = await Db.Customers.UpdateAsync(id, before.ToInput(), before.Version);

        Assert.Equal(before.Version, version);
    }

    [Fact]
    public async Task Update_FromAStaleVersion_IsRefusedAndKeepsTheOtherSave()
    {
        var id = await Db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var opened = await Db.Customers.GetAsync(id);
        var theirs = opened.ToInput();
        theirs.FirstName = "Annie";
        await Db.Customers.UpdateAsync(id, theirs, opened.Version);

        var mine = opened.ToInput();
        mine.LastName = "Grand";
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Db.Customers.UpdateAsync(id, mine, opened.Version));

        var stored = await Db.Customers.GetAsync(id);
        Assert.Equal(("Annie", "Petit"), (stored.FirstName, stored.LastName));
    }

    [Fact]
    public async Task Update_RacingSaves_OnlyOneWins()
    {
        var id = await Db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var opened = await Db.Customers.GetAsync(id);

        var saves = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var input = opened.ToInput();
            input.LastName = $"Writer{i}";
            try
            {
                await Db.Customers.UpdateAsync(id, input, opened.Version);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(saves);

        Assert.Equal(1, results.Count(won => won));
        Assert.Equal(opened.Version + 1, (await Db.Customers.GetAsync(id)).Version);
    }

    [Fact]
    public async Task Update_ToAnotherProfilesEmail_IsRefusedAndChangesNothing()
    {
        var other = await Db.AddAsync(ACustomer().WithEmail("taken@example.com"));
        var id = await Db.AddAsync(ACustomer().WithEmail("mine@example.com"));
        var opened = await Db.Customers.GetAsync(id);
        var input = opened.ToInput();
        input.Email = "Taken@example.com";

        var e = await Assert.ThrowsAsync<DuplicateEmailException>(() => Db.Customers.UpdateAsync(id, input, opened.Version));

        Assert.Equal(other, e.ExistingCustomerId);
        Assert.Equal("mine@example.com", (await Db.Customers.GetAsync(id)).Email);
    }

    [Fact]
    public async Task Update_InvalidInput_IsRefusedAndChangesNothing()
    {
        var id = await Db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var opened = await Db.Customers.GetAsync(id);
        var input = opened.ToInput();
        input.FirstName = " ";

        var e = await Assert.ThrowsAsync<DomainException>(() => Db.Customers.UpdateAsync(id, input, opened.Version));

        Assert.Equal(nameof(CustomerInput.FirstName), e.Field);
        Assert.Equal("Anne", (await Db.Customers.GetAsync(id)).FirstName);
    }

    [Fact]
    public async Task Get_And_Update_OfAMissingProfile_SayItDoesNotExist()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => Db.Customers.GetAsync(404));
        await Assert.ThrowsAsync<NotFoundException>(() => Db.Customers.UpdateAsync(404, ACustomer().Build(), 1));
    }

    [Fact]
    public async Task Delete_RemovesTheProfileAndWhatIsTheirs_LeavesEveryGroup_AndIsAudited()
    {
        var zoe = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "Zoé", LastName = "Dupont", City = "Lyon" });
        var kept = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "Léa", LastName = "Bernard", City = "Lyon" });
        await Db.Get<ActivityService>().RecordVisitAsync(zoe, new VisitInput());
        await Db.Get<NoteService>().AddAsync(zoe, StaffActor.System, "Prefers mornings");
        var groups = Db.Get<GroupService>();
        var manual = await groups.CreateAsync(new GroupInput("Hand-picked", null, GroupKind.Manual), "Claire");
        await groups.AddMembersAsync(manual, [zoe, kept], "Claire");
        var lyon = await groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, new FilterDefinition
        {
            Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon")),
        }), "Claire");
        await Db.Get<GroupEngine>().WhenIdleAsync();

        await Db.Customers.DeleteAsync(zoe);
        await Db.Get<GroupEngine>().WhenIdleAsync();

        await Assert.ThrowsAsync<NotFoundException>(() => Db.Customers.GetAsync(zoe));
        Assert.Equal([kept], (await Db.Customers.SearchAsync(new CustomerSearch())).Rows.Select(r => r.Id));
        Assert.Equal([kept], (await groups.MembersAsync(manual, new GroupMemberQuery())).Rows.Select(r => r.CustomerId));
        Assert.Equal([kept], (await groups.MembersAsync(lyon, new GroupMemberQuery())).Rows.Select(r => r.CustomerId));
        await using var db = Db.NewContext();
        Assert.Equal((0, 0), (await db.Visits.CountAsync(v => v.CustomerId == zoe), await db.Notes.CountAsync(n => n.CustomerId == zoe)));
        var line = Assert.Single(await db.AuditEntries.Where(a => a.CustomerId == zoe && a.Action.EndsWith(".deleted") && a.RecordType == "profile").ToListAsync());
        Assert.Contains("Zoé", line.Changes ?? line.Summary, StringComparison.Ordinal);
        Assert.Equal([MembershipCause.ProfileDeleted, MembershipCause.ProfileDeleted], // the ledger says why, for automations
            await db.GroupMembers.Where(m => m.CustomerId == zoe).OrderBy(m => m.GroupId).Select(m => m.LeaveCause).ToListAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => Db.Customers.DeleteAsync(zoe)); // twice: gone, and said so
    }
}

