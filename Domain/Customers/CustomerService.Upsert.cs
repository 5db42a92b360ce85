using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Customers;

/// <summary>The profile matching an email or phone, or a new one: what a till or a website sends when someone signs up or pays.</summary>
public sealed partial class CustomerService
{
    /// <summary>
    /// Creates the profile, or updates the one that matches by normalised email (case and spaces ignored) or phone
    /// (the international number, see <see cref="ContactRules.PhoneKey"/>). Fields left null in <paramref name="input"/> keep their
    /// value on an update (a website that only knows the email does not erase the address typed at the counter).
    /// </summary>
    /// <remarks>
    /// Matching, in this order: the profile with that email, unless the phone (when given) belongs to other profiles
    /// and not to it; otherwise the one profile with that phone, unless it has a different email. Anything else is
    /// ambiguous and changes nothing (<see cref="AmbiguousProfileException"/>): several profiles share the phone, or
    /// the email and the phone point at different people. Merging them is a person's decision, on the profile page.
    /// Needs <see cref="Permission.EditProfiles"/>, and <see cref="Permission.CreateProfiles"/> when nothing matches.
    /// </remarks>
    public async Task<UpsertResult> UpsertAsync(CustomerInput input, CustomerSource source, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.EditProfiles, ct);
        ArgumentNullException.ThrowIfNull(input);
        var emailKey = ContactRules.NormalizeEmail(input.Email);
        var phoneKey = ContactRules.PhoneKey(input.Phone);
        if (emailKey is null && phoneKey is null)
        {
            throw new DomainException("Give an email or a phone number: the profile is matched by them.", nameof(CustomerInput.Email));
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var byEmail = emailKey is null ? null : await db.Customers.SingleOrDefaultAsync(c => c.EmailKey == emailKey, ct);
        var byPhone = phoneKey is null
            ? []
            : await db.Customers.AsNoTracking().Where(c => c.PhoneKey == phoneKey).OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.FirstName, c.LastName, c.EmailKey }).Take(10).ToListAsync(ct);

        Customer? match;
        if (byEmail is not null)
        {
            if (byPhone.Count > 0 && byPhone.All(p => p.Id != byEmail.Id))
            {
                throw new AmbiguousProfileException(
                    $"The email belongs to {byEmail.FirstName} {byEmail.LastName} (#{byEmail.Id}) but the phone to {byPhone[0].FirstName} {byPhone[0].LastName} (#{byPhone[0].Id}).",
                    [byEmail.Id, .. byPhone.Select(p => p.Id)]);
            }

            match = byEmail;
        }
        else if (byPhone.Count > 1)
        {
            throw new AmbiguousProfileException($"{byPhone.Count} profiles have this phone number; send their email to say which.", [.. byPhone.Select(p => p.Id)]);
        }
        else if (byPhone is [var only])
        {
            if (emailKey is not null && only.EmailKey is not null)
            {
                throw new AmbiguousProfileException(
                    $"The phone belongs to {only.FirstName} {only.LastName} (#{only.Id}), who has a different email.", [only.Id]);
            }

            match = await db.Customers.SingleAsync(c => c.Id == only.Id, ct);
        }
        else
        {
            match = null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (match is null)
        {
            await access.RequireAsync(Permission.CreateProfiles, ct);
            var customer = Customer.Create(input, now, source);
            db.Customers.Add(customer);
            await SaveAsync(db, customer.EmailKey, 0, ct);
            changes.Publish(ChangeKind.CustomerCreated, customer.Id);
            return new UpsertResult(customer.Id, Created: true, customer.Version);
        }

        var merged = new CustomerInput
        {
            FirstName = input.FirstName ?? match.FirstName,
            LastName = input.LastName ?? match.LastName,
            // The same address or number written differently ("Ines@Example.com", "06 12…" for "+33 6 12…") is not a change.
            Email = emailKey is null || emailKey == match.EmailKey ? match.Email : input.Email,
            Phone = phoneKey is null || phoneKey == match.PhoneKey ? match.Phone : input.Phone,
            AddressLine = input.AddressLine ?? match.AddressLine,
            PostalCode = input.PostalCode ?? match.PostalCode,
            City = input.City ?? match.City,
            Country = input.Country ?? match.Country,
            Birthday = input.Birthday ?? match.Birthday,
        };
        var expectedVersion = match.Version;
        if (!match.Update(merged, now))
        {
            return new UpsertResult(match.Id, Created: false, match.Version);
        }

        db.Entry(match).Property(c => c.Version).OriginalValue = expectedVersion;
        try
        {
            await SaveAsync(db, match.EmailKey, match.Id, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException("Someone saved this profile at the same moment; send the update again.");
        }

        changes.Publish(ChangeKind.CustomerUpdated, match.Id);
        return new UpsertResult(match.Id, Created: false, match.Version);
    }
}

/// <param name="Id">The profile created or updated.</param>
/// <param name="Created">True when no profile matched and this one is new.</param>
/// <param name="Version">The profile's version after the save.</param>
public sealed record UpsertResult(int Id, bool Created, int Version);

/// <summary>The email and phone do not designate exactly one profile; nothing was written.</summary>
public sealed class AmbiguousProfileException : DomainException
{
    public AmbiguousProfileException(string message, IReadOnlyList<int> candidateIds) : base(message) => CandidateIds = candidateIds;

    public AmbiguousProfileException() { }

    public AmbiguousProfileException(string message) : base(message) { }

    public AmbiguousProfileException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The profiles it could be.</summary>
    public IReadOnlyList<int> CandidateIds { get; } = [];
}
