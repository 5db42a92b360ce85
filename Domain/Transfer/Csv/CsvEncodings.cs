using System.Text;

namespace CustomerDirectory.Domain.Transfer.Csv;

internal static class CsvEncodings
{
    // Windows-1252 is not built into .NET Core's default set; the code-pages provider ships with the runtime.
    private static readonly Encoding Windows1252 = CreateWindows1252();

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private static readonly Encoding Utf16Le = new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
    private static readonly Encoding Utf16Be = new UnicodeEncoding(bigEndian: true, byteOrderMark: false);

    /// <summary>The .NET encoding; invalid bytes decode to U+FFFD rather than throwing, so one bad byte never stops an import.</summary>
    public static Encoding Get(CsvEncoding encoding) => encoding switch
    {
        CsvEncoding.Utf8 => Utf8,
        CsvEncoding.Utf16LittleEndian => Utf16Le,
        CsvEncoding.Utf16BigEndian => Utf16Be,
        CsvEncoding.Windows1252 => Windows1252,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown encoding."),
    };

    /// <summary>The encoding, reading invalid bytes through <paramref name="fallback"/>.</summary>
    public static Encoding Get(CsvEncoding encoding, DecoderFallback fallback) => Encoding.GetEncoding(
        Get(encoding).CodePage, EncoderFallback.ReplacementFallback, fallback);

    private static Encoding CreateWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}
