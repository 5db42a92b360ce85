using Bunit;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.App.Tests.Components;

public sealed class CustomerFormTests : ComponentTestContext
{
    [Fact]
    public void Submit_WithRequiredFieldsEmpty_ShowsTheMessages_AndDoesNotSave()
    {
        var saves = 0;
        var cut = Render<CustomerForm>(ps => ps
            .Add(p => p.Model, new CustomerInput())
            .Add(p => p.OnSave, () => saves++));

        cut.Find("form").Submit();

        var messages = cut.FindAll(".validation-message").Select(m => m.TextContent).ToList();
        Assert.Equal(["First name is required.", "Last name is required."], messages);
        Assert.Equal(0, saves);
    }

    [Fact]
    public void LeavingAField_WithABadEmailOrPhone_ShowsItsMessageAtOnce()
    {
        var cut = Render<CustomerForm>(ps => ps
            .Add(p => p.Model, new CustomerInput())
            .Add(p => p.OnSave, () => { }));

        cut.Find("input[name=Email]").Change("camille@");
        cut.Find("input[name=Phone]").Change("call me");

        var messages = cut.FindAll(".validation-message").Select(m => m.TextContent).ToList();
        Assert.Equal(
            ["Enter an email address like name@example.com.", "A phone number may contain digits, spaces, dashes, dots, brackets and a leading +."],
            messages);
    }

    [Fact]
    public void Submit_WhenValid_Saves()
    {
        var saves = 0;
        var model = new CustomerInput();
        var cut = Render<CustomerForm>(ps => ps
            .Add(p => p.Model, model)
            .Add(p => p.OnSave, () => saves++));

        cut.Find("input[name=FirstName]").Change("Camille");
        cut.Find("input[name=LastName]").Change("Roux");
        cut.Find("form").Submit();

        Assert.Equal(1, saves);
        Assert.Empty(cut.FindAll(".validation-message"));
        Assert.Equal(("Camille", "Roux"), (model.FirstName, model.LastName));
    }

    [Fact]
    public async Task NewCustomer_WithAnEmailInUse_ExplainsAndLinksToTheExistingProfile()
    {
        var existing = await AddCustomerAsync("Léa", "Bernard", "lea@example.com");
        var cut = Render<CustomerProfile>();

        cut.Find("input[name=FirstName]").Change("Other");
        cut.Find("input[name=LastName]").Change("Person");
        cut.Find("input[name=Email]").Change("LEA@example.com");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() =>
        {
            var alert = cut.Find("[data-testid=duplicate-email]");
            Assert.Contains("This email address already belongs to Léa Bernard.", alert.TextContent);
            Assert.Equal($"customers/{existing}", alert.QuerySelector("a")!.GetAttribute("href"));
        });
        Assert.Equal(1, (await Customers.SearchAsync(new CustomerSearch())).Total);
    }
}
