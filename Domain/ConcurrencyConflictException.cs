namespace CustomerDirectory.Domain;

/// <summary>Someone else saved the same record since it was loaded; nothing was written.</summary>
public sealed class ConcurrencyConflictException : DomainException
{
    public ConcurrencyConflictException(string message) : base(message) { }

    public ConcurrencyConflictException() { }

    public ConcurrencyConflictException(string message, Exception innerException) : base(message, innerException) { }
}
