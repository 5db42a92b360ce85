using System.Diagnostics;
using System.Globalization;

namespace CustomerDirectory.Benchmarks;

/// <summary>Times an action: one warm-up run (plans compiled, pages cached), then p50 / p95 / max of the runs.</summary>
internal static class Timing
{
    public static async Task MeasureAsync(string name, Func<Task> action, int runs = 40, bool warmUp = true)
    {
        if (warmUp)
        {
            await action();
        }

        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        var p95 = times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-92} p50 {times[times.Count / 2],8:F2} ms   p95 {p95,8:F2} ms   max {times[^1],8:F2} ms   ({runs} runs)"));
    }
}
