using System.Diagnostics;
using System.Text;
using CustomerDirectory.Domain.Transfer.Csv;
using Xunit.Abstractions;

namespace CustomerDirectory.Domain.Tests.Transfer.Csv;

/// <summary>The huge bad inputs of issue #9, generated into a temp folder (never committed) and deleted after.</summary>
[Collection(nameof(AloneInProcess))] // one test reads the heap while it streams 200 MB
public sealed class CsvSourceLimitsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("directory-csv-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, Action<StreamWriter> write)
    {
        var path = Path.Combine(_folder, name);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        write(writer);
        return path;
    }

    private static CsvSource Open(string path, CsvLimits? limits = null)
    {
        var stream = File.OpenRead(path);
        return CsvSource.Open(stream, CsvSniffer.Detect(stream), limits);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadRows_TenMegabyteField_RejectsThatRowReadsOnAndNeverHoldsTheField(bool quoted)
    {
        var field = new string('x', 10 * 1024 * 1024);
        var path = Write("big-field.csv", w =>
        {
            w.Write("Name,Note,City\nAnn,short,Paris\nBob,");
            w.Write(quoted ? $"\"{field}\"" : field);
            w.Write(",Lyon\nCy,short,Nice\n");
        });
        using var source = Open(path);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var rows = CsvFixtures.ReadAll(source);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(["Ann", "Bob", "Cy"], rows.Select(r => r.Fields[0]));
        Assert.Null(rows[0].Error);
        Assert.Equal("The value in column “Note” is 10,485,760 characters long; the limit is 100,000.", rows[1].Error);
        Assert.Equal("", rows[1].Fields[1]);
        Assert.Equal(["Bob", "", "Lyon"], rows[1].Fields);
        Assert.Equal(10_001, rows[1].Raw.Length);
        Assert.Null(rows[2].Error);
        // Holding the field once would take 20 MB (UTF-16); the reader allocates its buffers and the capped copies only.
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void ReadRows_ManyLongValuesInOneRow_RejectsTheRowByItsTotalLength()
    {
        var value = new string('y', 90_000);
        var path = Write("long-row.csv", w =>
        {
            w.Write("A,B,C,D,E\n");
            w.Write(string.Join(',', Enumerable.Repeat(value, 5)));
            w.Write("\n1,2,3,4,5\n");
        });
        using var source = Open(path, new CsvLimits { MaxRecordLength = 300_000 });

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal("This row is 450,004 characters long; the limit is 300,000.", rows[0].Error);
        Assert.All(rows[0].Fields, f => Assert.Equal("", f));
        Assert.Null(rows[1].Error);
    }

    [Fact]
    public void Open_TenThousandColumns_IsAccepted()
    {
        var path = Write("10000-columns.csv", w =>
        {
            w.Write(string.Join(',', Enumerable.Range(1, 10_000).Select(i => $"Field {i}")));
            w.Write('\n');
            w.Write(string.Join(',', Enumerable.Range(1, 10_000)));
            w.Write('\n');
        });
        using var source = Open(path);

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(10_000, source.Header.Count);
        Assert.Equal("Field 10000", source.Header[^1]);
        Assert.Equal("10000", Assert.Single(rows).Fields[^1]);
    }

    [Fact]
    public void Open_TenThousandAndOneColumns_SaysTheFileHasTooManyColumns()
    {
        var path = Write("10001-columns.csv", w =>
        {
            w.Write(string.Join(',', Enumerable.Range(1, 10_001).Select(i => $"Field {i}")));
            w.Write("\n1\n");
        });

        var error = Assert.Throws<CsvFileException>(() => Open(path));

        Assert.Equal("The header has 10,001 columns; at most 10,000 can be imported.", error.Message);
    }

    [Fact]
    public void ReadRows_AMillionEmptyLines_AreSkippedFastAndCounted()
    {
        var path = Write("million-empty-lines.csv", w =>
        {
            w.Write("Name,Email\nAnn,ann@example.com\n");
            for (var i = 0; i < 500_000; i++)
            {
                w.Write("\n\r\n");
            }
            w.Write("Bob,bob@example.com\n");
        });
        using var source = Open(path);

        var watch = Stopwatch.StartNew();
        var rows = CsvFixtures.ReadAll(source);
        watch.Stop();

        Assert.Equal(["Ann", "Bob"], rows.Select(r => r.Fields[0]));
        Assert.Equal(1_000_000, source.BlankLines);
        Assert.Equal(1_000_003, rows[1].Line);
        output.WriteLine($"1,000,000 empty lines skipped in {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void ReadRows_UnbalancedQuoteFollowedByMoreThanTheReplayCanHold_LosesOnlyTheLinesItSwallowed()
    {
        // A value of 150 lines × 20,000 characters: too long to keep for going back, so reading resumes where the
        // quote is given up (at the line limit) instead of at the next line, and says which lines it could not read.
        var line = new string('z', 20_000);
        var path = Write("swallowing-quote.csv", w =>
        {
            w.Write("Name,Note\nAnn,\"open\n");
            for (var i = 0; i < 150; i++)
            {
                w.Write(line);
                w.Write('\n');
            }
            w.Write("Bob,fine\n");
        });
        using var source = Open(path, new CsvLimits { MaxRecordLines = 100, MaxFieldLength = 1000 });

        var rows = CsvFixtures.ReadAll(source);

        Assert.Contains("lines 2 to 101 could not be read", rows[0].Error, StringComparison.Ordinal);
        Assert.Equal(102, rows[1].Line);
        Assert.Equal("Bob", rows[^1].Fields[0]);
    }

    [Fact]
    public void ReadRows_TwoHundredMegabytes_StreamsInBoundedMemoryAndReportsSpeed()
    {
        var row = string.Join(',', Enumerable.Range(1, 15).Select(i => $"value{i:00}"));
        var path = Write("200-mb.csv", w =>
        {
            w.Write(string.Join(',', Enumerable.Range(1, 15).Select(i => $"Column {i}")));
            w.Write('\n');
            var bytes = 0L;
            for (var i = 0; bytes < 200L * 1024 * 1024; i++)
            {
                w.Write(row);
                w.Write('\n');
                bytes += row.Length + 1;
            }
        });
        using var source = Open(path);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var count = 0L;
        foreach (var record in source.ReadRows())
        {
            if (++count % 250_000 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
            }
            Assert.Null(record.Error);
        }
        watch.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

        Assert.Equal(source.Length, source.Position);
        Assert.True(peak < 64 * 1024 * 1024, $"heap grew by {peak:N0} bytes");
        output.WriteLine($"{count:N0} rows × 15 columns ({source.Length / 1024 / 1024} MB) in {watch.Elapsed.TotalSeconds:F2} s: "
            + $"{count / watch.Elapsed.TotalSeconds:N0} rows/s ({count / cpuSeconds:N0} per CPU-second: other processes share the cores), "
            + $"heap growth ≤ {peak / 1024 / 1024} MB");
    }
}
