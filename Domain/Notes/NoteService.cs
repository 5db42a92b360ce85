using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Notes;

/// <summary>Internal notes. Anyone on staff reads and writes them; only the author edits or deletes their own.</summary>
public sealed class NoteService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, StaffAccess access)
{
    public async Task<IReadOnlyList<NoteView>> ForCustomerAsync(int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewNotes, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notes.AsNoTracking()
            .Where(n => n.CustomerId == customerId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Select(n => new NoteView(n.Id, n.AuthorId, n.AuthorName, n.Text, n.CreatedAt, n.UpdatedAt))
            .ToListAsync(ct);
    }

    public async Task<int> AddAsync(int customerId, StaffActor author, string? text, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.WriteNotes, ct);
        ArgumentNullException.ThrowIfNull(author);
        var note = Note.Create(customerId, author.Id, author.Name, text, clock.GetUtcNow().UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.EnsureCustomerExistsAsync(customerId, ct);

        db.Notes.Add(note);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.NotesChanged, customerId);
        return note.Id;
    }

    public async Task EditAsync(int noteId, StaffActor editor, string? text, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.WriteNotes, ct);
        ArgumentNullException.ThrowIfNull(editor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var note = await OwnNoteAsync(db, noteId, editor, "edit", ct);
        note.Edit(text, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.NotesChanged, note.CustomerId);
    }

    public async Task DeleteAsync(int noteId, StaffActor editor, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.WriteNotes, ct);
        ArgumentNullException.ThrowIfNull(editor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var note = await OwnNoteAsync(db, noteId, editor, "delete", ct);
        db.Notes.Remove(note);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.NotesChanged, note.CustomerId);
    }

    private static async Task<Note> OwnNoteAsync(DirectoryDbContext db, int noteId, StaffActor editor, string verb, CancellationToken ct)
    {
        var note = await db.Notes.SingleOrDefaultAsync(n => n.Id == noteId, ct) ?? throw new NotFoundException("This note was deleted.");
        return note.AuthorId == editor.Id
            ? note
            : throw new ForbiddenException($"Only {note.AuthorName}, who wrote this note, can {verb} it.");
    }
}
