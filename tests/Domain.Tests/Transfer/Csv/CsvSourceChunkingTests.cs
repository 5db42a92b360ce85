using System.Text;
using CustomerDirectory.Domain.Transfer.Csv;

namespace CustomerDirectory.Domain.Tests.Transfer.Csv;

/// <summary>
/// The reader must give the same rows however the stream hands out its bytes: a quote, a CR LF or a UTF-16 pair
/// split across two reads takes the paths where text is carried over from one buffer to the next.
/// </summary>
public class CsvSourceChunkingTests
{
    public static TheoryData<string, int> FixturesAndChunks()
    {
        var data = new TheoryData<string, int>();
        string[] files =
        [
            "utf8-bom.csv", "utf16le-bom.csv", "utf16be-bom.csv", "utf16le-no-bom.csv", "windows-1252.csv", "mixed-line-endings.csv",
            "unbalanced-quotes.csv", "unclosed-quote-at-end.csv", "stray-quotes.csv", "embedded-newlines.csv", "semicolon-decimal-comma.csv",
            "tab-delimited.tsv", "dates.csv", "emoji-rtl-zero-width.csv", "nul-bytes.csv", "duplicate-headers.csv", "ragged-rows.csv",
        ];
        foreach (var file in files)
        {
            foreach (var chunk in new[] { 1, 2, 3, 7 })
            {
                data.Add(file, chunk);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FixturesAndChunks))]
    public void ReadRows_StreamReadInTinyChunks_GivesTheSameRows(string file, int chunk)
    {
        var bytes = File.ReadAllBytes(CsvFixtures.PathOf(file));
        var format = CsvSniffer.Detect(bytes);

        var whole = Describe(new MemoryStream(bytes), format, null);
        var trickled = Describe(new TrickleStream(bytes, chunk), format, null);

        Assert.Equal(whole, trickled);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ReadRows_QuoteGivenUpAtTheLineLimitInTinyChunks_GivesTheSameRows(int chunk)
    {
        var text = new StringBuilder("Name,Note,Tag\r\nAnn,\"open\r\n");
        for (var i = 0; i < 10; i++)
        {
            text.Append("Row").Append(i).Append(",\"a \"\"b\"\"\",x\r\n");
        }
        text.Append("Last,\"one\r\ntwo\",x\r\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var limits = new CsvLimits { MaxRecordLines = 4, MaxFieldLength = 50, MaxRawLength = 20 };

        var whole = Describe(new MemoryStream(bytes), CsvFormat.Default, limits);
        var trickled = Describe(new TrickleStream(bytes, chunk), CsvFormat.Default, limits);

        Assert.Equal(whole, trickled);
        Assert.Contains("unbalanced quote", whole, StringComparison.Ordinal);
        Assert.Contains("Last|one\r\ntwo|x", whole, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void ReadRows_QuoteSpanningMoreLinesThanTheLimitInTinyChunks_GoesBackToTheNextLine(int chunk)
    {
        var text = new StringBuilder("Name,Note\rAnn,\"open\r");
        for (var i = 0; i < 12; i++)
        {
            text.Append("Row").Append(i).Append(",plain\r");
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var limits = new CsvLimits { MaxRecordLines = 5 };

        var whole = Describe(new MemoryStream(bytes), CsvFormat.Default, limits);
        var trickled = Describe(new TrickleStream(bytes, chunk), CsvFormat.Default, limits);

        Assert.Equal(whole, trickled);
        Assert.Contains("2 [Ann,\"open] Ann| A quote opened on line 2", whole, StringComparison.Ordinal);
        Assert.Contains("14 [Row11,plain] Row11|plain \n", whole, StringComparison.Ordinal);
    }

    private static string Describe(Stream stream, CsvFormat format, CsvLimits? limits)
    {
        using var source = CsvSource.Open(stream, format, limits);
        var text = new StringBuilder();
        text.AppendJoin('|', source.Header).Append('\n');
        text.AppendJoin('|', source.HeaderProblems).Append('\n');
        foreach (var row in source.ReadRows())
        {
            text.Append(row.Line).Append(" [").Append(row.Raw).Append("] ").AppendJoin('|', row.Fields).Append(' ').Append(row.Error).Append('\n');
        }
        text.Append("blank ").Append(source.BlankLines);
        return text.ToString();
    }

    /// <summary>A stream that returns at most a few bytes per read, as a slow upload might.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
