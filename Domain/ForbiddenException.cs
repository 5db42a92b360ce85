namespace CustomerDirectory.Domain;

/// <summary>The person is signed in but may not do this; the message says why.</summary>
public sealed class ForbiddenException : DomainException
{
    public ForbiddenException() { }

    public ForbiddenException(string message) : base(message) { }

    public ForbiddenException(string message, Exception innerException) : base(message, innerException) { }
}
