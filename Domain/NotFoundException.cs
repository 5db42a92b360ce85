namespace CustomerDirectory.Domain;

/// <summary>The record does not exist (or the caller may not know that it does).</summary>
public sealed class NotFoundException : DomainException
{
    public NotFoundException(string message) : base(message) { }

    public NotFoundException() { }

    public NotFoundException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The one wording for a profile that is not (or no longer) there.</summary>
    public static NotFoundException Profile() => new("This profile does not exist (it may have been deleted).");
}
