namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>The text encodings an imported file may use.</summary>
public enum CsvEncoding
{
    Utf8,
    Utf16LittleEndian,
    Utf16BigEndian,
    Windows1252,
}
