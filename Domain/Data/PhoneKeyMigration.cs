using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Data;

/// <summary>
/// Keeps every stored <see cref="Customer.PhoneKey"/> what <see cref="ContactRules.PhoneKey"/> computes today: run at
/// start-up before anything reads the keys, it re-keys the profiles once when the way keys are made changed (digits
/// until 2026-12-06, international numbers since) or the merchant's country did, a batch per transaction, and then
/// records which way the keys are made. On a directory already current it is one read.
/// </summary>
internal static class PhoneKeyMigration
{
    private const string SettingKey = "phone-keys";
    private const int Batch = 5_000;

    /// <summary>How keys are made now: a change to <see cref="ContactRules.PhoneKey"/> must change this too.</summary>
    internal static string Current => $"e164:{ContactRules.PhoneRegion}";

    public static async Task EnsureAsync(DirectoryDbContext db, ILogger logger, CancellationToken ct)
    {
        var stored = await db.MerchantSettings.AsNoTracking().Where(s => s.Key == SettingKey).Select(s => s.Value).SingleOrDefaultAsync(ct);
        if (stored == Current)
        {
            return;
        }

        await db.Database.OpenConnectionAsync(ct);
        var (lastId, read, changed) = (0, 0, 0);
        while (true)
        {
            var rows = await db.Customers.AsNoTracking().Where(c => c.Id > lastId && c.Phone != null).OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.Phone, c.PhoneKey }).Take(Batch).ToListAsync(ct);
            if (rows.Count == 0)
            {
                break;
            }

            lastId = rows[^1].Id;
            read += rows.Count;
            var updates = rows.Select(r => (r.Id, Key: ContactRules.PhoneKey(r.Phone), r.PhoneKey)).Where(r => r.Key != r.PhoneKey).ToList();
            if (updates.Count > 0)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await using var update = PreparedInsert.Command(db.Database.GetDbConnection(), "UPDATE \"Customers\" SET \"PhoneKey\" = @p0 WHERE \"Id\" = @p1", 2);
                update.Transaction = transaction.GetDbTransaction();
                foreach (var (id, key, _) in updates)
                {
                    PreparedInsert.Execute(update, key, id);
                }

                await transaction.CommitAsync(ct);
                changed += updates.Count;
            }

            if (read % (Batch * 20) == 0)
            {
                logger.LogInformation("Re-keying phone numbers ({Current}): {Read:N0} read, {Changed:N0} changed", Current, read, changed);
            }
        }

        var setting = await db.MerchantSettings.SingleOrDefaultAsync(s => s.Key == SettingKey, ct);
        if (setting is null)
        {
            db.MerchantSettings.Add(new MerchantSetting { Key = SettingKey, Value = Current });
        }
        else
        {
            setting.Value = Current;
        }

        await db.SaveChangesAsync(ct);
        if (read > 0)
        {
            logger.LogInformation("Phone numbers re-keyed ({Current}, was {Stored}): {Changed:N0} of {Read:N0} changed", Current, stored ?? "digits", changed, read);
        }
    }
}
