using System.Text;
using CustomerDirectory.Domain.Transfer.Csv;

namespace CustomerDirectory.Domain.Tests.Transfer.Csv;

public class CsvValuesTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   \t ", null)]
    [InlineData("\u200B\uFEFF", null)]
    [InlineData("  Ann  ", "Ann")]
    [InlineData("\u00A0ann@example.com\u202F", "ann@example.com")]
    [InlineData("an\u200Bn@exa\u2060mple.com\uFEFF", "ann@example.com")]
    [InlineData("A\0nn", "Ann")]
    [InlineData("ann\u200D@example.com", "ann@example.com")]
    [InlineData("\u200DAnn\u200C", "Ann")]
    [InlineData("👨\u200D👩\u200D👧", "👨\u200D👩\u200D👧")]
    [InlineData("🏃\u200D♀\uFE0F", "🏃\u200D♀\uFE0F")]
    [InlineData("שָׁלוֹם", "שָׁלוֹם")]
    [InlineData("\u200Fمرحبا", "\u200Fمرحبا")]
    public void Clean_Cell_TrimsAndDropsInvisiblesButKeepsText(string? cell, string? expected)
    {
        var cleaned = CsvValues.Clean(cell);

        Assert.Equal(expected, cleaned);
    }

    [Fact]
    public void Clean_DecomposedAccents_AreComposed()
    {
        var decomposed = "Jose\u0301";

        var cleaned = CsvValues.Clean(decomposed);

        Assert.Equal("José", cleaned);
        Assert.True(cleaned!.IsNormalized(NormalizationForm.FormC));
    }

    [Theory]
    [InlineData("2025-01-31", DateOrder.Iso, 2025, 1, 31)]
    [InlineData("2025-01-31", DateOrder.MonthDayYear, 2025, 1, 31)]
    [InlineData("2025/1/5", DateOrder.DayMonthYear, 2025, 1, 5)]
    [InlineData("2025-01-31T10:00:00Z", DateOrder.Iso, 2025, 1, 31)]
    [InlineData("31.01.2025", DateOrder.Iso, 2025, 1, 31)]
    [InlineData("1.2.2025", DateOrder.MonthDayYear, 2025, 2, 1)]
    [InlineData("31.01.2025 23:59", DateOrder.DayMonthYear, 2025, 1, 31)]
    [InlineData("31/01/2025", DateOrder.DayMonthYear, 2025, 1, 31)]
    [InlineData("03/04/2025", DateOrder.DayMonthYear, 2025, 4, 3)]
    [InlineData("03/04/2025", DateOrder.MonthDayYear, 2025, 3, 4)]
    [InlineData("03-04-2025", DateOrder.MonthDayYear, 2025, 3, 4)]
    [InlineData("01/31/2025 9:30 PM", DateOrder.MonthDayYear, 2025, 1, 31)]
    [InlineData("45658", DateOrder.DayMonthYear, 2025, 1, 1)]
    [InlineData("45658.75", DateOrder.Iso, 2025, 1, 1)]
    [InlineData("29/02/2024", DateOrder.DayMonthYear, 2024, 2, 29)]
    public void ParseDate_SupportedForms_GiveTheDate(string cell, DateOrder order, int year, int month, int day)
    {
        var result = CsvValues.ParseDate(cell, order);

        Assert.Equal(new ParseResult<DateOnly?>(new DateOnly(year, month, day), null), result);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0000-00-00")]
    [InlineData("0000-00-00 00:00:00")]
    [InlineData("00/00/0000")]
    [InlineData("00.00.0000")]
    [InlineData("0")]
    public void ParseDate_NoDate_IsNull(string? cell)
    {
        var result = CsvValues.ParseDate(cell, DateOrder.DayMonthYear);

        Assert.True(result.Ok);
        Assert.Null(result.Value);
    }

    [Theory]
    [InlineData("03/04/25", DateOrder.DayMonthYear, "“03/04/25” has a two-digit year: write the year in full (1925 or 2025?).")]
    [InlineData("31/02/2025", DateOrder.DayMonthYear, "“31/02/2025” is not a real date (read as day/month/year).")]
    [InlineData("31/01/2025", DateOrder.MonthDayYear, "“31/01/2025” is not a real date (read as month/day/year).")]
    [InlineData("2025-02-30", DateOrder.Iso, "“2025-02-30” is not a real date (read as year-month-day).")]
    [InlineData("03/04/2025", DateOrder.Iso, "“03/04/2025” is not written year-month-day, as this column's dates are; choose the column's date order.")]
    [InlineData("next week", DateOrder.Iso, "“next week” is not a date.")]
    [InlineData("2025", DateOrder.Iso, "“2025” is not a date (as an Excel date number it would be before 1927 or after 2173).")]
    [InlineData("1/2/3/4", DateOrder.Iso, "“1/2/3/4” is not a date.")]
    public void ParseDate_BadText_SaysWhyNamingTheText(string cell, DateOrder order, string error)
    {
        var result = CsvValues.ParseDate(cell, order);

        Assert.Equal(error, result.Error);
    }

    [Theory]
    [InlineData(DateOrder.DayMonthYear, "03/04/2025", "13/04/2025", "")]
    [InlineData(DateOrder.MonthDayYear, "03/04/2025", "04/13/2025", null)]
    [InlineData(DateOrder.DayMonthYear, "03.04.2025", "01.02.2025")]
    [InlineData(DateOrder.Iso, "2025-04-03", "45658")]
    [InlineData(DateOrder.DayMonthYear, "2025-04-03", "25/12/2024")]
    public void GuessDateOrder_TellingSample_GivesTheOrder(DateOrder expected, params string?[] sample)
    {
        var order = CsvValues.GuessDateOrder(sample);

        Assert.Equal(expected, order);
    }

    [Theory]
    [InlineData("03/04/2025")]
    [InlineData("03/04/2025", "01/02/2025", "00/00/0000")]
    [InlineData("13/04/2025", "04/13/2025")]
    [InlineData("", " ", "0000-00-00")]
    [InlineData]
    public void GuessDateOrder_AmbiguousContradictoryOrEmptySample_IsNullSoTheMerchantIsAsked(params string[] sample)
    {
        var order = CsvValues.GuessDateOrder(sample);

        Assert.Null(order);
    }

    [Theory]
    [InlineData("1 234,56 €", null, 123456)]
    [InlineData("€1,234.56", null, 123456)]
    [InlineData("$ 12", null, 1200)]
    [InlineData("1.234,56", null, 123456)]
    [InlineData("-3,50", null, -350)]
    [InlineData("(3.50)", null, -350)]
    [InlineData("3.50-", null, -350)]
    [InlineData("− 3,5", null, -350)]
    [InlineData("+12", null, 1200)]
    [InlineData("EUR 1.000.000", null, 100000000)]
    [InlineData("1,234", null, 123400)]
    [InlineData("1,234", '.', 123400)]
    [InlineData("1.234", ',', 123400)]
    [InlineData("1,5", null, 150)]
    [InlineData("1,50", ',', 150)]
    [InlineData(".5", null, 50)]
    [InlineData("CHF 1'234.50", null, 123450)]
    [InlineData("1\u202F234,50\u00A0€", null, 123450)]
    [InlineData("12.500", '.', 1250)]
    [InlineData("0", null, 0)]
    [InlineData("1 234 567,8 kr", null, 123456780)]
    public void ParseMoneyMinor_CommonForms_GiveCents(string cell, char? decimalSeparator, long cents)
    {
        var result = CsvValues.ParseMoneyMinor(cell, decimalSeparator);

        Assert.Equal(new ParseResult<long?>(cents, null), result);
    }

    [Fact]
    public void ParseMoneyMinor_NoMinorUnit_ReadsWholeAmounts()
    {
        Assert.Equal(1234L, CsvValues.ParseMoneyMinor("¥1,234", minorDigits: 0).Value);
        Assert.Equal("“12.5” has decimals, but this currency has none.", CsvValues.ParseMoneyMinor("12.5", minorDigits: 0).Error);
    }

    [Theory]
    [InlineData("1,234", ',', "“1,234” has more than 2 decimals.")]
    [InlineData("12.345", '.', "“12.345” has more than 2 decimals.")]
    [InlineData("1.23.4", null, "“1.23.4” is not an amount.")]
    [InlineData("12,34,56", ',', "“12,34,56” is not an amount.")]
    [InlineData("twelve", null, "“twelve” is not an amount.")]
    [InlineData("12 %", null, "“12 %” is not an amount.")]
    [InlineData("--12", null, "“--12” is not an amount.")]
    [InlineData("99999999999999999999", null, "“99999999999999999999” is too large an amount.")]
    public void ParseMoneyMinor_BadText_SaysWhyNamingTheText(string cell, char? decimalSeparator, string error)
    {
        var result = CsvValues.ParseMoneyMinor(cell, decimalSeparator);

        Assert.Equal(error, result.Error);
    }

    [Fact]
    public void ParseMoneyMinor_Blank_IsNull()
    {
        Assert.Equal(new ParseResult<long?>(null, null), CsvValues.ParseMoneyMinor("  "));
    }

    [Theory]
    [InlineData(',', "1,50", "1 234,56 €", "1,234")]
    [InlineData('.', "1.50", "1,234")]
    [InlineData('.', "1,234,567")]
    [InlineData(',', "1.234.567")]
    [InlineData(',', "1.234,5")]
    [InlineData(null, "1,234", "12", "")]
    [InlineData(null, "1,5", "1.5")]
    public void GuessDecimalSeparator_Sample_GivesTheSeparatorItShows(char? expected, params string[] sample)
    {
        var separator = CsvValues.GuessDecimalSeparator(sample);

        Assert.Equal(expected, separator);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("YES", true)]
    [InlineData(" y ", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("x", true)]
    [InlineData("X", true)]
    [InlineData("oui", true)]
    [InlineData("Ja", true)]
    [InlineData("sí", true)]
    [InlineData("SÍ", true)]
    [InlineData("si", true)]
    [InlineData("Subscribed", true)]
    [InlineData("no", false)]
    [InlineData("N", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("non", false)]
    [InlineData("NEIN", false)]
    [InlineData("unsubscribed", false)]
    public void ParseYesNo_KnownWords_GiveTheAnswer(string cell, bool expected)
    {
        var result = CsvValues.ParseYesNo(cell);

        Assert.Equal(new ParseResult<bool?>(expected, null), result);
    }

    [Fact]
    public void ParseYesNo_BlankAndUnknown_AreNullOrSayWhy()
    {
        Assert.Equal(new ParseResult<bool?>(null, null), CsvValues.ParseYesNo(""));
        Assert.Equal("“maybe” is not yes or no.", CsvValues.ParseYesNo("maybe").Error);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("12", 12)]
    [InlineData(" 1 234 ", 1234)]
    [InlineData("1,234", 1234)]
    [InlineData("1.234", 1234)]
    [InlineData("1'234", 1234)]
    [InlineData("12.0", 12)]
    [InlineData("+3", 3)]
    [InlineData("2147483647", int.MaxValue)]
    public void ParseCount_WholeNumbers_GiveTheCount(string cell, int expected)
    {
        var result = CsvValues.ParseCount(cell);

        Assert.Equal(new ParseResult<int?>(expected, null), result);
    }

    [Theory]
    [InlineData("-3", "“-3” is negative: a count cannot be below zero.")]
    [InlineData("1.5", "“1.5” is not a whole number.")]
    [InlineData("three", "“three” is not a whole number.")]
    [InlineData("2147483648", "“2147483648” is too large a number.")]
    public void ParseCount_BadText_SaysWhyNamingTheText(string cell, string error)
    {
        var result = CsvValues.ParseCount(cell);

        Assert.Equal(error, result.Error);
    }

    [Fact]
    public void Parse_LongCell_IsShortenedInTheMessage()
    {
        var cell = new string('a', 500);

        var error = CsvValues.ParseYesNo(cell).Error!;

        Assert.True(error.Length < 100);
        Assert.Contains("…", error, StringComparison.Ordinal);
    }
}
