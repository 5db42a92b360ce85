namespace CustomerDirectory.Domain;

/// <summary>A rule of the domain was broken; the message is written for the person at the screen.</summary>
public class DomainException : Exception
{
    public DomainException(string message, string? field = null) : base(message) => Field = field;

    public DomainException() { }

    public DomainException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The input field the message belongs to, when there is one (e.g. <c>Email</c>).</summary>
    public string? Field { get; }
}
