using CustomerDirectory.Domain.Automations;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using Microsoft.EntityFrameworkCore;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Automations;

/// <summary>
/// Group-entry automations end to end against a real receiver on 127.0.0.1: the ledger write fills the outbox, the
/// dispatcher (run here as the delivery job would) signs and sends, and the receiver sees each event once per policy.
/// </summary>
public sealed class AutomationDeliveryTests : IAsyncLifetime
{
    private const string Actor = "Ana (owner)";
    private TestDatabase _db = default!;
    private WebhookReceiver _receiver = default!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _db = await TestDatabase.CreateAsync(new Dictionary<string, string?> { ["Automations:AllowedHosts:0"] = "127.0.0.1" });
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private AutomationService Automations => _db.Get<AutomationService>();

    private GroupService Groups => _db.Get<GroupService>();

    private GroupEngine Engine => _db.Get<GroupEngine>();

    private WebhookDispatcher Dispatcher => _db.Get<WebhookDispatcher>();

    private async Task<int> PersonAsync(string first, string? city = null)
    {
        var input = ACustomer().Named(first, "Test").WithEmail($"{first.ToLowerInvariant()}@example.com").Build();
        input.City = city;
        return await _db.Customers.CreateAsync(input);
    }

    private static FilterDefinition CityIs(params string[] cities) =>
        new() { Root = FilterNode.Any([.. cities.Select(c => FilterNode.Condition(FilterFields.City, FilterOperator.Is, c))]) };

    private Task<int> ManualGroupAsync(string name = "VIPs") => Groups.CreateAsync(new GroupInput(name, null, GroupKind.Manual), Actor);

    private Task<int> AutomationAsync(int groupId, Func<AutomationInput, AutomationInput>? change = null) =>
        Automations.CreateAsync((change ?? (i => i))(new AutomationInput { Name = "Welcome", GroupId = groupId, Url = _receiver.Url, Reentry = ReentryPolicy.Always }));

    /// <summary>Runs the dispatcher once everything queued is written; returns the ids the receiver accepted, once each.</summary>
    private async Task<int[]> DeliverAsync()
    {
        await Engine.WhenIdleAsync();
        await Dispatcher.DeliverDueAsync();
        return [.. _receiver.Accepted.Select(r => r.CustomerId).Order()];
    }

    private async Task<List<AutomationDelivery>> OutboxAsync()
    {
        await using var db = _db.NewContext();
        return await db.AutomationDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
    }

    [Fact]
    public async Task NewEntriesOnly_SendsEachLaterEntryOnce_SignedWithTheSecret()
    {
        var ana = await PersonAsync("Ana");
        var bob = await PersonAsync("Bob");
        var group = await ManualGroupAsync();
        await Groups.AddMembersAsync(group, [ana], Actor);
        var automation = await AutomationAsync(group);

        await Groups.AddMembersAsync(group, [bob], Actor);
        var delivered = await DeliverAsync();
        await DeliverAsync(); // nothing left to send: no second request

        Assert.Equal([bob], delivered);
        var request = Assert.Single(_receiver.Requests);
        var secret = (await Automations.GetAsync(automation)).Secret;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(secret, request.Signature, request.Body, _db.Clock.GetUtcNow()));
        Assert.False(WebhookSignature.Verify(secret, request.Signature, request.Body + " ", _db.Clock.GetUtcNow()), "a changed body fails");
        Assert.False(WebhookSignature.Verify(secret, request.Signature, request.Body, _db.Clock.GetUtcNow().AddMinutes(6)), "a replay after 5 minutes fails");
        var json = request.Json;
        Assert.Equal(request.EventId, json.GetProperty("id").GetString());
        Assert.Equal("group.entered", json.GetProperty("type").GetString());
        Assert.Equal("manual_add", json.GetProperty("cause").GetString());
        Assert.Equal((group, "VIPs"), (json.GetProperty("group").GetProperty("id").GetInt32(), json.GetProperty("group").GetProperty("name").GetString()));
        Assert.Equal(("Bob", "Test", "bob@example.com"), (json.GetProperty("customer").GetProperty("firstName").GetString(),
            json.GetProperty("customer").GetProperty("lastName").GetString(), json.GetProperty("customer").GetProperty("email").GetString()));
        var row = Assert.Single(await OutboxAsync());
        Assert.Equal((DeliveryStatus.Delivered, 1, 200), (row.Status, row.Attempts, row.LastStatusCode));
    }

    [Fact]
    public async Task IncludeCurrentMembers_BackfillsThemOnce_ThenOnlyNewEntries()
    {
        var ana = await PersonAsync("Ana");
        var bob = await PersonAsync("Bob");
        var cleo = await PersonAsync("Cleo");
        var group = await ManualGroupAsync();
        await Groups.AddMembersAsync(group, [ana, bob], Actor);

        await AutomationAsync(group, i => i with { IncludeCurrentMembers = true });
        Assert.Equal([ana, bob], await DeliverAsync());
        Assert.All(_receiver.Requests, r => Assert.Equal("backfill", r.Json.GetProperty("cause").GetString()));

        await Groups.AddMembersAsync(group, [cleo], Actor);
        Assert.Equal([ana, bob, cleo], await DeliverAsync());
        Assert.Equal(3, _receiver.Requests.Count);
    }

    [Fact]
    public async Task Reentry_Never_SendsOncePerPerson_Cooldown_SendsAgainOnlyAfterIt()
    {
        var ana = await PersonAsync("Ana");
        var never = await ManualGroupAsync("Never");
        var cooled = await ManualGroupAsync("Cooled");
        await AutomationAsync(never, i => i with { Reentry = ReentryPolicy.Never });
        await AutomationAsync(cooled, i => i with { Name = "Cooled", Reentry = ReentryPolicy.AfterCooldown, CooldownDays = 30 });

        async Task ReenterAsync(TimeSpan after)
        {
            _db.Clock.Advance(after);
            await Groups.RemoveMembersAsync(never, [ana], Actor);
            await Groups.RemoveMembersAsync(cooled, [ana], Actor);
            await Groups.AddMembersAsync(never, [ana], Actor);
            await Groups.AddMembersAsync(cooled, [ana], Actor);
        }

        await Groups.AddMembersAsync(never, [ana], Actor);
        await Groups.AddMembersAsync(cooled, [ana], Actor);
        await ReenterAsync(TimeSpan.FromDays(10)); // within the cooldown
        await ReenterAsync(TimeSpan.FromDays(25)); // 35 days after the first delivery
        await DeliverAsync();

        var sent = _receiver.Accepted.GroupBy(r => r.Json.GetProperty("group").GetProperty("name").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(1, sent["Never"]);
        Assert.Equal(2, sent["Cooled"]);
    }

    [Fact]
    public async Task RuleEditsAndImports_AreIgnoredByDefault_AndSentWhenTheMerchantAsks()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var bob = await PersonAsync("Bob", "Paris");
        var cleo = await PersonAsync("Cleo");
        var dan = await PersonAsync("Dan");
        var lyon = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon")), Actor);
        var imported = await ManualGroupAsync("Imported");
        await AutomationAsync(lyon);
        var byDefault = await AutomationAsync(imported);
        // The engine first settles the four new profiles: were Bob's creation still queued when the rule changes, his
        // entry would be that profile change's (cause "rule", sent) and not the edit's.
        await Engine.WhenIdleAsync();

        // Bob enters because the rule was edited; Cleo because an import added her.
        var details = await Groups.GetAsync(lyon);
        await Groups.UpdateAsync(lyon, new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon", "Paris")), details.Version, Actor);
        await Engine.ApplyManualAsync(imported, [cleo], add: true, MembershipCause.Import, Actor, default);
        Assert.Empty(await DeliverAsync());
        Assert.Empty(await OutboxAsync());

        // The merchant asks for imports: the next imported person is sent, with the cause.
        var input = (await Automations.GetAsync(byDefault)).ToInput() with { CountImports = true };
        await Automations.UpdateAsync(byDefault, input);
        await Engine.ApplyManualAsync(imported, [dan], add: true, MembershipCause.Import, Actor, default);
        Assert.Equal([dan], await DeliverAsync());
        Assert.Equal("import", Assert.Single(_receiver.Requests).Json.GetProperty("cause").GetString());
        Assert.DoesNotContain(ana, _receiver.Accepted.Select(r => r.CustomerId));
    }

    [Fact]
    public async Task AFailingReceiver_IsRetriedWithBackoff_UntilItRecovers_ThenAfterADayTheDeliveryFails()
    {
        var ana = await PersonAsync("Ana");
        var bob = await PersonAsync("Bob");
        var group = await ManualGroupAsync();
        await AutomationAsync(group);
        _receiver.FailWith = 500;

        await Groups.AddMembersAsync(group, [ana], Actor);
        await DeliverAsync();
        await DeliverAsync(); // not due yet: no second attempt
        var first = Assert.Single(await OutboxAsync());
        Assert.Equal((DeliveryStatus.Pending, 1, 500), (first.Status, first.Attempts, first.LastStatusCode));
        Assert.Equal(_db.Clock.GetUtcNow().UtcDateTime + WebhookDispatcher.Backoff(1), first.NextAttemptAt);

        _db.Clock.Advance(TimeSpan.FromSeconds(10));
        await DeliverAsync();
        Assert.Equal(DateTime.SpecifyKind(_db.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(20), DateTimeKind.Unspecified), (await OutboxAsync())[0].NextAttemptAt);

        _receiver.FailWith = 0;
        _db.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal([ana], await DeliverAsync());
        Assert.Equal(3, _receiver.Requests.Count);
        Assert.Single(_receiver.Requests.Select(r => r.EventId).Distinct()); // retries carry the same event id
        Assert.Single(_receiver.Requests.Select(r => r.Body).Distinct()); // and the same body
        Assert.Equal(3, (await Automations.AttemptsAsync(first.Id)).Count);

        // Bob's receiver never answers 2xx: after a day of retries the delivery is marked failed, and can be resent.
        _receiver.FailWith = 503;
        await Groups.AddMembersAsync(group, [bob], Actor);
        for (var i = 0; i < 40 && (await OutboxAsync())[1].Status == DeliveryStatus.Pending; i++)
        {
            await DeliverAsync();
            _db.Clock.Advance(TimeSpan.FromHours(1));
        }

        var failed = (await OutboxAsync())[1];
        Assert.Equal(DeliveryStatus.Failed, failed.Status);
        Assert.InRange(failed.Attempts, 10, 40);
        _receiver.FailWith = 0;
        await Automations.ResendAsync(failed.Id);
        Assert.Equal([ana, bob], await DeliverAsync());
        Assert.Equal(DeliveryStatus.Delivered, (await OutboxAsync())[1].Status);
    }

    [Fact]
    public async Task StormGuard_HoldsAMassEntry_UntilSomeoneSendsIt_OrDiscardsIt()
    {
        var people = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            people.Add(await PersonAsync($"P{i}"));
        }

        var group = await ManualGroupAsync();
        var automation = await AutomationAsync(group, i => i with { HoldThreshold = 3 });

        await Groups.AddMembersAsync(group, people.Take(2).ToArray(), Actor); // under the threshold: sent
        await Groups.AddMembersAsync(group, people.Skip(2).ToArray(), Actor); // 4 at once: held
        Assert.Equal(people.Take(2), await DeliverAsync());
        var held = Assert.Single(await Automations.HeldAsync(automation));
        Assert.Equal((4, "ManualAdd"), (held.Count, held.Cause));

        Assert.Equal(4, await Automations.ReleaseHeldAsync(automation, held.Batch));
        Assert.Equal(people, await DeliverAsync());
        Assert.Empty(await Automations.HeldAsync(automation));
        await Assert.ThrowsAsync<DomainException>(() => Automations.ReleaseHeldAsync(automation, held.Batch));

        // A second storm, discarded: never sent.
        await Groups.RemoveMembersAsync(group, people.ToArray(), Actor);
        await Automations.UpdateAsync(automation, (await Automations.GetAsync(automation)).ToInput() with { Trigger = AutomationTrigger.Left });
        await Engine.WhenIdleAsync();
        Assert.Empty(await Automations.HeldAsync(automation)); // the exits happened before it watched them
        await Groups.AddMembersAsync(group, people.ToArray(), Actor);
        await Groups.RemoveMembersAsync(group, people.ToArray(), Actor);
        var storm = Assert.Single(await Automations.HeldAsync(automation));
        Assert.Equal(6, await Automations.DiscardHeldAsync(automation, storm.Batch));
        await DeliverAsync();
        Assert.Equal(6, _receiver.Requests.Count);

        await using var db = _db.NewContext();
        var lines = await db.AuditEntries.Where(a => a.RecordType == "automation").Select(a => a.Action).ToListAsync();
        Assert.Contains("automation.created", lines);
        Assert.Contains("automation.held-sent", lines);
        Assert.Contains("automation.held-discarded", lines);
    }

    [Fact]
    public async Task TheOutboxRow_IsWrittenInTheLedgersTransaction_ARolledBackWriteLeavesNeither()
    {
        var ana = await PersonAsync("Ana");
        var bob = await PersonAsync("Bob");
        var group = await ManualGroupAsync();
        await AutomationAsync(group);
        await using (var db = _db.NewContext())
        {
            // Test-only: the outbox insert for Bob fails, after Ana's ledger row and outbox row were written.
            var trigger = $"CREATE TRIGGER fail_bob AFTER INSERT ON AutomationDeliveries WHEN NEW.CustomerId = {bob} BEGIN SELECT RAISE(ABORT, 'no'); END";
            await db.Database.ExecuteSqlRawAsync(trigger);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => Groups.AddMembersAsync(group, [ana, bob], Actor));

        Assert.Empty(await OutboxAsync());
        await using (var db = _db.NewContext())
        {
            Assert.False(await db.GroupMembers.AnyAsync(m => m.GroupId == group));
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER fail_bob");
        }

        await Groups.AddMembersAsync(group, [ana, bob], Actor);
        Assert.Equal([ana, bob], await DeliverAsync());
    }

    [Fact]
    public async Task DeletingAWatchedGroup_IsRefused_NamingTheAutomation_UntilTheAutomationIsDeleted()
    {
        var group = await ManualGroupAsync();
        var automation = await AutomationAsync(group);

        var refused = await Assert.ThrowsAsync<DomainException>(() => Groups.DeleteAsync(group));

        Assert.Equal("“VIPs” is watched by the automation “Welcome”. Delete it first (Marketing → Automations).", refused.Message);
        Assert.Single(await Automations.ListAsync());
        await Automations.DeleteAsync(automation);
        await Groups.DeleteAsync(group);
        await Assert.ThrowsAsync<NotFoundException>(() => Groups.GetAsync(group));
    }

    [Fact]
    public async Task ALeftEvent_IsSentAsGroupLeft_WithItsCause()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var lyon = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon")), Actor);
        await AutomationAsync(lyon, i => i with { Trigger = AutomationTrigger.Left });
        var details = await _db.Customers.GetAsync(ana);
        var input = details.ToInput();
        input.City = "Nice";
        await _db.Customers.UpdateAsync(ana, input, details.Version);

        Assert.Equal([ana], await DeliverAsync());
        var json = Assert.Single(_receiver.Requests).Json;
        Assert.Equal(("group.left", "rule"), (json.GetProperty("type").GetString(), json.GetProperty("cause").GetString()));
    }
}
