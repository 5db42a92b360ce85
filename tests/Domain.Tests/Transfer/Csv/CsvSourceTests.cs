using System.Text;
using CustomerDirectory.Domain.Transfer.Csv;

namespace CustomerDirectory.Domain.Tests.Transfer.Csv;

public class CsvSourceTests
{
    private static readonly string[] People = ["Zoë Çelik", "José Núñez"];

    [Theory]
    [InlineData("utf8-bom.csv")]
    [InlineData("utf8-no-bom.csv")]
    [InlineData("utf16le-bom.csv")]
    [InlineData("utf16be-bom.csv")]
    [InlineData("utf16le-no-bom.csv")]
    public void ReadRows_UnicodeEncodings_DecodeTheSameText(string file)
    {
        using var source = CsvFixtures.OpenDetected(file);

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Name", "Email", "City"], source.Header);
        Assert.Equal(People, rows.Select(r => r.Fields[0]));
        Assert.Equal(["Zürich", "A Coruña"], rows.Select(r => r.Fields[2]));
        Assert.All(rows, r => Assert.Null(r.Error));
        Assert.Equal([2L, 3L], rows.Select(r => r.Line));
    }

    [Fact]
    public void ReadRows_Windows1252_DecodesAccentsEuroAndLigatures()
    {
        using var source = CsvFixtures.OpenDetected("windows-1252.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Nom", "Ville", "Montant"], source.Header);
        Assert.Equal(["René Cœur", "Besançon", "12,50 €"], rows[0].Fields);
        Assert.Equal(["Œdipe Été", "Sète", "1 234,56 €"], rows[1].Fields);
    }

    [Fact]
    public void ReadRows_Utf8FileReadAsUtf8WithBomOverriddenTo1252_StillStripsNoText()
    {
        // The merchant's override wins even when wrong: the text is garbled, but the reader neither throws nor loses rows.
        using var source = CsvSource.Open(File.OpenRead(CsvFixtures.PathOf("utf8-no-bom.csv")), new CsvFormat(CsvEncoding.Windows1252, ','));

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(2, rows.Count);
        Assert.Equal("ZoÃ« Ã‡elik", rows[0].Fields[0]);
    }

    [Fact]
    public void InvalidBytes_WrongEncodingChosen_AreCountedSoTheMerchantCanBeTold()
    {
        using var wrong = CsvSource.Open(File.OpenRead(CsvFixtures.PathOf("windows-1252.csv")), new CsvFormat(CsvEncoding.Utf8, ';'));
        using var right = CsvFixtures.OpenDetected("windows-1252.csv");

        var rows = CsvFixtures.ReadAll(wrong);
        _ = CsvFixtures.ReadAll(right);

        Assert.Equal("Ren\uFFFD C\uFFFDur", rows[0].Fields[0]);
        Assert.Equal(9, wrong.InvalidBytes);
        Assert.Equal(0, right.InvalidBytes);
    }

    [Fact]
    public void ReadRows_MixedLineEndings_SplitsEveryLine()
    {
        using var source = CsvFixtures.OpenDetected("mixed-line-endings.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Ann", "Bob", "Cy", "Dee"], rows.Select(r => r.Fields[0]));
        Assert.Equal(["Paris", "Lyon", "Nice", "Lille"], rows.Select(r => r.Fields[1]));
        Assert.Equal([2L, 3L, 4L, 5L], rows.Select(r => r.Line));
        Assert.Equal("Bob,Lyon", rows[1].Raw);
    }

    [Fact]
    public void ReadRows_UnbalancedQuote_RejectsThatRowAndReadsTheLaterRows()
    {
        using var source = CsvFixtures.OpenDetected("unbalanced-quotes.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(4, rows.Count);
        Assert.Equal(2, rows[0].Line);
        Assert.Contains("unbalanced quote", rows[0].Error, StringComparison.Ordinal);
        Assert.Equal("Ann,\"never closed,Paris", rows[0].Raw);
        Assert.Equal(["Bob", "fine", "Lyon"], rows[1].Fields);
        Assert.Equal(["Cy", "quoted", "Nice"], rows[2].Fields);
        Assert.Equal(["Dee", "5\" screen", "Lille"], rows[3].Fields);
        Assert.Equal([3L, 4L, 5L], rows.Skip(1).Select(r => r.Line));
        Assert.All(rows.Skip(1), r => Assert.Null(r.Error));
    }

    [Fact]
    public void ReadRows_QuoteNeverClosedBeforeTheEnd_RejectsThatRowAndReadsTheLaterRows()
    {
        using var source = CsvFixtures.OpenDetected("unclosed-quote-at-end.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Ann", "Bob", "Cy", "Dee"], rows.Select(r => r.Fields[0]));
        Assert.Null(rows[0].Error);
        Assert.Contains("unbalanced quote", rows[1].Error, StringComparison.Ordinal);
        Assert.Contains("reading went on with line 4", rows[1].Error, StringComparison.Ordinal);
        Assert.Null(rows[2].Error);
        Assert.Null(rows[3].Error);
    }

    [Fact]
    public void ReadRows_QuotedValueSpanningMoreLinesThanTheLimit_IsAnUnbalancedQuote()
    {
        var text = new StringBuilder("Name,Note\nAnn,\"open\n");
        for (var i = 0; i < 10; i++)
        {
            text.Append("Row").Append(i).Append(",plain\n");
        }
        using var source = CsvFixtures.OpenText(text.ToString(), limits: new CsvLimits { MaxRecordLines = 5 });

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(11, rows.Count);
        Assert.Contains("unbalanced quote", rows[0].Error, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"Row{i}"), rows.Skip(1).Select(r => r.Fields[0]));
        Assert.All(rows.Skip(1), r => Assert.Null(r.Error));
    }

    [Fact]
    public void ReadRows_QuotedValueWithinTheLineLimit_KeepsItsLineBreaks()
    {
        using var source = CsvFixtures.OpenText("Name,Note,Tag\nAnn,\"a\nb\nc\",x\nBob,y,z\n", limits: new CsvLimits { MaxRecordLines = 3 });

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal("a\nb\nc", rows[0].Fields[1]);
        Assert.Null(rows[0].Error);
        Assert.Equal(5, rows[1].Line);
    }

    [Fact]
    public void ReadRows_StrayQuotes_AreReadAsText()
    {
        using var source = CsvFixtures.OpenDetected("stray-quotes.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.All(rows, r => Assert.Null(r.Error));
        Assert.Equal(["5\" screen", "\"5\" screen\"", "12\" wide", "spaced, quoted"], rows.Select(r => r.Fields[1]));
        Assert.Equal("quote after a space", rows[3].Fields[2]);
    }

    [Fact]
    public void ReadRows_EmbeddedNewlines_AreKeptInTheValue()
    {
        using var source = CsvFixtures.OpenDetected("embedded-newlines.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(2, rows.Count);
        Assert.Equal("line one\nline two, with a comma\r\nline three \"quoted\"", rows[0].Fields[1]);
        Assert.Equal("Paris", rows[0].Fields[2]);
        Assert.Null(rows[0].Error);
        Assert.Equal(["Bob", "plain", "Lyon"], rows[1].Fields);
        Assert.Equal(5, rows[1].Line);
    }

    [Fact]
    public void ReadRows_SemicolonFile_KeepsDecimalCommasAndCurrency()
    {
        using var source = CsvFixtures.OpenDetected("semicolon-decimal-comma.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Name", "Spent", "Last visit"], source.Header);
        Assert.Equal(["1 234,56 €", "-3,50", "€ 12"], rows.Select(r => r.Fields[1]));
        Assert.Equal([123456L, -350L, 1200L], rows.Select(r => CsvValues.ParseMoneyMinor(r.Fields[1], ',').Value));
        Assert.Equal([new DateOnly(2024, 12, 31), new DateOnly(2025, 2, 1), new DateOnly(2023, 8, 15)],
            rows.Select(r => CsvValues.ParseDate(r.Fields[2], DateOrder.DayMonthYear).Value!.Value));
    }

    [Fact]
    public void ReadRows_TabFile_KeepsCommasInValues()
    {
        using var source = CsvFixtures.OpenDetected("tab-delimited.tsv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Name", "Email", "Spent"], source.Header);
        Assert.Equal(["Bob, Jr.", "bob@example.com", "$ 12"], rows[1].Fields);
        Assert.Equal(123456L, CsvValues.ParseMoneyMinor(rows[0].Fields[2]).Value);
    }

    [Fact]
    public void ReadRows_DatesFixture_ParsesEveryFormOrSaysWhy()
    {
        using var source = CsvFixtures.OpenDetected("dates.csv");

        var rows = CsvFixtures.ReadAll(source);

        var ann = rows[0].Fields;
        Assert.Equal(new DateOnly(2025, 1, 31), CsvValues.ParseDate(ann[1], DateOrder.Iso).Value);
        Assert.Equal(new DateOnly(2025, 1, 31), CsvValues.ParseDate(ann[2], DateOrder.Iso).Value);
        Assert.Equal(new DateOnly(2025, 1, 31), CsvValues.ParseDate(ann[3], DateOrder.DayMonthYear).Value);
        Assert.Equal(new DateOnly(2025, 1, 31), CsvValues.ParseDate(ann[4], DateOrder.MonthDayYear).Value);
        Assert.Equal(new DateOnly(2025, 1, 1), CsvValues.ParseDate(ann[5], DateOrder.DayMonthYear).Value);
        Assert.Equal(new ParseResult<DateOnly?>(null, null), CsvValues.ParseDate(ann[6], DateOrder.Iso));
        Assert.Equal(new DateOnly(2024, 2, 29), CsvValues.ParseDate(rows[1].Fields[1], DateOrder.Iso).Value);
        Assert.Equal(new DateOnly(2024, 2, 29), CsvValues.ParseDate(rows[1].Fields[2], DateOrder.Iso).Value);
        Assert.Equal(new DateOnly(2024, 3, 1), CsvValues.ParseDate(rows[1].Fields[5], DateOrder.Iso).Value);
        Assert.Equal(new ParseResult<DateOnly?>(null, null), CsvValues.ParseDate(rows[1].Fields[6], DateOrder.Iso));
        Assert.Equal(DateOrder.DayMonthYear, CsvValues.GuessDateOrder(rows.Select(r => r.Fields[3])));
        Assert.Equal(DateOrder.MonthDayYear, CsvValues.GuessDateOrder(rows.Select(r => r.Fields[4])));
        Assert.Null(CsvValues.GuessDateOrder(rows.Select(r => r.Fields[7])));
    }

    [Fact]
    public void ReadRows_EmailsDifferingInCaseWhitespaceAndUnicodeForm_CleanToOneAddressOnceLowerCased()
    {
        using var source = CsvFixtures.OpenDetected("emails-case-whitespace-unicode.csv");

        var rows = CsvFixtures.ReadAll(source);

        var cleaned = rows.Select(r => CsvValues.Clean(r.Fields[1])!.ToUpperInvariant()).ToList();
        Assert.Single(cleaned.Take(3).Append(cleaned[5]).Distinct());
        Assert.Equal(cleaned[3], cleaned[4]);
        Assert.NotEqual(rows[3].Fields[1], rows[4].Fields[1]);
    }

    [Fact]
    public void ReadRows_EmojiRtlAndZeroWidth_KeepsTheTextAndCleanDropsTheInvisibles()
    {
        using var source = CsvFixtures.OpenDetected("emoji-rtl-zero-width.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal("😀 Ann 👨\u200D👩\u200D👧", CsvValues.Clean(rows[0].Fields[0]));
        Assert.Equal("ann@example.com", CsvValues.Clean(rows[0].Fields[1]));
        Assert.Equal("מרים כהן", CsvValues.Clean(rows[1].Fields[0]));
        Assert.Equal("محمد", CsvValues.Clean(rows[2].Fields[0]));
        Assert.Equal("mo@example.com", CsvValues.Clean(rows[2].Fields[1]));
        Assert.Equal("می\u200Cخواهم", CsvValues.Clean(rows[3].Fields[0]));
    }

    [Fact]
    public void ReadRows_NulBytes_RowIsFineAndCleanRemovesThem()
    {
        using var source = CsvFixtures.OpenDetected("nul-bytes.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(2, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal("Ann", CsvValues.Clean(rows[0].Fields[0]));
        Assert.Equal("ann@example.com", CsvValues.Clean(rows[0].Fields[1]));
    }

    [Fact]
    public void Open_HeaderOnly_HasNoRows()
    {
        using var source = CsvFixtures.OpenDetected("header-only.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Name", "Email", "City"], source.Header);
        Assert.Empty(rows);
        Assert.Empty(source.HeaderProblems);
    }

    [Fact]
    public void Open_EmptyFile_SaysSo()
    {
        var error = Assert.Throws<CsvFileException>(() => CsvFixtures.OpenDetected("empty.csv"));

        Assert.Equal("The file is empty.", error.Message);
    }

    [Fact]
    public void Open_OnlyBlankLines_SaysThereIsNoHeader()
    {
        var error = Assert.Throws<CsvFileException>(() => CsvFixtures.OpenDetected("blank-lines-only.csv"));

        Assert.Contains("no header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DuplicateAndBlankHeaders_AreMadeUniqueAndExplained()
    {
        using var source = CsvFixtures.OpenDetected("duplicate-headers.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Email", "Name", "email (3)", "Column 4", "Email (4)", "Email (2)"], source.Header);
        Assert.Equal(
            ["Column 4 has no name: it is called “Column 4”.", "“Email” appears 3 times: the others are named “email (3)” and “Email (4)”."],
            source.HeaderProblems);
        Assert.Equal(6, rows[0].Fields.Count);
    }

    [Fact]
    public void Open_TwoEmailColumns_NamesTheSecondEmail2()
    {
        using var source = CsvFixtures.OpenText("Email,Name,Email\n");

        Assert.Equal(["Email", "Name", "Email (2)"], source.Header);
        Assert.Equal(["“Email” appears twice: the second is named “Email (2)”."], source.HeaderProblems);
    }

    [Fact]
    public void Open_HeaderNames_AreTrimmedAndCleaned()
    {
        using var source = CsvFixtures.OpenText("\uFEFF\uFEFF Name ,\"E-mail \u200B\",\t City\n");

        Assert.Equal(["Name", "E-mail", "City"], source.Header);
    }

    [Fact]
    public void Open_ExcelSeparatorLine_IsNotTheHeader()
    {
        using var source = CsvFixtures.OpenText("sep=;\r\nName;Note\r\nAnn;a,b\r\n", ';');

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["Name", "Note"], source.Header);
        Assert.Equal(["Ann", "a,b"], rows[0].Fields);
        Assert.Equal(3, rows[0].Line);
    }

    [Fact]
    public void ReadRows_RaggedRows_PadsShortRowsAndRejectsLongOnes()
    {
        using var source = CsvFixtures.OpenDetected("ragged-rows.csv");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(4, rows.Count);
        Assert.Equal(["1", "2", "3", "", ""], rows[0].Fields);
        Assert.Null(rows[0].Error);
        Assert.Equal("This row has 7 values but the header has 5 columns.", rows[1].Error);
        Assert.Equal(5, rows[1].Fields.Count);
        Assert.Null(rows[2].Error);
        Assert.Equal(["1", "2", "3", "4", "5"], rows[2].Fields);
        Assert.Equal(1, source.BlankLines);
        Assert.Equal([2L, 3L, 4L, 6L], rows.Select(r => r.Line));
    }

    [Fact]
    public void ReadRows_CalledTwice_Throws()
    {
        using var source = CsvFixtures.OpenText("A\n1\n");
        _ = source.ReadRows();

        Assert.Throws<InvalidOperationException>(() => source.ReadRows());
    }

    [Fact]
    public void ReadRows_Cancelled_Throws()
    {
        using var source = CsvFixtures.OpenText("A\n1\n2\n");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => source.ReadRows(cts.Token).ToList());
    }

    [Fact]
    public void Position_AtTheEnd_IsTheLength()
    {
        using var source = CsvFixtures.OpenDetected("utf8-bom.csv");

        _ = CsvFixtures.ReadAll(source);

        Assert.Equal(source.Length, source.Position);
        Assert.Equal(new FileInfo(CsvFixtures.PathOf("utf8-bom.csv")).Length, source.Length);
    }

    [Theory]
    [InlineData("A,B\n1,2", 1)]
    [InlineData("A,B\n1,\"2\"", 1)]
    [InlineData("A,B\r\n1,2\r\n", 1)]
    [InlineData("A,B\n1,2,\n", 1)]
    [InlineData("A,B\n\"\",\"\"\n1,2\n", 1)]
    [InlineData("\n\nA,B\n1,2\n\n", 1)]
    public void ReadRows_EdgesOfLinesAndQuotes_ReadOneRow(string text, int expected)
    {
        using var source = CsvFixtures.OpenText(text);

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(expected, rows.Count);
        Assert.Equal(["1", "2"], rows[0].Fields);
        Assert.Null(rows[0].Error);
    }

    [Fact]
    public void ReadRows_QuotedValueWithEscapedQuotesAndDelimiters_IsUnescaped()
    {
        using var source = CsvFixtures.OpenText("A;B\n\"say \"\"hi\"\"; twice\";\"\"\"\"\n", ';');

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(["say \"hi\"; twice", "\""], rows[0].Fields);
    }

    [Fact]
    public void ReadRows_LongRaw_IsCappedForTheReport()
    {
        var value = new string('x', 20_000);
        using var source = CsvFixtures.OpenText($"A,B\n{value},1\n");

        var rows = CsvFixtures.ReadAll(source);

        Assert.Equal(10_001, rows[0].Raw.Length);
        Assert.EndsWith("x…", rows[0].Raw, StringComparison.Ordinal);
        Assert.Equal(value, rows[0].Fields[0]);
    }
}
