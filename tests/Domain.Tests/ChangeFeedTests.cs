using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class ChangeFeedTests : DatabaseTest
{
    [Fact]
    public async Task EveryCommittedWrite_PublishesOneEvent_InSequence_AndRefusedWritesPublishNothing()
    {
        var events = new List<ChangeEvent>();
        using var subscription = Db.Get<ChangeFeed>().Subscribe(e => { lock (events) { events.Add(e); } });

        var id = await Db.AddAsync(ACustomer().WithEmail("feed@example.com"));
        var opened = await Db.Customers.GetAsync(id);
        var input = opened.ToInput();
        input.City = "Lille";
        await Db.Customers.UpdateAsync(id, input, opened.Version);
        await Db.Customers.UpdateAsync(id, input, opened.Version + 1); // nothing changed: no event
        await Db.Get<ActivityService>().RecordVisitAsync(id, new VisitInput());
        await Db.Get<TagService>().AddToCustomerAsync(id, "VIP"); // a new tag: a new filter option, then the profile's tags
        await Db.Get<NoteService>().AddAsync(id, new StaffActor("s", "S"), "Hello");
        await Assert.ThrowsAsync<DomainException>(() => Db.Get<ActivityService>().RecordOrderAsync(id, new OrderInput { Amount = -1 }));

        Assert.Equal(
            [ChangeKind.CustomerCreated, ChangeKind.CustomerUpdated, ChangeKind.ActivityChanged, ChangeKind.DefinitionsChanged, ChangeKind.TagsChanged, ChangeKind.NotesChanged],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(e.Kind == ChangeKind.DefinitionsChanged ? null : id, e.CustomerId));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task AFailingSubscriber_NeitherFailsTheWrite_NorStopsOthers()
    {
        var feed = Db.Get<ChangeFeed>();
        var seen = 0;
        using var bad = feed.Subscribe(_ => throw new InvalidOperationException("boom"));
        using var good = feed.Subscribe(_ => seen++);

        await Db.AddAsync(ACustomer());

        Assert.Equal(1, seen);
    }

    [Fact]
    public async Task Unsubscribing_StopsDelivery()
    {
        var feed = Db.Get<ChangeFeed>();
        var seen = 0;
        var subscription = feed.Subscribe(_ => seen++);
        await Db.AddAsync(ACustomer());
        subscription.Dispose();
        await Db.AddAsync(ACustomer());

        Assert.Equal(1, seen);
        Assert.Equal(2, feed.LastSequence);
    }
}
