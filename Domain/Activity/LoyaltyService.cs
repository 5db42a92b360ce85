using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Activity;

/// <summary>Enrolment in the loyalty programme and the points balance.</summary>
public sealed class LoyaltyService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, StaffAccess access)
{
    public async Task<LoyaltyView> GetAsync(int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new LoyaltyView(c.LoyaltyEnrolled, c.LoyaltyEnrolledAt, c.LoyaltyPoints, c.LoyaltyRewardThreshold))
            .SingleOrDefaultAsync(ct)
            ?? throw NotFoundException.Profile();
    }

    public Task<LoyaltyView> EnrollAsync(int customerId, int? rewardThreshold, CancellationToken ct = default) =>
        ChangeAsync(customerId, c => c.EnrollInLoyalty(rewardThreshold, clock.GetUtcNow().UtcDateTime), ct);

    public Task<LoyaltyView> LeaveAsync(int customerId, CancellationToken ct = default) => ChangeAsync(customerId, c => c.LeaveLoyalty(), ct);

    /// <summary>Adds (or, negative, takes away) points; the balance never goes below zero.</summary>
    public Task<LoyaltyView> AdjustPointsAsync(int customerId, int delta, CancellationToken ct = default) =>
        ChangeAsync(customerId, c => c.AdjustLoyaltyPoints(delta), ct);

    private async Task<LoyaltyView> ChangeAsync(int customerId, Action<Customer> change, CancellationToken ct)
    {
        await access.RequireAsync(Permission.RecordActivity, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // An IMMEDIATE transaction: two tills adding points at once queue up instead of losing one addition.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == customerId, ct)
            ?? throw NotFoundException.Profile();
        change(customer);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        changes.Publish(ChangeKind.ActivityChanged, customerId);
        return new LoyaltyView(customer.LoyaltyEnrolled, customer.LoyaltyEnrolledAt, customer.LoyaltyPoints, customer.LoyaltyRewardThreshold);
    }
}
