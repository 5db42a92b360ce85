using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Staff;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class ProfileDetailsTests : DatabaseTest
{
    private static readonly StaffActor Clerk = new("staff-1", "Claire Clerk");

    [Fact]
    public async Task AddressAndBirthday_AreSavedTrimmed_AndTheSourceIsAddedByHand()
    {
        var input = ACustomer().Build();
        input.AddressLine = "  12 rue des Lilas ";
        input.PostalCode = "75011";
        input.City = "Paris";
        input.Country = "France";
        input.Birthday = new DateOnly(1990, 2, 28);

        var saved = await Db.Customers.GetAsync(await Db.Customers.CreateAsync(input));

        Assert.Equal(("12 rue des Lilas", "75011", "Paris", "France", new DateOnly(1990, 2, 28)), (saved.AddressLine, saved.PostalCode, saved.City, saved.Country, saved.Birthday!.Value));
        Assert.Equal(CustomerSource.AddedByHand, saved.Source);
        Assert.False(saved.HasAccount);
    }

    [Theory]
    [InlineData(nameof(CustomerInput.AddressLine), 201, "Address can be at most 200 characters.")]
    [InlineData(nameof(CustomerInput.PostalCode), 21, "Postal code can be at most 20 characters.")]
    [InlineData(nameof(CustomerInput.City), 101, "City can be at most 100 characters.")]
    public async Task OversizedText_IsRefusedWithItsLimit(string field, int length, string message)
    {
        var input = ACustomer().Build();
        typeof(CustomerInput).GetProperty(field)!.SetValue(input, new string('a', length));

        var e = await Assert.ThrowsAsync<DomainException>(() => Db.Customers.CreateAsync(input));

        Assert.Equal((field, message), (e.Field, e.Message));
    }

    [Fact]
    public async Task Birthday_InTheFutureOrBefore1900_IsRefused()
    {
        var future = ACustomer().Build();
        future.Birthday = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3));
        var ancient = ACustomer().Build();
        ancient.Birthday = new DateOnly(1850, 1, 1);

        Assert.Equal("The birthday cannot be in the future.", (await Assert.ThrowsAsync<DomainException>(() => Db.Customers.CreateAsync(future))).Message);
        Assert.Equal("Enter a birthday after 1900.", (await Assert.ThrowsAsync<DomainException>(() => Db.Customers.CreateAsync(ancient))).Message);
    }

    [Theory]
    [InlineData("<b>Zoé</b> <script>alert('x')</script>")]
    [InlineData("Ève 🌸")]
    [InlineData("محمد")]
    public async Task AnyScriptEmojiOrMarkup_IsStoredVerbatim(string name)
    {
        var id = await Db.AddAsync(ACustomer().Named(name, "Test"));

        Assert.Equal(name, (await Db.Customers.GetAsync(id)).FirstName);
        Assert.Single((await Db.Customers.SearchAsync(new CustomerSearch(name))).Rows);
    }

    [Fact]
    public async Task Consent_RecordsWhenHowAndWho_AndAcceptsMarketingIsDerived()
    {
        var id = await Db.AddAsync(ACustomer().WithEmail("sub@example.com"));
        var consent = Db.Get<ConsentService>();

        var subscribed = await consent.SetByStaffAsync(id, ConsentChannel.Email, ConsentStatus.Subscribed, Clerk);
        Db.Clock.Advance(TimeSpan.FromDays(2));
        var again = await consent.SetByStaffAsync(id, ConsentChannel.Email, ConsentStatus.Subscribed, Clerk);

        Assert.Equal((ConsentStatus.Subscribed, ConsentOrigin.AddedByHand, "Claire Clerk"), (subscribed.Status, subscribed.Origin, subscribed.ChangedBy));
        Assert.Equal(subscribed.SubscribedAt, again.SubscribedAt); // subscribing twice keeps the first date
        await using var context = Db.NewContext();
        Assert.True(context.Customers.Single(c => c.Id == id).AcceptsMarketingEmail);

        var left = await consent.SetByStaffAsync(id, ConsentChannel.Email, ConsentStatus.Unsubscribed, Clerk);
        Assert.Null(left.SubscribedAt);
        Assert.False(Db.NewContext().Customers.Single(c => c.Id == id).AcceptsMarketingEmail);
    }

    [Fact]
    public async Task Consent_ToAChannelWithNoAddress_IsRefused()
    {
        var id = await Db.AddAsync(ACustomer().WithEmail(null).WithPhone(null));
        var consent = Db.Get<ConsentService>();

        var email = await Assert.ThrowsAsync<DomainException>(() => consent.SetByStaffAsync(id, ConsentChannel.Email, ConsentStatus.Subscribed, Clerk));
        var sms = await Assert.ThrowsAsync<DomainException>(() => consent.SetByStaffAsync(id, ConsentChannel.Sms, ConsentStatus.Subscribed, Clerk));

        Assert.Equal("Add an email address before subscribing this person to email.", email.Message);
        Assert.Equal("Add a phone number before subscribing this person to SMS.", sms.Message);
        Assert.Equal(ConsentStatus.NeverAsked, (await consent.GetAsync(id)).Email.Status);
    }

    [Fact]
    public async Task EditingTheProfile_KeepsConsentAndActivity()
    {
        var id = await Db.AddAsync(ACustomer().WithEmail("keep@example.com"));
        await Db.Get<ConsentService>().SetByStaffAsync(id, ConsentChannel.Email, ConsentStatus.Subscribed, Clerk);
        var opened = await Db.Customers.GetAsync(id);
        var input = opened.ToInput();
        input.City = "Lyon";

        await Db.Customers.UpdateAsync(id, input, opened.Version);

        Assert.Equal(ConsentStatus.Subscribed, (await Db.Get<ConsentService>().GetAsync(id)).Email.Status);
        Assert.Equal("Lyon", (await Db.Customers.GetAsync(id)).City);
    }

    [Fact]
    public async Task Directory_SortsBySubscribedDate_NewestFirst_ThenTheUnsubscribed()
    {
        var consent = Db.Get<ConsentService>();
        var early = await Db.AddAsync(ACustomer());
        var late = await Db.AddAsync(ACustomer());
        var never = await Db.AddAsync(ACustomer());
        await consent.SetByStaffAsync(early, ConsentChannel.Email, ConsentStatus.Subscribed, Clerk);
        Db.Clock.Advance(TimeSpan.FromDays(1));
        await consent.SetByStaffAsync(late, ConsentChannel.Email, ConsentStatus.Subscribed, Clerk);

        var page = await Db.Customers.SearchAsync(new CustomerSearch(Sort: CustomerSort.SubscribedAt, Descending: true));

        Assert.Equal([late, early, never], page.Rows.Select(r => r.Id));
        Assert.Null(page.Rows[2].EmailSubscribedAt);
    }
}
