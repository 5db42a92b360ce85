using System.Diagnostics;
using System.Globalization;
using CustomerDirectory.Domain.Transfer;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Benchmarks;

/// <summary>
/// The CSV export's figures (issue #9): every profile to a null stream, with the default columns and with every column,
/// as rows/s, bytes, and the peak of the managed heap while it runs (sampled every 10 ms, garbage included).
/// </summary>
internal static class ExportHarness
{
    public static async Task RunAsync(IServiceProvider provider)
    {
        var exports = provider.GetRequiredService<ExportService>();
        var every = (await exports.ColumnsAsync()).Select(c => c.Key).ToList();
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC: {System.Runtime.GCSettings.IsServerGC}"));
        foreach (var (name, columns) in new (string, IReadOnlyCollection<string>?)[] { ("default columns", null), ("every column", every), ("default columns, again", null) })
        {
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var output = new NullCountingStream();
            long peak = heapBefore;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                    await Task.Delay(10, CancellationToken.None);
                }
            }, CancellationToken.None);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var result = await exports.WriteCsvAsync(ExportScope.Everyone, columns, output);
            watch.Stop();
            await sampling.CancelAsync();
            await sampler;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            Console.WriteLine(Invariant($"export, {name} ({result.Columns.Count} columns): {result.Rows:N0} rows in {watch.Elapsed.TotalSeconds:F2} s = {result.Rows / watch.Elapsed.TotalSeconds:N0} rows/s, {output.Bytes / 1e6:F0} MB written, CPU {cpu.TotalSeconds:F1} s; managed heap {heapBefore / 1e6:F0} MB before, peak {peak / 1e6:F0} MB; process peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB"));
        }
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Discards what it is given and counts the bytes (Stream.Null would do, but says nothing of the size).</summary>
    private sealed class NullCountingStream : Stream
    {
        public long Bytes { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Bytes;

        public override long Position { get => Bytes; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Bytes += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Bytes += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
