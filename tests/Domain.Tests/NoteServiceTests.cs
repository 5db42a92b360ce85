using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class NoteServiceTests : DatabaseTest
{
    private static readonly StaffActor Claire = new("staff-claire", "Claire");
    private static readonly StaffActor Marc = new("staff-marc", "Marc");

    private NoteService Notes => Db.Get<NoteService>();

    [Fact]
    public async Task Notes_KeepTheirAuthorAndTextVerbatim_NewestFirst()
    {
        var id = await Db.AddAsync(ACustomer());

        await Notes.AddAsync(id, Claire, "Prefers mornings.\nAllergic to <b>latex</b> 🧤");
        Db.Clock.Advance(TimeSpan.FromMinutes(1));
        await Notes.AddAsync(id, Marc, "  Asked about the loyalty card.  ");

        var notes = await Notes.ForCustomerAsync(id);
        Assert.Equal(["Asked about the loyalty card.", "Prefers mornings.\nAllergic to <b>latex</b> 🧤"], notes.Select(n => n.Text));
        Assert.Equal(["Marc", "Claire"], notes.Select(n => n.AuthorName));
    }

    [Fact]
    public async Task OnlyTheAuthor_CanEditOrDelete()
    {
        var id = await Db.AddAsync(ACustomer());
        var note = await Notes.AddAsync(id, Claire, "First draft");

        var edit = await Assert.ThrowsAsync<ForbiddenException>(() => Notes.EditAsync(note, Marc, "Hijacked"));
        await Assert.ThrowsAsync<ForbiddenException>(() => Notes.DeleteAsync(note, Marc));
        Db.Clock.Advance(TimeSpan.FromHours(1));
        await Notes.EditAsync(note, Claire, "Final text");

        Assert.Equal("Only Claire, who wrote this note, can edit it.", edit.Message);
        var saved = Assert.Single(await Notes.ForCustomerAsync(id));
        Assert.Equal("Final text", saved.Text);
        Assert.True(saved.UpdatedAt > saved.CreatedAt);
        await Notes.DeleteAsync(note, Claire);
        Assert.Empty(await Notes.ForCustomerAsync(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public async Task EmptyNotes_AreRefused(string text)
    {
        var id = await Db.AddAsync(ACustomer());

        var e = await Assert.ThrowsAsync<DomainException>(() => Notes.AddAsync(id, Claire, text));

        Assert.Equal("Write something in the note.", e.Message);
    }

    [Fact]
    public async Task OversizedNotes_AreRefused_AndTheOldTextStays()
    {
        var id = await Db.AddAsync(ACustomer());
        var note = await Notes.AddAsync(id, Claire, "Short");

        var e = await Assert.ThrowsAsync<DomainException>(() => Notes.EditAsync(note, Claire, new string('x', 4_001)));

        Assert.Equal("A note can be at most 4,000 characters.", e.Message);
        Assert.Equal("Short", Assert.Single(await Notes.ForCustomerAsync(id)).Text);
    }
}
