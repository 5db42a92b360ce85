using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerDirectory.Domain.Transfer.Import;

/// <summary>
/// Who is already in the directory, by normalised email and phone, kept current as an import creates and changes
/// profiles (so a duplicate later in the same file is found too). Ids below zero stand for profiles this import
/// has decided to create but not written yet.
/// </summary>
internal sealed class DirectoryKeys
{
    private readonly Dictionary<string, int> _byEmail = new(StringComparer.Ordinal);
    // Most phone numbers belong to one profile: the first owner is kept inline, any others in a list beside it.
    private readonly Dictionary<string, Owner> _phoneFirst = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Owner>> _phoneMore = new(StringComparer.Ordinal);
    private readonly Dictionary<int, (string? Email, string? Phone)> _pending = [];

    /// <summary>
    /// Every profile's keys, read with a plain data reader: at a million profiles EF's per-row async enumeration and
    /// materialisation took most of the ~6 s this load cost.
    /// </summary>
    public static async Task<DirectoryKeys> LoadAsync(DirectoryDbContext db, CancellationToken ct)
    {
        var keys = new DirectoryKeys();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = "SELECT \"Id\", \"EmailKey\", \"PhoneKey\" FROM \"Customers\" WHERE \"EmailKey\" IS NOT NULL OR \"PhoneKey\" IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keys.Add(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return keys;
    }

    public void Add(int id, string? email, string? phone)
    {
        if (email is not null)
        {
            _byEmail[email] = id;
        }

        if (phone is not null)
        {
            var owner = new Owner(id, email is not null);
            if (!_phoneFirst.TryAdd(phone, owner))
            {
                (_phoneMore.TryGetValue(phone, out var more) ? more : _phoneMore[phone] = []).Add(owner);
            }
        }

        if (id < 0)
        {
            _pending[id] = (email, phone);
        }
    }

    public void Remove(int id, string? email, string? phone)
    {
        if (email is not null && _byEmail.TryGetValue(email, out var owner) && owner == id)
        {
            _byEmail.Remove(email);
        }

        if (phone is not null && _phoneFirst.TryGetValue(phone, out var first))
        {
            _phoneMore.TryGetValue(phone, out var more);
            if (first.Id == id)
            {
                if (more is { Count: > 0 })
                {
                    _phoneFirst[phone] = more[^1];
                    more.RemoveAt(more.Count - 1);
                }
                else
                {
                    _phoneFirst.Remove(phone);
                }
            }
            else
            {
                more?.RemoveAll(o => o.Id == id);
            }

            if (more is { Count: 0 })
            {
                _phoneMore.Remove(phone);
            }
        }

        _pending.Remove(id);
    }

    /// <summary>The profile a written placeholder became.</summary>
    public void Resolve(int placeholder, int id)
    {
        if (_pending.TryGetValue(placeholder, out var pending))
        {
            Remove(placeholder, pending.Email, pending.Phone);
            Add(id, pending.Email, pending.Phone);
        }
    }

    public int? EmailOwner(string email) => _byEmail.TryGetValue(email, out var id) ? id : null;

    /// <summary>
    /// The profile a row is a duplicate of: the one with its email; failing that, the one with its phone (when the row
    /// has an email, only a profile without one counts: two emails are two people sharing a phone).
    /// </summary>
    public DirectoryMatch Match(string? email, string? phone)
    {
        if (email is not null && _byEmail.TryGetValue(email, out var byEmail))
        {
            return new(byEmail, MatchedBy.Email, 1);
        }

        if (phone is null || !_phoneFirst.TryGetValue(phone, out var first))
        {
            return new(null, MatchedBy.None, 0);
        }

        IEnumerable<Owner> owners = _phoneMore.TryGetValue(phone, out var more) ? [first, .. more] : [first];
        var candidates = owners.Where(o => email is null || !o.HasEmail).Take(2).ToList();
        return candidates.Count switch
        {
            0 => new(null, MatchedBy.None, 0),
            1 => new(candidates[0].Id, MatchedBy.Phone, 1),
            _ => new(null, MatchedBy.Phone, owners.Count(o => email is null || !o.HasEmail)),
        };
    }

    private readonly record struct Owner(int Id, bool HasEmail);
}
internal enum MatchedBy
{
    None,
    Email,
    Phone,
}

/// <summary>The duplicate found (<see cref="Id"/> null with <see cref="Count"/> above one: several match).</summary>
internal readonly record struct DirectoryMatch(int? Id, MatchedBy By, int Count)
{
    public bool Ambiguous => Id is null && Count > 1;
}
