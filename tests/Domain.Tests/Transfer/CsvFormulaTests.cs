using CustomerDirectory.Domain.Transfer;

namespace CustomerDirectory.Domain.Tests.Transfer;

public sealed class CsvFormulaTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+33 6 12 34 56 78", "'+33 6 12 34 56 78")]
    [InlineData("-5", "'-5")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "'\rx")]
    [InlineData("'=x", "''=x")]
    [InlineData("''+y", "'''+y")]
    [InlineData("'", "'")]
    [InlineData("'plain", "'plain")]
    [InlineData("plain", "plain")]
    [InlineData("a=b", "a=b")]
    [InlineData(" =x", " =x")]
    [InlineData("", "")]
    public void Neutralises_what_a_spreadsheet_would_run_and_restores_it_exactly(string value, string written)
    {
        Assert.Equal(written, CsvFormula.Neutralise(value));
        Assert.Equal(value, CsvFormula.Restore(CsvFormula.Neutralise(value)));
    }

    [Fact]
    public void Null_stays_null_and_values_from_elsewhere_are_left_alone()
    {
        Assert.Null(CsvFormula.Neutralise(null));
        Assert.Null(CsvFormula.Restore(null));

        // Not guarded by us: nothing to take off.
        Assert.Equal("=x", CsvFormula.Restore("=x"));
        Assert.Equal("'hello", CsvFormula.Restore("'hello"));
    }
}
