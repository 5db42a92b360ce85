using Bogus;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Demo;

/// <summary>
/// Fills the directory with a plausible merchant's customers: for the demo on first run, and at any size for benchmarks.
/// </summary>
public sealed class DemoDataSeeder(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ILogger<DemoDataSeeder> logger)
{
    private const int BatchSize = 5_000;
    private static readonly string[] Domains = ["gmail.com", "outlook.fr", "orange.fr", "free.fr", "yahoo.com", "proton.me", "laposte.net"];

    /// <summary>Seeds <paramref name="count"/> profiles only when the directory has none.</summary>
    public async Task<int> SeedIfEmptyAsync(int count, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Customers.AnyAsync(ct))
            {
                return 0;
            }
        }

        return await SeedAsync(count, progress: null, ct);
    }

    /// <summary>Adds <paramref name="count"/> profiles in batches; reports the running total after each batch.</summary>
    public async Task<int> SeedAsync(int count, IProgress<int>? progress, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var now = clock.GetUtcNow().UtcDateTime;
        int offset;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            offset = (await db.Customers.MaxAsync(c => (int?)c.Id, ct) ?? 0) + 1;
        }

        var faker = new Faker("fr") { Random = new Randomizer(20261122 + offset) };
        var written = 0;
        while (written < count)
        {
            var size = Math.Min(BatchSize, count - written);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var batch = new List<Customer>(size);
            for (var i = 0; i < size; i++)
            {
                batch.Add(NewCustomer(faker, offset + written + i, now));
            }

            db.Customers.AddRange(batch);
            await db.SaveChangesAsync(ct);
            written += size;
            progress?.Report(written);
        }

        logger.LogInformation("Seeded {Count} demo profiles", written);
        return written;
    }

    private static Customer NewCustomer(Faker f, int n, DateTime now)
    {
        var first = f.Name.FirstName();
        var last = f.Name.LastName();
        var input = new CustomerInput
        {
            FirstName = first,
            LastName = last,
            Email = f.Random.Double() < 0.05 ? null : $"{Ascii(first)}.{Ascii(last)}{n}@{f.PickRandom(Domains)}",
            Phone = f.Random.Double() < 0.15 ? null : Phone(f),
        };
        var createdAt = now.AddMinutes(-f.Random.Int(0, 3 * 365 * 24 * 60));
        return Customer.Create(input, createdAt, now);
    }

    private static string Phone(Faker f) => f.Random.Int(0, 3) switch
    {
        0 => f.Random.ReplaceNumbers("+33 6 ## ## ## ##"),
        1 => f.Random.ReplaceNumbers("06.##.##.##.##"),
        2 => f.Random.ReplaceNumbers("07 ## ## ## ##"),
        _ => f.Random.ReplaceNumbers("+44 7### ######"),
    };

    private static string Ascii(string value) =>
        new([.. ContactRules.Fold(value).Where(c => char.IsAsciiLetterOrDigit(c))]);
}
