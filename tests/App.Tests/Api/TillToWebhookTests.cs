using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CustomerDirectory.App.Tests.Integration;
using CustomerDirectory.Domain.ApiKeys;
using CustomerDirectory.Domain.Automations;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tests.Automations;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Api.ApiTests;

namespace CustomerDirectory.App.Tests.Api;

/// <summary>
/// The whole chain of issue #10 in one app: a till records visits through the API, the group engine moves the customer
/// into Regulars, and the automation on Regulars delivers one signed webhook to a receiver on 127.0.0.1.
/// </summary>
public sealed class TillToWebhookTests : IAsyncLifetime, IDisposable
{
    private readonly DirectoryAppFactory _app = new(new Dictionary<string, string> { ["Automations:AllowedHosts:0"] = "127.0.0.1" });
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task VisitsFromTheTill_MoveTheCustomerIntoRegulars_AndFireTheSignedWebhookOnce()
    {
        var groups = _app.Services.GetRequiredService<GroupService>();
        int regulars;
        int automation;
        string key;
        using (StaffAccess.AsSystem())
        {
            regulars = await WaitForAsync(async () => (await groups.ListAsync()).FirstOrDefault(g => g.Predefined == PredefinedGroup.Regulars)?.Id);
            await groups.SetBusinessTypeAsync(BusinessType.Retail, resetRules: true, "Olivia"); // more than 3 visits, the last within 8 weeks
            await WaitForAsync(async () => (await groups.ListAsync()).Single(g => g.Id == regulars) is { Status: GroupStatus.UpToDate, LastEvaluatedAt: not null } ? 1 : (int?)null);
            automation = await _app.Services.GetRequiredService<AutomationService>().CreateAsync(new AutomationInput
            {
                Name = "Welcome to the regulars",
                GroupId = regulars,
                Trigger = AutomationTrigger.Entered,
                Url = _receiver.Url,
            });
            key = (await _app.Services.GetRequiredService<ApiKeyService>().CreateAsync(new ApiKeyInput { Name = "Shop till", Scopes = ApiScopes.All })).Secret;
        }

        using var till = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        till.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var created = await till.PutAsync("/api/v1/profiles", Json("""{"firstName":"Inès","lastName":"Moreau","email":"ines@example.com"}"""));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        for (var i = 0; i < 4; i++)
        {
            var at = DateTimeOffset.UtcNow.AddDays(-i).ToString("O", CultureInfo.InvariantCulture);
            var visit = await till.PostAsync($"/api/v1/profiles/{id}/visits", Json($$"""{"at":"{{at}}","location":"Shop"}"""));
            Assert.Equal(HttpStatusCode.Created, visit.StatusCode);
        }

        // Only the fourth visit makes a regular: exactly one delivery, for this customer, signed with the automation's secret.
        await WaitForAsync(() => Task.FromResult(_receiver.Accepted.Count > 0 ? 1 : (int?)null));
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a wrong second delivery to show up
        var delivery = Assert.Single(_receiver.Accepted);
        Assert.Equal(id, delivery.CustomerId);
        Assert.Equal("group.entered", delivery.Json.GetProperty("type").GetString());
        Assert.Equal(regulars, delivery.Json.GetProperty("group").GetProperty("id").GetInt32());
        string secret;
        using (StaffAccess.AsSystem())
        {
            secret = (await _app.Services.GetRequiredService<AutomationService>().GetAsync(automation)).Secret;
        }

        Assert.True(WebhookSignature.Verify(secret, delivery.Signature, delivery.Body, DateTimeOffset.UtcNow));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
