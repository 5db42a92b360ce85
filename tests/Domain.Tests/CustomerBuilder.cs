using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Tests;

/// <summary>A valid profile form by default; each With… changes one thing.</summary>
public sealed class CustomerBuilder
{
    private static int _next;

    private string? _first = "Camille";
    private string? _last = "Martin";
    private string? _email = $"camille.martin{Interlocked.Increment(ref _next)}@example.com";
    private string? _phone = "+33 6 12 34 56 78";

    public static CustomerBuilder ACustomer() => new();

    public CustomerBuilder Named(string? first, string? last)
    {
        _first = first;
        _last = last;
        return this;
    }

    public CustomerBuilder WithEmail(string? email)
    {
        _email = email;
        return this;
    }

    public CustomerBuilder WithPhone(string? phone)
    {
        _phone = phone;
        return this;
    }

    public CustomerInput Build() => new() { FirstName = _first, LastName = _last, Email = _email, Phone = _phone };
}
