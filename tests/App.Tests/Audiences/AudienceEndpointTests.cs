using System.Net;
using CustomerDirectory.App.Tests.Integration;
using CustomerDirectory.Domain.Audiences;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Integration.DirectoryAppFactory;

namespace CustomerDirectory.App.Tests.Audiences;

/// <summary>The snapshot download through the whole app: the owner gets the file; without contact details, a clear refusal.</summary>
public sealed class AudienceEndpointTests : IDisposable
{
    private const string Password = "a long enough password";
    private readonly DirectoryAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Snapshot_csv_streams_for_the_owner_and_is_refused_in_words_without_contact_details()
    {
        using var owner = _app.NewClient();
        await SetUpOwnerAsync(owner);
        int snapshot;
        using (StaffAccess.AsSystem())
        {
            var customers = _app.Services.GetRequiredService<CustomerService>();
            var ines = await customers.CreateAsync(new CustomerInput { FirstName = "Inès", LastName = "Moreau", Email = "ines@example.com" });
            await _app.Services.GetRequiredService<ConsentService>().SetByStaffAsync(ines, ConsentChannel.Email, ConsentStatus.Subscribed, StaffActor.System);
            var groups = _app.Services.GetRequiredService<GroupService>();
            var group = await groups.CreateAsync(new GroupInput("Picked", null, GroupKind.Manual), "test");
            await groups.AddMembersAsync(group, [ines], "test");
            var audiences = _app.Services.GetRequiredService<AudienceService>();
            var audience = await audiences.SaveAsync(null, new AudienceInput("Picked by email", new AudienceRule { Include = [group] }));
            snapshot = (await audiences.FreezeAsync(audience)).Id;
            var role = await _app.Services.GetRequiredService<StaffRoleService>().CreateAsync("Marketer, no contacts",
                [Permission.ViewProfiles, Permission.BuildAudiences, Permission.Export]);
            await _app.Services.GetRequiredService<StaffService>().CreateAsync(new StaffInput("Max", "max@example.com", role, Password));
        }

        var file = await owner.GetAsync($"/export/audience-snapshots/{snapshot}.csv");

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/csv", file.Content.Headers.ContentType?.MediaType);
        var text = (await file.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.StartsWith("customer_id,first_name,last_name,email,may_contact,reason\r\n", text, StringComparison.Ordinal);
        Assert.Contains(",Inès,Moreau,ines@example.com,yes,", text, StringComparison.Ordinal);

        using var max = _app.NewClient();
        await SignInAsync(max, "max@example.com", Password);
        var refused = await max.GetAsync($"/export/audience-snapshots/{snapshot}.csv");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("View contact details", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(refused.Content.Headers.ContentDisposition);
    }
}
