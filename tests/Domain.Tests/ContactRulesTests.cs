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

    // The merchant is in France (Merchant:Country defaults to FR): a number written without a country code is French.
    [Theory]
    [InlineData("+33 6 12 34 56 78", "33612345678")]
    [InlineData("0033 612345678", "33612345678")]
    [InlineData("06.12.34.56.78", "33612345678")]
    [InlineData("+33 (0)6 12 34 56 78", "33612345678")]
    [InlineData("+44 20 7946 0958", "442079460958")]
    [InlineData("+44 (0)20 7946 0958", "442079460958")]
    [InlineData("+1 (415) 555-2671", "14155552671")]
    [InlineData("+33", "33")] // not a number libphonenumber reads: its digits
    [InlineData("  ", null)]
    public void PhoneKey_IsTheInternationalNumberHoweverItWasWritten(string value, string? expected) =>
        Assert.Equal(expected, ContactRules.PhoneKey(value));

    [Theory]
    [InlineData("+33 6 12 34 56", "336123456")]
    [InlineData("06 12 34", "61234")]
    [InlineData("0033 6 12", "33612")]
    [InlineData("12 34 56", "123456")]
    public void PhoneSearchKeys_AreTheDigitsEveryMatchingKeyHolds(string query, string expected)
    {
        Assert.Equal([expected], ContactRules.PhoneSearchKeys(query));
        Assert.Contains(expected, ContactRules.PhoneKey("+33 6 12 34 56 78") + " " + ContactRules.PhoneKey("01 23 45 67 89"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("06", "336")]
    [InlineData("6 1", "3361")]
    [InlineData("+44 20", "4420")]
    [InlineData("0044 20", "4420")]
    public void PhonePrefixKey_IsHowTheKeysOfNumbersStartingSoStart(string value, string expected) =>
        Assert.Equal(expected, ContactRules.PhonePrefixKey(value));

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
