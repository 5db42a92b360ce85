namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>A cell turned into a value, or the reason it could not be (naming the text).</summary>
public readonly record struct ParseResult<T>(T Value, string? Error)
{
    public bool Ok => Error is null;
}
