using CustomerDirectory.Domain.Automations;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Tests.Automations;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.App.Tests.Jobs;

/// <summary>The delivery job on the real Quartz scheduler: nudged after a commit, and picking up what a stopped host left in flight.</summary>
public sealed class WebhookDeliveryJobTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();
    private WebhookReceiver _receiver = default!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    private Task<JobsHost> HostAsync(int pollSeconds) => JobsHost.StartAsync(_folder.Path, new Dictionary<string, string?>
    {
        ["Automations:AllowedHosts:0"] = "127.0.0.1",
        ["Automations:PollSeconds"] = pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Automations:TimeoutSeconds"] = "3",
    });

    private async Task<(int Group, int Person)> SetUpAsync(JobsHost host)
    {
        var group = await host.Get<GroupService>().CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "Ana");
        await host.Get<AutomationService>().CreateAsync(new AutomationInput { Name = "Welcome", GroupId = group, Url = _receiver.Url });
        var person = await host.Get<CustomerService>().CreateAsync(new CustomerInput { FirstName = "Ana", LastName = "Lopez", Email = "ana@example.com" });
        return (group, person);
    }

    private static async Task<AutomationDelivery> OnlyDeliveryAsync(JobsHost host)
    {
        await using var db = host.Get<IDbContextFactory<DirectoryDbContext>>().CreateDbContext();
        return await db.AutomationDeliveries.AsNoTracking().SingleAsync();
    }

    private static async Task EventuallyAsync(Func<bool> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task AnEntry_IsDeliveredRightAfterItsCommit_NotAtTheNextPoll()
    {
        await using var host = await HostAsync(pollSeconds: 3600);
        var (group, person) = await SetUpAsync(host);
        await Task.Delay(500); // the start-up run of the job has come and gone

        await host.Get<GroupService>().AddMembersAsync(group, [person], "Ana");

        await EventuallyAsync(() => _receiver.Accepted.Count == 1, TimeSpan.FromSeconds(10), "the receiver got the entry");
        Assert.Equal(person, _receiver.Accepted[0].CustomerId);
        await EventuallyAsync(() => OnlyDeliveryAsync(host).Result.Status == DeliveryStatus.Delivered, TimeSpan.FromSeconds(5), "the delivery is marked delivered");
    }

    [Fact]
    public async Task ADeliveryInFlight_WhenTheHostStops_IsSentAgainByTheNextHost_WithTheSameEventId()
    {
        var inFlight = new TaskCompletionSource();
        _receiver.Hold = inFlight;
        string eventId;
        await using (var first = await HostAsync(pollSeconds: 1))
        {
            var (group, person) = await SetUpAsync(first);
            await first.Get<GroupService>().AddMembersAsync(group, [person], "Ana");
            await EventuallyAsync(() => !_receiver.Requests.IsEmpty, TimeSpan.FromSeconds(10), "the delivery reached the receiver");
            eventId = _receiver.Requests.Single().EventId;
        } // stopped while the receiver has not answered

        Assert.Empty(_receiver.Accepted);
        _receiver.Hold = null;
        inFlight.SetResult();

        await using var second = await HostAsync(pollSeconds: 1);
        await EventuallyAsync(() => _receiver.Accepted.Count == 1, TimeSpan.FromSeconds(20), "the new host sent the delivery");
        await EventuallyAsync(() => OnlyDeliveryAsync(second).Result.Status == DeliveryStatus.Delivered, TimeSpan.FromSeconds(5), "the delivery is marked delivered");
        Assert.Equal(eventId, _receiver.Accepted[0].EventId);
        Assert.All(_receiver.Requests, r => Assert.Equal(eventId, r.EventId)); // at least once, one event
    }
}
