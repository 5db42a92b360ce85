using CustomerDirectory.Domain.Tags;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class TagServiceTests : DatabaseTest
{
    private TagService Tags => Db.Get<TagService>();

    [Fact]
    public async Task Add_CreatesTheTagOnTheFly_AndReusesItWhateverTheCaseOrAccents()
    {
        var anne = await Db.AddAsync(ACustomer());
        var bob = await Db.AddAsync(ACustomer());

        var created = await Tags.AddToCustomerAsync(anne, "  Végétarien ");
        var reused = await Tags.AddToCustomerAsync(bob, "VEGETARIEN");
        await Tags.AddToCustomerAsync(bob, "vegetarien"); // twice on one profile is once

        Assert.Equal(created, reused);
        Assert.Equal("Végétarien", created.Name);
        var summary = Assert.Single(await Tags.ListAsync());
        Assert.Equal(2, summary.CustomerCount);
        Assert.Equal([created], await Tags.ForCustomerAsync(bob));
    }

    [Theory]
    [InlineData("", "Enter a tag name.")]
    [InlineData("   ", "Enter a tag name.")]
    [InlineData("a tag name that is far too long to be a useful label, really", "A tag can be at most 50 characters.")]
    public async Task Add_RefusesBadNames(string name, string message)
    {
        var id = await Db.AddAsync(ACustomer());

        var e = await Assert.ThrowsAsync<DomainException>(() => Tags.AddToCustomerAsync(id, name));

        Assert.Equal(message, e.Message);
        Assert.Empty(await Tags.ListAsync());
    }

    [Fact]
    public async Task Rename_ChangesItEverywhere_ButNotOntoAnotherTagsName()
    {
        var id = await Db.AddAsync(ACustomer());
        var vip = await Tags.AddToCustomerAsync(id, "vip");
        await Tags.AddToCustomerAsync(id, "Regular");

        await Tags.RenameAsync(vip.Id, "VIP ⭐");
        var clash = await Assert.ThrowsAsync<DomainException>(() => Tags.RenameAsync(vip.Id, "regular"));

        Assert.Equal("Another tag is already called \"regular\".", clash.Message);
        Assert.Contains(new TagRef(vip.Id, "VIP ⭐"), await Tags.ForCustomerAsync(id));
    }

    [Fact]
    public async Task Delete_TakesTheTagOffEveryProfile_AndSaysHowMany()
    {
        var tag = await Tags.AddToCustomerAsync(await Db.AddAsync(ACustomer()), "Lapsed");
        await Tags.AddToCustomerAsync(await Db.AddAsync(ACustomer()), "lapsed");
        var keep = await Tags.AddToCustomerAsync(await Db.AddAsync(ACustomer()), "Keep");

        var removed = await Tags.DeleteAsync(tag.Id);

        Assert.Equal(2, removed);
        Assert.Equal([keep.Id], (await Tags.ListAsync()).Select(t => t.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => Tags.DeleteAsync(tag.Id));
    }

    [Fact]
    public async Task Suggest_FindsByPrefix_AccentInsensitively()
    {
        var id = await Db.AddAsync(ACustomer());
        await Tags.AddToCustomerAsync(id, "Élève");
        await Tags.AddToCustomerAsync(id, "Employee");
        await Tags.AddToCustomerAsync(id, "Regular");

        var suggestions = await Tags.SuggestAsync("e");

        Assert.Equal(["Élève", "Employee"], suggestions.Select(s => s.Name));
    }

    [Fact]
    public async Task TenThousandTags_AreListedWithTheirCounts()
    {
        var id = await Db.AddAsync(ACustomer());
        await using (var db = Db.NewContext())
        {
            var now = Db.Clock.Now.UtcDateTime;
            for (var i = 0; i < 10_000; i++)
            {
                db.Tags.Add(Tag.Create($"tag {i:00000}", now));
            }

            await db.SaveChangesAsync();
        }

        await Tags.AddToCustomerAsync(id, "tag 09999");

        var all = await Tags.ListAsync();
        Assert.Equal(10_000, all.Count);
        Assert.Equal(("tag 09999", 1), (all[0].Name, all[0].CustomerCount));
        Assert.Single(await Tags.ListAsync("09999"));
    }
}
