namespace CustomerDirectory.Domain.Filters;

/// <summary>A filter that cannot be run, with a message for the person who built it.</summary>
public sealed class FilterException(string message) : DomainException(message, "Filter");
