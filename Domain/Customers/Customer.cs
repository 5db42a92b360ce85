namespace CustomerDirectory.Domain.Customers;

/// <summary>One person in the directory.</summary>
public sealed class Customer
{
    private Customer() { }

    public int Id { get; private set; }

    public string FirstName { get; private set; } = "";

    public string LastName { get; private set; } = "";

    public string? Email { get; private set; }

    /// <summary>Trimmed, lower-case email; unique. See <see cref="ContactRules.NormalizeEmail"/>.</summary>
    public string? EmailKey { get; private set; }

    /// <summary>The phone as the person wrote it.</summary>
    public string? Phone { get; private set; }

    /// <summary>Digits for matching; see <see cref="ContactRules.PhoneKey"/>.</summary>
    public string? PhoneKey { get; private set; }

    /// <summary>Folded "first last email", what name and email searches look in.</summary>
    public string SearchText { get; private set; } = "";

    /// <summary>Folded "last first", what the directory sorts names by.</summary>
    public string SortName { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>Incremented on every save; a save based on an older version is refused.</summary>
    public int Version { get; private set; }

    // Activity aggregates: written only by ActivityService, in the transaction that changes the activity,
    // recomputed from the rows themselves so they cannot drift. Profile edits never touch them (and do not
    // conflict with them: they are not part of the version).

    public int VisitCount { get; private set; }

    public DateTime? FirstVisitAt { get; private set; }

    public DateTime? LastVisitAt { get; private set; }

    public int OrderCount { get; private set; }

    /// <summary>Sum of all orders, in minor units of the merchant's currency.</summary>
    public long TotalSpentMinor { get; private set; }

    public DateTime? FirstOrderAt { get; private set; }

    public DateTime? LastOrderAt { get; private set; }

    public static Customer Create(CustomerInput input, DateTime nowUtc)
    {
        var customer = new Customer { CreatedAt = nowUtc };
        customer.Apply(input, nowUtc);
        return customer;
    }

    /// <summary>Used by bulk seeding and imports that carry their own creation date.</summary>
    public static Customer Create(CustomerInput input, DateTime createdAtUtc, DateTime nowUtc)
    {
        var customer = Create(input, nowUtc);
        customer.CreatedAt = createdAtUtc;
        return customer;
    }

    /// <summary>Applies the form; returns false (and changes nothing) when nothing differs.</summary>
    public bool Update(CustomerInput input, DateTime nowUtc)
    {
        input.EnsureValid();
        if (ContactRules.Clean(input.FirstName) == FirstName && ContactRules.Clean(input.LastName) == LastName
            && ContactRules.Clean(input.Email) == Email && ContactRules.Clean(input.Phone) == Phone)
        {
            return false;
        }

        Apply(input, nowUtc);
        Version++;
        return true;
    }

    public CustomerInput ToInput() => new() { FirstName = FirstName, LastName = LastName, Email = Email, Phone = Phone };

    private void Apply(CustomerInput input, DateTime nowUtc)
    {
        input.EnsureValid();
        FirstName = ContactRules.Clean(input.FirstName)!;
        LastName = ContactRules.Clean(input.LastName)!;
        Email = ContactRules.Clean(input.Email);
        EmailKey = ContactRules.NormalizeEmail(input.Email);
        Phone = ContactRules.Clean(input.Phone);
        PhoneKey = ContactRules.PhoneKey(input.Phone);
        SearchText = ContactRules.Fold($"{FirstName} {LastName} {Email}".TrimEnd());
        SortName = ContactRules.Fold($"{LastName} {FirstName}");
        UpdatedAt = nowUtc;
    }
}
