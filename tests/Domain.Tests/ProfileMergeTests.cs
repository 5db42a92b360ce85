using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Tests;

public class ProfileMergeTests
{
    private static CustomerInput Form(string first = "Anne", string last = "Petit", string? phone = null, string? city = null) =>
        new() { FirstName = first, LastName = last, Phone = phone, City = city };

    [Fact]
    public void Merge_KeepsTheirChanges_AndPutsMineOnTop()
    {
        var opened = Form();
        var theirs = Form(phone: "06 11 22 33 44");
        var mine = Form(city: "Lyon");

        var (merged, both) = ProfileMerge.Merge(opened, mine, theirs);

        Assert.Equal(("06 11 22 33 44", "Lyon"), (merged.Phone, merged.City));
        Assert.Empty(both);
    }

    [Fact]
    public void Merge_WhenBothChangedAField_KeepsMineAndNamesIt()
    {
        var (merged, both) = ProfileMerge.Merge(Form(), Form(last: "Grand"), Form(last: "Moyen", city: "Nice"));

        Assert.Equal(("Grand", "Nice"), (merged.LastName, merged.City));
        Assert.Equal([nameof(CustomerInput.LastName)], both);
    }

    [Fact]
    public void Merge_IgnoresWhitespaceOnlyEdits_AndIdenticalChanges()
    {
        var (merged, both) = ProfileMerge.Merge(Form(), Form(first: " Anne ", last: "Grand"), Form(first: "Annie", last: "Grand"));

        Assert.Equal("Annie", merged.FirstName); // " Anne " is no change of mine
        Assert.Empty(both); // we both wrote "Grand"
    }
}
