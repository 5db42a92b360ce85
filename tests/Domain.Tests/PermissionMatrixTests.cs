using System.Reflection;
using System.Security.Claims;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Domain.Tests;

/// <summary>
/// Every operation of every Domain service, called directly, as every default role and as a role with no permissions:
/// allowed exactly when the role holds the permission this table gives the operation, refused otherwise. A new public
/// operation that is not in the table fails the test until someone decides which permission it needs.
/// </summary>
public sealed class PermissionMatrixTests : DatabaseTest
{
    private const Permission Groups = (Permission)(-1); // either group permission (the kind decides, once known)

    /// <summary>The permission each operation needs: the specification the services are held to.</summary>
    private static readonly Dictionary<string, Permission> Required = new()
    {
        ["ActivityService.RecordVisitAsync"] = Permission.RecordActivity,
        ["ActivityService.RecordOrderAsync"] = Permission.RecordActivity,
        ["ActivityService.RecordDonationAsync"] = Permission.RecordActivity,
        ["ActivityService.DeleteVisitAsync"] = Permission.RecordActivity,
        ["ActivityService.DeleteOrderAsync"] = Permission.RecordActivity,
        ["ActivityService.DeleteDonationAsync"] = Permission.RecordActivity,
        ["ActivityService.AddMembershipAsync"] = Permission.RecordActivity,
        ["ActivityService.SetMembershipStatusAsync"] = Permission.RecordActivity,
        ["ActivityService.DeleteMembershipAsync"] = Permission.RecordActivity,
        ["ActivityService.GetTimelineAsync"] = Permission.ViewProfiles,
        ["ActivityService.MembershipsAsync"] = Permission.ViewProfiles,
        ["LoyaltyService.GetAsync"] = Permission.ViewProfiles,
        ["LoyaltyService.EnrollAsync"] = Permission.RecordActivity,
        ["LoyaltyService.LeaveAsync"] = Permission.RecordActivity,
        ["LoyaltyService.AdjustPointsAsync"] = Permission.RecordActivity,
        ["ConsentService.GetAsync"] = Permission.ViewProfiles,
        ["ConsentService.SetByStaffAsync"] = Permission.EditProfiles,
        ["CustomFieldService.ListAsync"] = Permission.ViewProfiles,
        ["CustomFieldService.ValuesAsync"] = Permission.ViewProfiles,
        ["CustomFieldService.SetValueAsync"] = Permission.EditProfiles,
        ["CustomFieldService.CreateAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.RenameAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.SetVisibilityAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.MoveAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.ChangeTypeAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.AddOptionAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.RenameOptionAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.DeleteOptionAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.CountHoldersAsync"] = Permission.ManageCustomFields,
        ["CustomFieldService.DeleteAsync"] = Permission.ManageCustomFields,
        ["CustomerService.SearchAsync"] = Permission.ViewProfiles,
        ["CustomerService.RefreshAsync"] = Permission.ViewProfiles,
        ["CustomerService.GetAsync"] = Permission.ViewProfiles,
        ["CustomerService.CreateAsync"] = Permission.CreateProfiles,
        ["CustomerService.UpdateAsync"] = Permission.EditProfiles,
        ["CustomerService.DeleteAsync"] = Permission.DeleteProfiles,
        ["MailingListService.ListAsync"] = Permission.ViewProfiles,
        ["MailingListService.ForCustomerAsync"] = Permission.ViewProfiles,
        ["MailingListService.SubscribeAsync"] = Permission.EditProfiles,
        ["MailingListService.UnsubscribeAsync"] = Permission.EditProfiles,
        ["MailingListService.CreateAsync"] = Permission.ManageTags,
        ["MailingListService.RenameAsync"] = Permission.ManageTags,
        ["MailingListService.DeleteAsync"] = Permission.ManageTags,
        ["NoteService.ForCustomerAsync"] = Permission.ViewNotes,
        ["NoteService.AddAsync"] = Permission.WriteNotes,
        ["NoteService.EditAsync"] = Permission.WriteNotes,
        ["NoteService.DeleteAsync"] = Permission.WriteNotes,
        ["TagService.ListAsync"] = Permission.ViewProfiles,
        ["TagService.SuggestAsync"] = Permission.ViewProfiles,
        ["TagService.ForCustomerAsync"] = Permission.ViewProfiles,
        ["TagService.AddToCustomerAsync"] = Permission.TagProfiles,
        ["TagService.RemoveFromCustomerAsync"] = Permission.TagProfiles,
        ["TagService.RenameAsync"] = Permission.ManageTags,
        ["TagService.DeleteAsync"] = Permission.ManageTags,
        ["SavedViewService.ListAsync"] = Permission.ViewProfiles,
        ["SavedViewService.GetAsync"] = Permission.ViewProfiles,
        ["SavedViewService.SaveAsync"] = Permission.ViewProfiles,
        ["SavedViewService.RenameAsync"] = Permission.ViewProfiles,
        ["SavedViewService.DeleteAsync"] = Permission.ViewProfiles,
        ["GroupService.ListAsync"] = Permission.ViewProfiles,
        ["GroupService.ManualGroupsAsync"] = Permission.ViewProfiles,
        ["GroupService.GetAsync"] = Permission.ViewProfiles,
        ["GroupService.PreviewAsync"] = Permission.ViewProfiles,
        ["GroupService.MembersAsync"] = Permission.ViewProfiles,
        ["GroupService.StatsAsync"] = Permission.ViewProfiles,
        ["GroupService.HistoryAsync"] = Permission.ViewProfiles,
        ["GroupService.GroupsOfAsync"] = Permission.ViewProfiles,
        ["GroupService.OverridesAsync"] = Permission.ViewProfiles,
        ["GroupService.ExplainAsync"] = Permission.ViewProfiles,
        ["GroupService.GetBusinessTypeAsync"] = Permission.ViewProfiles,
        ["GroupService.CreateAsync"] = Permission.ManageManualGroups, // called with no input: a manual group
        ["GroupService.UpdateAsync"] = Groups,
        ["GroupService.DeleteAsync"] = Groups,
        ["GroupService.DuplicateAsync"] = Groups,
        ["GroupService.SetPausedAsync"] = Permission.ManageAutomatedGroups,
        ["GroupService.UpdateNowAsync"] = Permission.ManageAutomatedGroups,
        ["GroupService.SetOverrideAsync"] = Permission.ManageAutomatedGroups,
        ["GroupService.AddMembersAsync"] = Permission.ManageManualGroups,
        ["GroupService.AddFilterResultAsync"] = Permission.ManageManualGroups,
        ["GroupService.RemoveMembersAsync"] = Permission.ManageManualGroups,
        ["GroupService.SetBusinessTypeAsync"] = Permission.ManageSettings,
        ["GroupService.EnsurePredefinedAsync"] = Permission.ManageSettings,
        ["ExportService.ColumnsAsync"] = Permission.Export,
        ["ExportService.CountAsync"] = Permission.Export,
        ["ExportService.WriteCsvAsync"] = Permission.Export,
        ["AuditLog.SearchAsync"] = Permission.ViewAuditLog,
        ["AuditLog.ForCustomerAsync"] = Permission.ViewAuditLog,
        ["AuditLog.ActorsAsync"] = Permission.ViewAuditLog,
        ["StaffService.ListAsync"] = Permission.ManageStaff,
        ["StaffService.CreateAsync"] = Permission.ManageStaff,
        ["StaffService.RenameAsync"] = Permission.ManageStaff,
        ["StaffService.ChangeRoleAsync"] = Permission.ManageStaff,
        ["StaffService.DeactivateAsync"] = Permission.ManageStaff,
        ["StaffService.ReactivateAsync"] = Permission.ManageStaff,
        ["StaffService.ResetPasswordAsync"] = Permission.ManageStaff,
        ["StaffRoleService.ListAsync"] = Permission.ManageStaff,
        ["StaffRoleService.CreateAsync"] = Permission.ManageStaff,
        ["StaffRoleService.RenameAsync"] = Permission.ManageStaff,
        ["StaffRoleService.SetPermissionsAsync"] = Permission.ManageStaff,
        ["StaffRoleService.SetPermissionAsync"] = Permission.ManageStaff,
        ["StaffRoleService.DeleteAsync"] = Permission.ManageStaff,
        ["ImportService.UploadAsync"] = Permission.Import,
        ["ImportService.DraftAsync"] = Permission.Import,
        ["ImportService.PreviewAsync"] = Permission.Import,
        ["ImportService.StartAsync"] = Permission.Import,
        ["ImportService.RunAsync"] = Permission.Import,
        ["ImportService.CancelAsync"] = Permission.Import,
        ["ImportService.DiscardAsync"] = Permission.Import,
        ["ImportService.ListAsync"] = Permission.Import,
        ["ImportService.GetAsync"] = Permission.Import,
        ["ImportService.WriteReportAsync"] = Permission.Import,
        ["ImportService.UndoAsync"] = Permission.Import,
        ["AudienceService.ListAsync"] = Permission.BuildAudiences,
        ["AudienceService.GetAsync"] = Permission.BuildAudiences,
        ["AudienceService.GroupsAsync"] = Permission.BuildAudiences,
        ["AudienceService.SaveAsync"] = Permission.BuildAudiences,
        ["AudienceService.DeleteAsync"] = Permission.BuildAudiences,
        ["AudienceService.CountAsync"] = Permission.BuildAudiences,
        ["AudienceService.FreezeAsync"] = Permission.BuildAudiences,
        ["AudienceService.SnapshotsAsync"] = Permission.BuildAudiences,
        ["AudienceService.SnapshotMembersAsync"] = Permission.BuildAudiences, // and View contact details (the addresses)
        ["AudienceService.WriteSnapshotCsvAsync"] = Permission.BuildAudiences, // and Export, and View contact details
        ["AutomationService.ListAsync"] = Permission.ManageAutomations,
        ["AutomationService.GetAsync"] = Permission.ManageAutomations,
        ["AutomationService.CreateAsync"] = Permission.ManageAutomations,
        ["AutomationService.UpdateAsync"] = Permission.ManageAutomations,
        ["AutomationService.DeleteAsync"] = Permission.ManageAutomations,
        ["AutomationService.RotateSecretAsync"] = Permission.ManageAutomations,
        ["AutomationService.HeldAsync"] = Permission.ManageAutomations,
        ["AutomationService.ReleaseHeldAsync"] = Permission.ManageAutomations,
        ["AutomationService.DiscardHeldAsync"] = Permission.ManageAutomations,
        ["AutomationService.DeliveriesAsync"] = Permission.ManageAutomations,
        ["AutomationService.AttemptsAsync"] = Permission.ManageAutomations,
        ["AutomationService.ResendAsync"] = Permission.ManageAutomations,
        ["WebhookDispatcher.DeliverDueAsync"] = Permission.ManageAutomations, // the delivery job runs as Directory
        ["InsightsService.PeriodAsync"] = Permission.ViewInsights,
        ["InsightsService.RankAsync"] = Permission.ViewInsights, // by visits (the default); the others also need ViewFinancials (InsightsServiceTests)
        ["InsightsService.NewVsReturningAsync"] = Permission.ViewInsights,
        ["InsightsService.GroupSizesAsync"] = Permission.ViewInsights,
        ["InsightsService.VisitPatternAsync"] = Permission.ViewInsights,
        ["CustomerService.UpsertAsync"] = Permission.EditProfiles, // and CreateProfiles when nothing matches
        ["ConsentService.SetFromCustomerAsync"] = Permission.EditProfiles,
        ["ApiKeyService.ListAsync"] = Permission.ManageApiKeys,
        ["ApiKeyService.CreateAsync"] = Permission.ManageApiKeys,
        ["ApiKeyService.RevokeAsync"] = Permission.ManageApiKeys,
    };

    /// <summary>
    /// Infrastructure the screens never call: the services call it after their own check, and jobs run as Directory.
    /// (App.Tests checks that no component injects these.)
    /// </summary>
    public static readonly IReadOnlySet<string> Infrastructure = new HashSet<string>
    {
        "DirectoryDbContext", "ChangeFeed", "DatabaseMigrator", "DemoDataSeeder", "SetupState", "StaffAccess", "ProfileIndex", "GroupEngine",
        "JobRunLog", "FilterCatalogService",
        "OwnerSetupService", // first-run setup: open to anyone exactly until an owner exists (it checks that itself)
        "WebhookAddressGuard", "WebhookClient", // the URL check and the HTTP client the automation service and the dispatcher use after their checks
    };

    /// <summary>Operations open to every caller, and why.</summary>
    private static readonly HashSet<string> Open =
    [
        "AuditLog.WriteAsync", // records what happened for anyone, a failed sign-in included; it returns nothing
        "ApiKeyService.AuthenticateAsync", // the presented key is the credential: it answers only whether the key is valid
    ];

    private static IEnumerable<(Type Service, MethodInfo Method)> Operations()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataFolder"] = "unused" }).Build();
        var registered = new ServiceCollection().AddLogging().AddDomain(configuration);
        registered.AddStaffAccounts();
        return registered
            .Select(d => d.ImplementationType ?? d.ServiceType)
            .Where(t => t.Assembly == typeof(StaffAccess).Assembly && t.IsPublic && !t.IsInterface && !Infrastructure.Contains(t.Name))
            .Distinct()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType) || m.ReturnType.Name.StartsWith("ValueTask", StringComparison.Ordinal))
                .Where(m => !Open.Contains($"{t.Name}.{m.Name}"))
                .Select(m => (t, m)));
    }

    [Fact]
    public void Every_service_operation_has_a_permission_in_the_table()
    {
        var operations = Operations().Select(o => $"{o.Service.Name}.{o.Method.Name}").Distinct().ToList();
        Assert.True(operations.Count >= 75, $"only {operations.Count} operations found: is the enumeration broken?");
        var missing = operations.Where(o => !Required.ContainsKey(o)).ToList();
        Assert.True(missing.Count == 0, "Operations with no permission in the table: " + string.Join(", ", missing));
        var gone = Required.Keys.Except(operations).ToList();
        Assert.True(gone.Count == 0, "Table entries for operations that no longer exist: " + string.Join(", ", gone));
    }

    [Fact]
    public async Task Every_role_is_allowed_exactly_what_its_permissions_say()
    {
        var roles = DefaultRoles.Sets.ToDictionary(r => r.Key, r => r.Value);
        roles["No permissions"] = new HashSet<Permission>();
        var actors = new Dictionary<string, StaffActor>();
        foreach (var (role, permissions) in roles)
        {
            actors[role] = await Db.StaffWithRoleAsync(role, permissions);
        }

        var wrong = new List<string>();
        foreach (var (service, method) in Operations())
        {
            var key = $"{service.Name}.{method.Name}";
            if (!Required.TryGetValue(key, out var needed))
            {
                continue; // reported by the test above
            }

            foreach (var (role, permissions) in roles)
            {
                var allowed = needed == Groups
                    ? permissions.Contains(Permission.ManageManualGroups) || permissions.Contains(Permission.ManageAutomatedGroups)
                    : permissions.Contains(needed);
                using var _ = StaffAccess.As(actors[role]);
                var refused = await RefusedAsync(Db.Get(service), method);
                if (refused == allowed)
                {
                    wrong.Add($"{key} as {role}: {(refused ? "refused" : "allowed")}, expected {(allowed ? "allowed" : "refused")}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // Each refusal is in the audit log, with who and what.
        await using var db = Db.NewContext();
        var denied = await db.AuditEntries.Where(a => a.Action == "access.denied" && a.ActorId == actors["No permissions"].Id).ToListAsync();
        Assert.Contains(denied, a => a.RecordId == "SearchAsync" && a.Summary.Contains("View profiles", StringComparison.Ordinal));
        Assert.True(denied.Count >= Required.Count, $"{denied.Count} refusals logged for {Required.Count} operations");
    }

    [Fact]
    public async Task A_deactivated_account_and_nobody_are_refused_everything()
    {
        var actor = await Db.StaffWithRoleAsync(StaffRoles.Owner, Permissions.All.ToHashSet());
        await using (var scope = Db.NewScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var user = await users.FindByIdAsync(actor.Id);
            user!.DeactivatedAt = DateTime.UtcNow;
            await users.UpdateAsync(user);
        }

        Db.Get<StaffAccess>().Invalidate();
        foreach (var who in new StaffActor[] { actor, new("no-such-user", "Ghost") })
        {
            using var _ = StaffAccess.As(who);
            await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.SearchAsync(new Customers.CustomerSearch()));
            await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.CreateAsync(new Customers.CustomerInput { FirstName = "A", LastName = "B" }));
        }

        // With no actor at all, the web app's access (no unattended actor) grants nothing; these tests run as Directory.
        var webApp = new StaffAccess(Db.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.DirectoryDbContext>>(), Db.Get<Changes.ChangeFeed>(), new StaffAccessOptions(null), TimeProvider.System);
        using (StaffAccess.As(null))
        {
            Assert.Empty(await webApp.PermissionsAsync());
            await Assert.ThrowsAsync<ForbiddenException>(() => webApp.RequireAsync(Permission.ViewProfiles).AsTask());
        }
    }

    [Fact]
    public async Task A_role_change_applies_to_the_next_call_without_signing_in_again()
    {
        var actor = await Db.StaffWithRoleAsync("Desk", new HashSet<Permission> { Permission.ViewProfiles });
        using var _ = StaffAccess.As(actor);
        await Db.Customers.SearchAsync(new Customers.CustomerSearch());
        await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.CreateAsync(new Customers.CustomerInput { FirstName = "A", LastName = "B" }));

        await using (var scope = Db.NewScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            var role = await roles.FindByNameAsync("Desk");
            await roles.AddClaimAsync(role!, new Claim(StaffRoles.PermissionClaim, nameof(Permission.CreateProfiles)));
        }

        Db.Get<StaffAccess>().Invalidate();
        Assert.True(await Db.Customers.CreateAsync(new Customers.CustomerInput { FirstName = "A", LastName = "B" }) > 0);
    }

    /// <summary>Calls the operation with default arguments; true when it was refused for lack of permission.</summary>
    private static async Task<bool> RefusedAsync(object service, MethodInfo method)
    {
        var arguments = method.GetParameters().Select(p =>
            p.HasDefaultValue ? p.DefaultValue : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();
        try
        {
            var result = method.Invoke(service, arguments);
            if (result is Task task)
            {
                await task;
            }
            else if (result is not null && result.GetType().GetMethod("AsTask") is { } asTask)
            {
                await (Task)asTask.Invoke(result, null)!;
            }

            return false;
        }
        catch (Exception e) when (Unwrap(e) is ForbiddenException)
        {
            return true;
        }
        catch (Exception)
        {
            return false; // allowed through the check, then stopped by the (default) arguments: not found, invalid…
        }

        static Exception Unwrap(Exception e) => e is TargetInvocationException { InnerException: { } inner } ? inner : e;
    }
}
