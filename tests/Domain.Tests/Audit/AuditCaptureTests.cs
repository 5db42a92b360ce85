using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Audit;

/// <summary>The interceptor: every save of an audited record writes its line, in the same transaction.</summary>
public sealed class AuditCaptureTests : DatabaseTest
{
    private async Task<List<AuditEntry>> LinesAsync(string actionPrefix)
    {
        await using var db = Db.NewContext();
        return await db.AuditEntries.AsNoTracking().Where(a => a.Action.StartsWith(actionPrefix)).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<StaffActor> OwnerAsync()
    {
        await using var scope = Db.NewScope();
        var owner = await scope.ServiceProvider.GetRequiredService<OwnerSetupService>().CreateOwnerAsync("Ana Owner", "ana@example.com", "long enough password");
        return new StaffActor(owner.Id, owner.DisplayName);
    }

    private static AuditChange Change(AuditEntry line, string field) => Assert.Single(AuditText.FromJson(line.Changes), c => c.Field == field);

    [Fact]
    public async Task ProfileEdit_LogsEachChangedFieldBeforeAndAfter_ByTheActor()
    {
        var ana = await OwnerAsync();
        var id = await Db.Customers.CreateAsync(ACustomer().Named("Zoe", "Roux").WithEmail("zoe@example.com").Build());
        var details = await Db.Customers.GetAsync(id);
        var input = details.ToInput();
        input.Email = "zoe.roux@example.com";
        input.City = "Lyon";

        using (StaffAccess.As(ana))
        {
            await Db.Customers.UpdateAsync(id, input, details.Version);
        }

        var line = Assert.Single(await LinesAsync("profile.updated"));
        Assert.Equal((ana.Id, "Ana Owner"), (line.ActorId, line.ActorName));
        Assert.Equal(("profile", id.ToString(System.Globalization.CultureInfo.InvariantCulture), (int?)id), (line.RecordType, line.RecordId, line.CustomerId));
        Assert.Equal("Updated profile “Zoe Roux”: Email, City", line.Summary);
        Assert.Equal(
            [new AuditChange("Email", "zoe@example.com", "zoe.roux@example.com"), new AuditChange("City", null, "Lyon")],
            AuditText.FromJson(line.Changes)); // derived columns (EmailKey, SearchText, Version, UpdatedAt) are not noise in the log
        Assert.Equal(Db.Clock.GetUtcNow().UtcDateTime, line.At);
    }

    [Fact]
    public async Task ProfileCreated_ByDirectoryItself_LogsTheGeneratedIdAndTheValues()
    {
        var id = await Db.Customers.CreateAsync(ACustomer().Named("Zoe", "Roux").WithEmail("zoe@example.com").WithPhone(null).Build());

        var line = Assert.Single(await LinesAsync("profile.created"));
        Assert.Equal((null, "Directory"), (line.ActorId, line.ActorName));
        Assert.Equal((id.ToString(System.Globalization.CultureInfo.InvariantCulture), (int?)id), (line.RecordId, line.CustomerId));
        Assert.Equal("zoe@example.com", Change(line, "Email").After);
        Assert.Equal((null, "Zoe"), (Change(line, "FirstName").Before, Change(line, "FirstName").After));
        Assert.DoesNotContain(AuditText.FromJson(line.Changes), c => c.Field is "Phone" or "SearchText" or "VisitCount");
    }

    [Fact]
    public async Task ProfileEdit_RefusedAsAConflict_LeavesNoLine()
    {
        var id = await Db.Customers.CreateAsync(ACustomer().Build());
        var details = await Db.Customers.GetAsync(id);
        var first = details.ToInput();
        first.City = "Lyon";
        await Db.Customers.UpdateAsync(id, first, details.Version);
        var stale = details.ToInput();
        stale.City = "Nice";

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Db.Customers.UpdateAsync(id, stale, details.Version));

        var line = Assert.Single(await LinesAsync("profile.updated"));
        Assert.Equal("Lyon", Change(line, "City").After);
    }

    [Fact]
    public async Task ChangeInACallersTransaction_RolledBack_TakesItsLineWithIt()
    {
        await using (var db = Db.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Tags.Add(Tag.Create("Regular", DateTime.UtcNow));
            await db.SaveChangesAsync();
            Assert.Single(await db.AuditEntries.Where(a => a.Action == "tag.created").ToListAsync());
            await transaction.RollbackAsync();
        }

        Assert.Empty(await LinesAsync("tag."));
    }

    [Fact]
    public async Task TagPutOnAProfile_LogsTheTagByName_OnTheProfile()
    {
        var id = await Db.Customers.CreateAsync(ACustomer().Build());

        await Db.Get<TagService>().AddToCustomerAsync(id, "VIP");

        Assert.Equal("tag.created", Assert.Single(await LinesAsync("tag.")).Action);
        var line = Assert.Single(await LinesAsync("profile.tagged"));
        Assert.Equal((int?)id, line.CustomerId);
        Assert.Equal("Put on tag “VIP”", line.Summary);
        Assert.Equal(new AuditChange("Tag", null, "VIP"), Change(line, "Tag"));
    }

    [Fact]
    public async Task NoteEdited_LogsThatItChangedAndItsLength_NeverTheText()
    {
        var ana = await OwnerAsync();
        var id = await Db.Customers.CreateAsync(ACustomer().Build());
        var notes = Db.Get<NoteService>();
        int noteId;
        using (StaffAccess.As(ana))
        {
            noteId = await notes.AddAsync(id, ana, "Allergic to latex");
            await notes.EditAsync(noteId, ana, "Allergic to latex and nuts");
        }

        var lines = await LinesAsync("note.");
        Assert.Equal(["note.added", "note.edited"], lines.Select(l => l.Action));
        Assert.All(lines, l => Assert.Equal((int?)id, l.CustomerId));
        Assert.All(lines, l => Assert.DoesNotContain("latex", l.Changes ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(new AuditChange("Text", "(text not logged; 17 characters)", "(text not logged; 26 characters)"), Change(lines[1], "Text"));
    }

    [Fact]
    public async Task GroupRuleChange_LogsRuleChangedWithTheOldAndNewRule_AndEvaluationsLogNothing()
    {
        var groups = Db.Get<GroupService>();
        var lyon = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon")) };
        var paris = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Paris")) };
        var group = await groups.CreateAsync(new GroupInput("Town", null, GroupKind.Automated, lyon), "Ana");
        await Db.Get<GroupEngine>().WhenIdleAsync();

        await groups.UpdateAsync(group, new GroupInput("Town", null, GroupKind.Automated, paris), (await groups.GetAsync(group)).Version, "Ana");
        await Db.Get<GroupEngine>().WhenIdleAsync();

        var lines = await LinesAsync("group.");
        Assert.Equal(["group.created", "group.rule-changed"], lines.Select(l => l.Action)); // the engine's bookkeeping is not a change
        var rule = Change(lines[1], "RuleJson");
        Assert.Equal((lyon.ToJson(), paris.ToJson()), (rule.Before, rule.After));
        Assert.Equal(("group", group.ToString(System.Globalization.CultureInfo.InvariantCulture)), (lines[1].RecordType, lines[1].RecordId));
        Assert.Equal("Changed the rule of group “Town”", lines[1].Summary);
    }

    [Fact]
    public async Task RolePermissions_ChangedThroughRoleManagerClaims_LogBeforeAndAfter()
    {
        await using var scope = Db.NewScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var role = new IdentityRole("Counter"); // a new role: start-up created the default ones
        await roles.CreateAsync(role);
        await roles.AddClaimAsync(role, new(StaffRoles.PermissionClaim, nameof(Permission.ViewProfiles)));

        await roles.AddClaimAsync(role, new(StaffRoles.PermissionClaim, nameof(Permission.Export)));
        await roles.RemoveClaimAsync(role, new(StaffRoles.PermissionClaim, nameof(Permission.ViewProfiles)));

        var lines = (await LinesAsync("role.")).Where(l => l.RecordId == role.Id).ToList();
        Assert.Equal(["role.created", "role.permissions-changed", "role.permissions-changed", "role.permissions-changed"], lines.Select(l => l.Action));
        Assert.All(lines, l => Assert.Equal(("role", role.Id), (l.RecordType, l.RecordId)));
        Assert.Equal(new AuditChange("Permissions", null, "ViewProfiles"), Change(lines[1], "Permissions"));
        Assert.Equal(new AuditChange("Permissions", "ViewProfiles", "Export, ViewProfiles"), Change(lines[2], "Permissions"));
        Assert.Equal(new AuditChange("Permissions", "Export, ViewProfiles", "Export"), Change(lines[3], "Permissions"));
        Assert.Equal("Changed the permissions of role “Counter”: removed ViewProfiles", lines[3].Summary);
    }

    [Fact]
    public async Task StaffAccount_CreatedWithAPassword_LogsNoSecret_AndTheRoleByName()
    {
        var ana = await OwnerAsync();

        var created = Assert.Single(await LinesAsync("staff.created"));
        Assert.Equal(ana.Id, created.RecordId);
        Assert.Equal(AuditedType.Hidden, Change(created, "PasswordHash").After);
        Assert.DoesNotContain(AuditText.FromJson(created.Changes), c => c.Field is "SecurityStamp" or "ConcurrencyStamp" or "NormalizedEmail");
        var role = Assert.Single(await LinesAsync("staff.role-changed"));
        Assert.Equal(new AuditChange("Role", null, StaffRoles.Owner), Change(role, "Role"));
    }

    [Fact]
    public async Task ValuesWithLineBreaksAndControlCharacters_AreLoggedNeutralised()
    {
        var groups = Db.Get<GroupService>();

        await groups.CreateAsync(new GroupInput("VIPs", "Line one\r\nFAKE 2026-01-01 sign-in.succeeded\u0007\u202E", GroupKind.Manual), "Ana");

        var line = Assert.Single(await LinesAsync("group.created"));
        Assert.Equal("Line one␍␊FAKE 2026-01-01 sign-in.succeeded␇[U+202E]", Change(line, "Description").After);
        Assert.DoesNotContain('\n', line.Changes!);
        Assert.DoesNotContain("\\n", line.Changes!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLines_CannotBeChangedOrDeleted()
    {
        await Db.Customers.CreateAsync(ACustomer().Build());
        await using var db = Db.NewContext();

        await Assert.ThrowsAnyAsync<Exception>(() => db.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(a => a.ActorName, "Nobody")));
        await Assert.ThrowsAnyAsync<Exception>(() => db.AuditEntries.ExecuteDeleteAsync());
        var line = await db.AuditEntries.FirstAsync();
        line.Summary = "Nothing happened";
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Contains("append-only", refused.InnerException?.Message, StringComparison.Ordinal);

        await using var check = Db.NewContext();
        Assert.Equal(line.ActorName, (await check.AuditEntries.SingleAsync(a => a.Id == line.Id)).ActorName);
        Assert.NotEqual("Nothing happened", (await check.AuditEntries.SingleAsync(a => a.Id == line.Id)).Summary);
    }

    [Fact]
    public void EveryEntityType_IsAuditedOrDeliberatelyLeftOut()
    {
        using var db = Db.NewContext();

        var undecided = db.Model.GetEntityTypes()
            .Select(t => t.ClrType)
            .Where(t => !AuditedType.ByClrType.ContainsKey(t) && !AuditedType.Links.Contains(t) && !AuditedType.NotAudited.Contains(t))
            .ToList();

        Assert.Empty(undecided);
    }
}
