namespace CustomerDirectory.Domain.Customers;

/// <summary>Another profile already uses this email address.</summary>
public sealed class DuplicateEmailException : DomainException
{
    public DuplicateEmailException(int existingCustomerId, string existingName)
        : base($"This email address already belongs to {existingName}.", nameof(CustomerInput.Email))
    {
        ExistingCustomerId = existingCustomerId;
        ExistingName = existingName;
    }

    public DuplicateEmailException() { }

    public DuplicateEmailException(string message) : base(message) { }

    public DuplicateEmailException(string message, Exception innerException) : base(message, innerException) { }

    public int ExistingCustomerId { get; }

    public string ExistingName { get; } = "";
}
