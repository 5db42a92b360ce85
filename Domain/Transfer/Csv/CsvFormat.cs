namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>How to read a file: detected by <see cref="CsvSniffer"/>, then overridable by the merchant.</summary>
/// <param name="Encoding">How the bytes become text.</param>
/// <param name="Delimiter">',', ';' or '\t' (any character but a quote or a line break is accepted).</param>
public sealed record CsvFormat(CsvEncoding Encoding, char Delimiter)
{
    public static readonly CsvFormat Default = new(CsvEncoding.Utf8, ',');
}
