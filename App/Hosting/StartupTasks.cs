using System.Diagnostics;
using System.Globalization;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Demo;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.App.Hosting;

internal static class StartupTasks
{
    /// <summary>Applies pending migrations and, on an empty directory when allowed, seeds the demo merchant.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        using var _ = StaffAccess.AsSystem();
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        if (app.Configuration.GetValue("Demo:SeedWhenEmpty", false))
        {
            await app.Services.GetRequiredService<DemoDataSeeder>().SeedIfEmptyAsync(app.Configuration.GetValue("Demo:Profiles", 2000));
        }
    }

    /// <summary>
    /// Handles one-shot commands; returns true when one ran and the app should exit.
    /// <c>--seed-demo N</c> adds N demo profiles (for benchmarks) and prints the time it took.
    /// </summary>
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        var at = Array.IndexOf(args, "--seed-demo");
        if (at < 0)
        {
            return false;
        }

        using var _ = StaffAccess.AsSystem();

        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            await Console.Error.WriteLineAsync("Usage: --seed-demo N   (N a positive whole number of profiles)");
            Environment.ExitCode = 2;
            return true;
        }

        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var watch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var progress = new Progress<int>(done =>
        {
            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(2) || done == count)
            {
                lastReport = watch.Elapsed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {done:N0} / {count:N0} profiles ({watch.Elapsed.TotalSeconds:F1} s)"));
            }
        });
        await app.Services.GetRequiredService<DemoDataSeeder>().SeedAsync(count, progress);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {count:N0} profiles in {watch.Elapsed.TotalSeconds:F1} s ({count / watch.Elapsed.TotalSeconds:N0} profiles/s)."));
        return true;
    }
}
