using System.Text;
using CustomerDirectory.Domain.Transfer.Csv;

namespace CustomerDirectory.Domain.Tests.Transfer.Csv;

/// <summary>Opens the committed bad-input files (Transfer/Fixtures) and in-memory text the way the import does.</summary>
internal static class CsvFixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Transfer", "Fixtures", name);

    /// <summary>Detects the format from the head, then opens the file with it.</summary>
    public static CsvSource OpenDetected(string name, CsvLimits? limits = null)
    {
        var stream = File.OpenRead(PathOf(name));
        var format = CsvSniffer.Detect(stream);
        return CsvSource.Open(stream, format, limits);
    }

    public static CsvFormat DetectFile(string name)
    {
        using var stream = File.OpenRead(PathOf(name));
        return CsvSniffer.Detect(stream);
    }

    public static CsvSource OpenText(string text, char delimiter = ',', CsvLimits? limits = null) =>
        CsvSource.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)), CsvFormat.Default with { Delimiter = delimiter }, limits);

    public static List<CsvRecord> ReadAll(CsvSource source) => [.. source.ReadRows()];
}
