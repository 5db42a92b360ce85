using System.Text;
using CustomerDirectory.Domain.Transfer.Csv;

namespace CustomerDirectory.Domain.Tests.Transfer.Csv;

public class CsvSnifferTests
{
    [Theory]
    [InlineData("utf8-bom.csv", CsvEncoding.Utf8, ',')]
    [InlineData("utf8-no-bom.csv", CsvEncoding.Utf8, ',')]
    [InlineData("utf16le-bom.csv", CsvEncoding.Utf16LittleEndian, ',')]
    [InlineData("utf16be-bom.csv", CsvEncoding.Utf16BigEndian, ',')]
    [InlineData("utf16le-no-bom.csv", CsvEncoding.Utf16LittleEndian, ',')]
    [InlineData("windows-1252.csv", CsvEncoding.Windows1252, ';')]
    [InlineData("semicolon-decimal-comma.csv", CsvEncoding.Utf8, ';')]
    [InlineData("tab-delimited.tsv", CsvEncoding.Utf8, '\t')]
    [InlineData("nul-bytes.csv", CsvEncoding.Utf8, ',')]
    [InlineData("emoji-rtl-zero-width.csv", CsvEncoding.Utf8, ',')]
    [InlineData("embedded-newlines.csv", CsvEncoding.Utf8, ',')]
    [InlineData("mixed-line-endings.csv", CsvEncoding.Utf8, ',')]
    public void Detect_Fixture_FindsEncodingAndDelimiter(string file, CsvEncoding encoding, char delimiter)
    {
        var format = CsvFixtures.DetectFile(file);

        Assert.Equal(new CsvFormat(encoding, delimiter), format);
    }

    [Fact]
    public void Detect_EmptyHead_IsTheDefault()
    {
        var format = CsvSniffer.Detect([]);

        Assert.Equal(CsvFormat.Default, format);
    }

    [Fact]
    public void Detect_SemicolonsWithDecimalCommas_PicksTheConsistentSemicolon()
    {
        var head = Encoding.UTF8.GetBytes("Name;Amount;Note\nAnn;1,50;x\nBob;2,75;y, z\nCy;3;w\n");

        var format = CsvSniffer.Detect(head);

        Assert.Equal(';', format.Delimiter);
    }

    [Fact]
    public void Detect_DelimitersInsideQuotes_AreNotCounted()
    {
        var head = Encoding.UTF8.GetBytes("Name,Note\n\"Ann\",\"a;b;c;d\"\n\"Bob\",\"e;f;g;h\"\n");

        var format = CsvSniffer.Detect(head);

        Assert.Equal(',', format.Delimiter);
    }

    [Fact]
    public void Detect_HeadCutMidLineAndMidCharacter_StillUtf8()
    {
        var line = "Zoë;Zürich;€ 12,50\n";
        var text = new StringBuilder("Name;City;Spent\n");
        while (Encoding.UTF8.GetByteCount(text.ToString()) < CsvSniffer.HeadLength + 100)
        {
            text.Append(line);
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        // Cut inside the three bytes of the euro sign.
        var euro = Array.LastIndexOf(bytes, (byte)0xE2, CsvSniffer.HeadLength - 1);
        var head = bytes.AsSpan(0, euro + 1);

        var format = CsvSniffer.Detect(head);

        Assert.Equal(new CsvFormat(CsvEncoding.Utf8, ';'), format);
    }

    [Fact]
    public void Detect_ExcelSeparatorLine_NamesTheDelimiter()
    {
        var head = Encoding.UTF8.GetBytes("sep=;\r\nName;Note\r\nAnn;a,b,c\r\n");

        var format = CsvSniffer.Detect(head);

        Assert.Equal(';', format.Delimiter);
    }

    [Fact]
    public void Detect_StreamIsRewound_SoTheSourceReadsFromTheStart()
    {
        using var stream = File.OpenRead(CsvFixtures.PathOf("utf8-bom.csv"));

        var format = CsvSniffer.Detect(stream);
        using var source = CsvSource.Open(stream, format);

        Assert.Equal(["Name", "Email", "City"], source.Header);
    }
}
