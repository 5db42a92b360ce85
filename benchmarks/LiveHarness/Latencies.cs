using System.Globalization;

namespace CustomerDirectory.LiveHarness;

/// <summary>Latency observations in milliseconds; a view that never showed the change counts as infinite.</summary>
public sealed class Latencies
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    public void Add(double milliseconds) => _values.Add(milliseconds);

    /// <summary>The nearest-rank percentile (<paramref name="q"/> in 0..1).</summary>
    public double Percentile(double q)
    {
        var sorted = _values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public int Missing => _values.Count(double.IsPositiveInfinity);

    public override string ToString() => Count == 0
        ? "no observations"
        : string.Create(CultureInfo.InvariantCulture, $"min {Percentile(0):F0} ms, p50 {Percentile(0.5):F0} ms, p95 {Percentile(0.95):F0} ms, max {Percentile(1):F0} ms ({Count} observations{(Missing > 0 ? $", {Missing} never seen" : "")})");
}
