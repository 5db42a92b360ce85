using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Tests;

public class ContactRulesTests
{
    [Theory]
    [InlineData(null, "First name is required.")]
    [InlineData("   ", "First name is required.")]
    [InlineData("Ana\u0007", "First name contains characters that are not allowed.")]
    public void NameError_RefusesBlankAndControlCharacters(string? value, string expected) =>
        Assert.Equal(expected, ContactRules.NameError("First name", value));

    [Fact]
    public void NameError_RefusesOverlongNames() =>
        Assert.Equal("Last name can be at most 100 characters.", ContactRules.NameError("Last name", new string('a', 101)));

    [Theory]
    [InlineData("Zoé")]
    [InlineData("  Jean-Pierre  ")]
    [InlineData("O'Connor")]
    public void NameError_AcceptsRealNames(string value) => Assert.Null(ContactRules.NameError("First name", value));

    [Theory]
    [InlineData("name@example.com")]
    [InlineData("  Name.Surname+tag@example.co.uk ")]
    [InlineData(null)]
    [InlineData("")]
    public void EmailError_AcceptsAddressesAndBlank(string? value) => Assert.Null(ContactRules.EmailError(value));

    [Theory]
    [InlineData("name")]
    [InlineData("name@localhost")]
    [InlineData("Name <name@example.com>")]
    [InlineData("na me@example.com")]
    [InlineData("name@example.")]
    public void EmailError_RefusesWhatIsNotABareAddress(string value) =>
        Assert.Equal("Enter an email address like name@example.com.", ContactRules.EmailError(value));

    [Theory]
    [InlineData("+33 6 12 34 56 78")]
    [InlineData("06.12.34.56.78")]
    [InlineData("(555) 123-4567")]
    public void PhoneError_AcceptsCommonWritings(string value) => Assert.Null(ContactRules.PhoneError(value));

    [Theory]
    [InlineData("06 12 34 AB")]
    [InlineData("12345")]
    [InlineData("6 12 + 34 56 78")]
    [InlineData("+1 234 567 890 123 456 789")]
    public void PhoneError_RefusesWhatCannotBeAPhone(string value) => Assert.NotNull(ContactRules.PhoneError(value));

    [Theory]
    [InlineData("+33 6 12 34 56 78", "33612345678")]
    [InlineData("0033 612345678", "33612345678")]
    [InlineData("06.12.34.56.78", "612345678")]
    [InlineData("  ", null)]
    public void PhoneKey_KeepsTheDigitsThatIdentifyTheNumber(string value, string? expected) =>
        Assert.Equal(expected, ContactRules.PhoneKey(value));

    [Fact]
    public void PhoneSearchKeys_BridgeTheCountryCode()
    {
        var keys = ContactRules.PhoneSearchKeys("+33 6 12 34 56");
        Assert.Contains("336123456", keys);
        Assert.Contains("6123456", keys); // matches "06 12 34 56 78", stored as 612345678
    }

    [Theory]
    [InlineData("Élodie Lefèvre", "elodie lefevre")]
    [InlineData("ÇA", "ca")]
    public void Fold_LowersAndDropsAccents(string value, string expected) => Assert.Equal(expected, ContactRules.Fold(value));

    [Theory]
    [InlineData("06 12", true)]
    [InlineData("+33 6", true)]
    [InlineData("+33", false)]
    [InlineData("12", false)]
    [InlineData("jean 06", false)]
    public void LooksLikePhone_NeedsOnlyPhoneCharactersAndThreeDigits(string query, bool expected) =>
        Assert.Equal(expected, ContactRules.LooksLikePhone(query));
}
