using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Transfer.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Benchmarks;

/// <summary>
/// The import's figures (issue #9): a generated CSV of N rows × 15 columns (10 % of them the emails of existing
/// profiles, updated; 1 % with a broken email, rejected) imported into the directory as the app does it, with the
/// profile index built and the automated groups live; the directory's filter latency is sampled before and during.
/// </summary>
internal static class ImportHarness
{
    private static readonly FilterDefinition Probe = new()
    {
        Root = FilterNode.All(
            FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon"),
            FilterNode.Condition(FilterFields.VisitCount, FilterOperator.GreaterOrEqual, "2")),
    };

    public static async Task RunAsync(IServiceProvider provider, int rows)
    {
        var imports = provider.GetRequiredService<ImportService>();
        var customers = provider.GetRequiredService<CustomerService>();
        var engine = provider.GetRequiredService<GroupEngine>();
        var watch = Stopwatch.StartNew();
        await provider.GetRequiredService<ProfileIndex>().BuildAsync();
        await provider.GetRequiredService<GroupService>().EnsurePredefinedAsync();
        await engine.EvaluateAllAsync(MembershipCause.Rule, null);
        Console.WriteLine(Invariant($"Start-up: index built and groups evaluated in {watch.Elapsed.TotalSeconds:F1} s"));

        var file = Path.Combine(Path.GetTempPath(), $"import-bench-{Guid.NewGuid():N}.csv");
        await WriteCsvAsync(provider, file, rows);
        Console.WriteLine(Invariant($"CSV: {rows:N0} rows × 15 columns, {new FileInfo(file).Length / 1e6:F0} MB"));

        var before = await LatenciesAsync(customers, TimeSpan.FromSeconds(5), CancellationToken.None);
        Console.WriteLine(Invariant($"Filter (2 conditions) before: {Describe(before)}"));

        watch.Restart();
        ImportDraft draft;
        await using (var stream = File.OpenRead(file))
        {
            draft = await imports.UploadAsync(stream, "bench.csv");
        }

        var upload = watch.Elapsed;
        watch.Restart();
        var preview = await imports.PreviewAsync(draft.Id, draft.Suggested with { Duplicates = DuplicatePolicy.Update });
        var previewTime = watch.Elapsed;
        Console.WriteLine(Invariant($"Upload {upload.TotalSeconds:F1} s; preview {previewTime.TotalSeconds:F1} s ({rows / previewTime.TotalSeconds:N0} rows/s): {preview.ToCreate:N0} to create, {preview.ToUpdate:N0} to update, {preview.ToReject:N0} to reject"));

        await imports.StartAsync(draft.Id, draft.Suggested with { Duplicates = DuplicatePolicy.Update });
        using var probing = new CancellationTokenSource();
        var during = LatenciesAsync(customers, TimeSpan.FromHours(1), probing.Token);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        await imports.RunAsync(draft.Id);
        var run = watch.Elapsed;
        await engine.WhenIdleAsync();
        var total = watch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        await probing.CancelAsync();
        var latencies = await during;
        var result = await imports.GetAsync(draft.Id);
        Console.WriteLine(Invariant($"Run: {result.Status}, {result.Created:N0} created, {result.Updated:N0} updated, {result.Rejected:N0} rejected in {run.TotalSeconds:F1} s ({rows / run.TotalSeconds:N0} rows/s); groups current after {total.TotalSeconds:F1} s ({rows / total.TotalSeconds:N0} rows/s end to end); CPU {cpu.TotalSeconds:F0} s"));
        Console.WriteLine(Invariant($"Filter (2 conditions) during the import: {Describe(latencies)}"));
        Console.WriteLine(Invariant($"Process peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB"));
        File.Delete(file);
    }

    private static async Task WriteCsvAsync(IServiceProvider provider, string file, int rows)
    {
        var factory = provider.GetRequiredService<IDbContextFactory<DirectoryDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var existing = await db.Customers.Where(c => c.Email != null && c.Id % 10 == 3).Select(c => c.Email!).Take(rows / 10).ToListAsync();
        var random = new Random(42);
        string[] cities = ["Lyon", "Paris", "Marseille", "Lille", "Nantes", "Bordeaux"];
        string[] stylists = ["Camille", "Jordan", "Sam", "Inès"];
        await using var writer = new StreamWriter(file, false, new UTF8Encoding(true));
        await writer.WriteLineAsync("First name,Last name,Email,Phone,Address,Postal code,City,Country,Birthday,Tags,Email consent,SMS consent,Referral?,Preferred stylist,Allergies");
        var line = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            var email = i % 10 == 0 && i / 10 < existing.Count ? existing[i / 10] : i % 100 == 1 ? $"broken{i}.example.com" : $"import{i}@example.org";
            line.Clear()
                .Append("Imported").Append(',').Append("Person").Append(i).Append(',')
                .Append(email).Append(',')
                .Append("+33 6 ").Append((i % 100_000_000).ToString("00 00 00 00", CultureInfo.InvariantCulture)).Append(',')
                .Append(i).Append(" rue de la République,")
                .Append(69000 + (i % 10)).Append(',')
                .Append(cities[random.Next(cities.Length)]).Append(",France,")
                .Append(new DateOnly(1950 + (i % 50), 1 + (i % 12), 1 + (i % 28)).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)).Append(',')
                .Append(i % 3 == 0 ? "\"fair 2026, vip\"" : "fair 2026").Append(',')
                .Append(i % 2 == 0 ? "yes" : "no").Append(',')
                .Append(i % 4 == 0 ? "yes" : "").Append(',')
                .Append(i % 5 == 0 ? "yes" : "no").Append(',')
                .Append(stylists[i % stylists.Length]).Append(',')
                .Append(i % 7 == 0 ? "nuts" : "");
            await writer.WriteLineAsync(line);
        }
    }

    private static async Task<List<double>> LatenciesAsync(CustomerService customers, TimeSpan duration, CancellationToken ct)
    {
        var results = new List<double>();
        var until = Stopwatch.StartNew();
        while (until.Elapsed < duration && !ct.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            await customers.SearchAsync(new CustomerSearch(Filter: Probe), CancellationToken.None);
            results.Add(watch.Elapsed.TotalMilliseconds);
            await Task.Delay(50, CancellationToken.None);
        }

        return results;
    }

    private static string Describe(List<double> ms)
    {
        if (ms.Count == 0)
        {
            return "no samples";
        }

        ms.Sort();
        return Invariant($"p50 {ms[ms.Count / 2]:F1} ms, p95 {ms[(int)(ms.Count * 0.95)]:F1} ms, max {ms[^1]:F1} ms ({ms.Count} samples)");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The harness runs the import itself (as the job would), so starting only records it.</summary>
internal sealed class NoLauncher : IImportLauncher
{
    public Task EnqueueAsync(int importId, CancellationToken ct) => Task.CompletedTask;
}
