using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Consent;

/// <summary>Changes a person's marketing consent, recording when, how and by whom.</summary>
public sealed class ConsentService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, StaffAccess access)
{
    /// <summary>A change made by a staff member on the profile page.</summary>
    public async Task<ChannelConsent> SetByStaffAsync(int customerId, ConsentChannel channel, ConsentStatus status, StaffActor staff, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.EditProfiles, ct);
        ArgumentNullException.ThrowIfNull(staff);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == customerId, ct)
            ?? throw NotFoundException.Profile();
        if (customer.SetConsent(channel, status, ConsentOrigin.AddedByHand, staff.Name, clock.GetUtcNow().UtcDateTime))
        {
            await db.SaveChangesAsync(ct);
            changes.Publish(ChangeKind.ConsentChanged, customerId);
        }

        return channel == ConsentChannel.Email ? customer.EmailConsent : customer.SmsConsent;
    }

    /// <summary>
    /// A change the customer made themselves, reported by a website or a till (<paramref name="origin"/>: Website or
    /// Checkout). Recorded with that origin and no staff name; the audit line names the API key.
    /// </summary>
    public async Task<ChannelConsent> SetFromCustomerAsync(int customerId, ConsentChannel channel, ConsentStatus status, ConsentOrigin origin, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.EditProfiles, ct);
        if (origin is not (ConsentOrigin.Website or ConsentOrigin.Checkout))
        {
            throw new DomainException("The origin of a customer's own choice is website or checkout.", "origin");
        }

        if (status is not (ConsentStatus.Subscribed or ConsentStatus.Unsubscribed))
        {
            throw new DomainException("A customer can subscribe or unsubscribe.", "status");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == customerId, ct)
            ?? throw NotFoundException.Profile();
        if (customer.SetConsent(channel, status, origin, changedBy: null, clock.GetUtcNow().UtcDateTime))
        {
            await db.SaveChangesAsync(ct);
            changes.Publish(ChangeKind.ConsentChanged, customerId);
        }

        return channel == ConsentChannel.Email ? customer.EmailConsent : customer.SmsConsent;
    }

    public async Task<(ChannelConsent Email, ChannelConsent Sms)> GetAsync(int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var consent = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.EmailConsent, c.SmsConsent })
            .SingleOrDefaultAsync(ct)
            ?? throw NotFoundException.Profile();
        return (consent.EmailConsent, consent.SmsConsent);
    }
}
