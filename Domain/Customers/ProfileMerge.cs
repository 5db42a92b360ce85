namespace CustomerDirectory.Domain.Customers;

/// <summary>
/// Three-way merge of a profile form after someone else saved first: start from their version and put back
/// every field this person changed since opening. A field both changed keeps this person's value and is
/// named, so they can look at it before saving.
/// </summary>
public static class ProfileMerge
{
    private static readonly (string Field, Func<CustomerInput, object?> Get, Action<CustomerInput, object?> Set)[] Fields =
    [
        (nameof(CustomerInput.FirstName), i => Norm(i.FirstName), (i, v) => i.FirstName = (string?)v),
        (nameof(CustomerInput.LastName), i => Norm(i.LastName), (i, v) => i.LastName = (string?)v),
        (nameof(CustomerInput.Email), i => Norm(i.Email), (i, v) => i.Email = (string?)v),
        (nameof(CustomerInput.Phone), i => Norm(i.Phone), (i, v) => i.Phone = (string?)v),
        (nameof(CustomerInput.AddressLine), i => Norm(i.AddressLine), (i, v) => i.AddressLine = (string?)v),
        (nameof(CustomerInput.PostalCode), i => Norm(i.PostalCode), (i, v) => i.PostalCode = (string?)v),
        (nameof(CustomerInput.City), i => Norm(i.City), (i, v) => i.City = (string?)v),
        (nameof(CustomerInput.Country), i => Norm(i.Country), (i, v) => i.Country = (string?)v),
        (nameof(CustomerInput.Birthday), i => i.Birthday, (i, v) => i.Birthday = (DateOnly?)v),
    ];

    /// <summary>The fields of <paramref name="mine"/> that differ from <paramref name="opened"/> (ignoring surrounding spaces).</summary>
    public static IReadOnlyList<string> ChangedFields(CustomerInput opened, CustomerInput mine)
    {
        ArgumentNullException.ThrowIfNull(opened);
        ArgumentNullException.ThrowIfNull(mine);
        return [.. Fields.Where(f => !Equals(f.Get(opened), f.Get(mine))).Select(f => f.Field)];
    }

    /// <returns>The merged form, and the fields both people changed (to different values).</returns>
    public static (CustomerInput Merged, IReadOnlyList<string> BothChanged) Merge(CustomerInput opened, CustomerInput mine, CustomerInput theirs)
    {
        ArgumentNullException.ThrowIfNull(opened);
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(theirs);
        var merged = Copy(theirs);
        var both = new List<string>();
        foreach (var (field, get, set) in Fields)
        {
            var original = get(opened);
            var mineValue = get(mine);
            if (Equals(mineValue, original))
            {
                continue; // not touched here: their value stands
            }

            var theirValue = get(theirs);
            if (!Equals(theirValue, original) && !Equals(theirValue, mineValue))
            {
                both.Add(field);
            }

            set(merged, field is nameof(CustomerInput.Birthday) ? mineValue : GetRaw(mine, field));
        }

        return (merged, both);
    }

    private static CustomerInput Copy(CustomerInput i) => new()
    {
        FirstName = i.FirstName,
        LastName = i.LastName,
        Email = i.Email,
        Phone = i.Phone,
        AddressLine = i.AddressLine,
        PostalCode = i.PostalCode,
        City = i.City,
        Country = i.Country,
        Birthday = i.Birthday,
    };

    private static string? GetRaw(CustomerInput i, string field) =>
        (string?)typeof(CustomerInput).GetProperty(field)!.GetValue(i);

    private static string? Norm(string? value) => ContactRules.Clean(value);
}
