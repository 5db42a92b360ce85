using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Transfer.Csv;
using CustomerDirectory.Domain.Transfer.Import;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests.Transfer.Import;

/// <summary>A customer's history from before Directory (visits, orders, donations as totals), imported by explicit choice.</summary>
public sealed partial class ImportServiceTests
{
    private const string HistoryCsv = """
        Name,Email,Visits,Last visit,Orders,Total spent,Last order
        Ada Lovelace,ada@example.com,12,15/11/2026,5,"1 234,50 €",01/10/2026
        Grace Hopper,grace@example.com,2,01/01/2020,,,
        """;

    private static ImportSettings MapHistory(ImportSettings suggested) => suggested with
    {
        DateOrder = DateOrder.DayMonthYear,
        Columns =
        [
            new(0, ImportTarget.FullName), new(1, ImportTarget.Email), new(2, ImportTarget.VisitsBefore), new(3, ImportTarget.LastVisitBefore),
            new(4, ImportTarget.OrdersBefore), new(5, ImportTarget.SpentBefore), new(6, ImportTarget.LastOrderBefore),
        ],
    };

    private DateTime MerchantMidnight(int year, int month, int day) => Db.Get<MerchantOptions>().ToUtc(new DateTime(year, month, day));

    [Fact]
    public async Task History_before_Directory_is_never_suggested_is_counted_in_the_totals_and_the_visit_rules_see_it()
    {
        await Db.Get<GroupService>().EnsurePredefinedAsync();
        var draft = await UploadAsync(HistoryCsv);
        Assert.Equal([ImportTarget.FullName, ImportTarget.Email, ImportTarget.Ignore, ImportTarget.Ignore, ImportTarget.Ignore, ImportTarget.Ignore, ImportTarget.Ignore],
            draft.Suggested.Columns.Select(c => c.Target));

        var (_, run) = await ImportAsync(HistoryCsv, MapHistory);

        Assert.Equal((2, 0), (run.Created, run.Rejected));
        var ada = (await AllAsync()).Single(c => c.LastName == "Lovelace");
        Assert.Equal((12, MerchantMidnight(2026, 11, 15), MerchantMidnight(2026, 11, 15)), (ada.VisitCount, ada.LastVisitAt, ada.FirstVisitAt));
        Assert.Equal((5, 123_450L, MerchantMidnight(2026, 10, 1)), (ada.OrderCount, ada.TotalSpentMinor, ada.LastOrderAt));
        Assert.Equal(new PriorActivity(12, MerchantMidnight(2026, 11, 15), 5, 123_450, MerchantMidnight(2026, 10, 1)), ada.Prior);
        var grace = (await AllAsync()).Single(c => c.LastName == "Hopper");
        Assert.Equal((2, 0, 0L), (grace.VisitCount, grace.OrderCount, grace.TotalSpentMinor));

        // "Regulars" (more than 3 visits, the last within 8 weeks) takes Ada from her history alone.
        var regulars = (await Db.Get<GroupService>().ListAsync()).Single(g => g.Predefined == PredefinedGroup.Regulars).Id;
        await Db.Get<GroupEngine>().WhenIdleAsync();
        await using (var db = Db.NewContext())
        {
            var members = await db.GroupMembers.Where(m => m.GroupId == regulars && m.LeftAt == null).Select(m => m.CustomerId).ToListAsync();
            Assert.Equal([ada.Id], members);
        }

        // A visit in Directory adds to the history; the timeline lists the visit alone, the profile says what came before.
        var activity = Db.Get<ActivityService>();
        await activity.RecordVisitAsync(ada.Id, new VisitInput());
        var profile = await Db.Customers.GetAsync(ada.Id);
        Assert.Equal((13, Db.Clock.GetUtcNow().UtcDateTime, MerchantMidnight(2026, 11, 15)), (profile.Engagement.VisitCount, profile.Engagement.LastVisitAt, profile.Engagement.FirstVisitAt));
        Assert.Equal(12, profile.Engagement.Prior!.Visits);
        var timeline = await activity.GetTimelineAsync(ada.Id, 0, 50);
        Assert.Equal((1, 1), (timeline.Entries.Count, timeline.Total));
        var created = (await Db.Get<Domain.Audit.AuditLog>().ForCustomerAsync(ada.Id)).Rows.Single(r => r.Action == "profile.created");
        Assert.Contains(created.Changes, c => c.Field == nameof(Customers.Customer.PriorSpentMinor) && c.After == "123450");
    }

    [Fact]
    public async Task An_update_replaces_the_history_a_blank_keeps_it_and_undo_puts_it_back_and_recounts()
    {
        var grace = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com"));
        var activity = Db.Get<ActivityService>();
        await activity.RecordVisitAsync(grace, new VisitInput());
        var visitedAt = Db.Clock.GetUtcNow().UtcDateTime;
        Db.Clock.Advance(TimeSpan.FromHours(1));
        ImportSettings Visits(ImportSettings s) => s with
        {
            Duplicates = DuplicatePolicy.Update,
            DateOrder = DateOrder.Iso,
            Columns = [new(0, ImportTarget.Email), new(1, ImportTarget.VisitsBefore), new(2, ImportTarget.LastVisitBefore)],
        };

        var (_, run) = await ImportAsync("Email,Visits,Last visit\ngrace@example.com,10,2025-06-01\n", Visits);

        Assert.Equal(1, run.Updated);
        var after = (await AllAsync()).Single();
        Assert.Equal((11, visitedAt, MerchantMidnight(2025, 6, 1)), (after.VisitCount, after.LastVisitAt, after.FirstVisitAt));

        // The same file with the cells blank: nothing changes (blanks never erase unless asked).
        var (_, blank) = await ImportAsync("Email,Visits,Last visit\ngrace@example.com,,\n", Visits);
        Assert.Equal((0, 1), (blank.Updated, blank.Unchanged));
        Assert.Equal(11, (await AllAsync()).Single().VisitCount);

        var undone = await Imports.UndoAsync(run.Id);

        Assert.Equal(1, undone.Restored);
        var restored = (await AllAsync()).Single();
        Assert.Equal((1, visitedAt, visitedAt, PriorActivity.None), (restored.VisitCount, restored.LastVisitAt, restored.FirstVisitAt, restored.Prior));
    }

    [Fact]
    public async Task A_bad_history_value_rejects_its_row_only_and_says_why()
    {
        const string Csv = """
            Name,Email,Visits,Last visit,Total spent
            Ada Lovelace,ada@example.com,-3,,
            Grace Hopper,grace@example.com,2,2027-01-01,
            Alan Turing,alan@example.com,,,lots
            Linus Torvalds,linus@example.com,,,"200 000 000,00"
            Ken Thompson,ken@example.com,,2024-02-30,
            Dennis Ritchie,dennis@example.com,1,2024-02-28,"12,50 €"
            """;
        ImportSettings Map(ImportSettings s) => s with
        {
            DateOrder = DateOrder.Iso,
            Columns = [new(0, ImportTarget.FullName), new(1, ImportTarget.Email), new(2, ImportTarget.VisitsBefore), new(3, ImportTarget.LastVisitBefore), new(4, ImportTarget.SpentBefore)],
        };

        var (preview, run) = await ImportAsync(Csv, Map);

        Assert.Equal((1, 5), (run.Created, run.Rejected));
        string Why(long line) => preview.Problems.Single(p => p.Line == line).Reason;
        Assert.Contains("a count cannot be below zero", Why(2), StringComparison.Ordinal);
        Assert.Contains("The last visit date is in the future", Why(3), StringComparison.Ordinal);
        Assert.Contains("is not an amount", Why(4), StringComparison.Ordinal);
        Assert.Contains("can be at most 100,000,000", Why(5), StringComparison.Ordinal);
        Assert.StartsWith("Last visit:", Why(6), StringComparison.Ordinal);
        var dennis = (await AllAsync()).Single();
        Assert.Equal((1, 1, 1_250L), (dennis.VisitCount, dennis.OrderCount, dennis.TotalSpentMinor)); // an amount is at least one order
    }

    [Fact]
    public async Task Orders_and_money_from_before_Directory_need_the_financials_permission_and_stay_hidden_without_it()
    {
        var clerk = await Db.StaffWithRoleAsync("Importer without financials", new HashSet<Permission> { Permission.Import, Permission.ViewProfiles });
        var draft = await UploadAsync(HistoryCsv);
        using (StaffAccess.As(clerk))
        {
            var refused = await Assert.ThrowsAsync<ForbiddenException>(() => Imports.PreviewAsync(draft.Id, MapHistory(draft.Suggested)));
            Assert.Contains("financials", refused.Message, StringComparison.OrdinalIgnoreCase);
            var visitsOnly = MapHistory(draft.Suggested) with { Columns = [.. MapHistory(draft.Suggested).Columns.Take(4)] };
            Assert.Equal(2, (await Imports.PreviewAsync(draft.Id, visitsOnly)).ToCreate);
        }

        Assert.Empty(await AllAsync());
        await ImportAsync(HistoryCsv, MapHistory);
        var ada = (await AllAsync()).Single(c => c.LastName == "Lovelace").Id;
        using (StaffAccess.As(clerk))
        {
            var engagement = (await Db.Customers.GetAsync(ada)).Engagement;
            Assert.Equal((12, 0, 0L, (DateTime?)null), (engagement.Prior!.Visits, engagement.Prior.Orders, engagement.Prior.SpentMinor, engagement.Prior.LastOrderAt));
        }
    }
}
