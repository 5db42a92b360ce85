using CustomerDirectory.Domain.Tags;
using CustomerDirectory.Domain.Transfer;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests.Transfer;

/// <summary>
/// An export's memory, read from the process's live heap: alone in the process, since another test class running
/// beside it (an index build, a seeded directory) grows the same heap (it failed a CI run with 25.8 MB that way).
/// </summary>
[Collection(nameof(AloneInProcess))]
public sealed class ExportHeapTests : DatabaseTest
{
    private ExportService Export => Db.Get<ExportService>();

    [Fact]
    public async Task A_large_export_streams_in_chunks_with_a_bounded_heap()
    {
        const int Profiles = 100_000;
        var template = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Many", "Copies").WithEmail(null));
        await Db.Get<TagService>().AddToCustomerAsync(template, "Copied");
        await using (var db = Db.NewContext())
        {
            // Copies of one profile, written in SQL (the services would take minutes for this many).
            var columns = (await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM pragma_table_info('Customers') WHERE name <> 'Id'").ToListAsync())
                .Select(c => $"\"{c}\"").ToList();
            var list = string.Join(", ", columns);
#pragma warning disable EF1002 // the column names come from the schema, not from input
            await db.Database.ExecuteSqlRawAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Profiles - 1})
                INSERT INTO "Customers" ({list}) SELECT {list} FROM "Customers", n WHERE "Id" = {template}
                """);
#pragma warning restore EF1002
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "CustomerTags" ("CustomerId", "TagId", "AddedAt") SELECT c."Id", t."TagId", t."AddedAt" FROM "Customers" c, "CustomerTags" t WHERE c."Id" % 2 = 0 AND c."Id" <> t."CustomerId" """);
        }

        var output = new HeapWatchingStream();
        var result = await Export.WriteCsvAsync(ExportScope.Everyone, ["id", "first_name", "last_name", "tags", "created_at"], output);

        Assert.Equal(Profiles, result.Rows);
        Assert.Equal(Profiles + 1, output.Lines);
        Assert.True(output.Writes > 20, $"{output.Writes} writes: the file was not streamed");
        // 100,000 rows held at once would take well over 30 MB; a few chunks of 5,000 take a few MB.
        Assert.True(output.PeakGrowth < 20_000_000, $"the live heap grew by {output.PeakGrowth / 1e6:F1} MB during the export");
    }

    /// <summary>Counts lines and writes, and samples the live heap (after a full collection) every few writes.</summary>
    private sealed class HeapWatchingStream : Stream
    {
        private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);

        public int Writes { get; private set; }

        public int Lines { get; private set; }

        public long PeakGrowth { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            Lines += buffer.Count((byte)'\n');
            if (Writes % 5 == 0)
            {
                PeakGrowth = Math.Max(PeakGrowth, GC.GetTotalMemory(forceFullCollection: true) - _baseline);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
