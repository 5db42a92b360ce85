namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>The file as a whole cannot be read (empty, no header, header beyond the limits). The message is for the merchant.</summary>
public sealed class CsvFileException(string message) : Exception(message);
