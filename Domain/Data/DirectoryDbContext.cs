using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Lists;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Data;

/// <summary>
/// The provider-neutral model. Each provider has a thin subclass that owns its migration set.
/// </summary>
/// <remarks>
/// Add a migration (from the repository root, after <c>dotnet tool restore</c>):
/// <code>
/// dotnet ef migrations add NAME --project Domain --context SqliteDirectoryDbContext --output-dir Data/Migrations/Sqlite
/// </code>
/// When the PostgreSQL set exists, add the same migration with <c>--context PostgresDirectoryDbContext
/// --output-dir Data/Migrations/Postgres</c> in the same change.
/// </remarks>
public abstract class DirectoryDbContext(DbContextOptions options) : IdentityDbContext<StaffUser>(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Visit> Visits => Set<Visit>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Donation> Donations => Set<Donation>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<Tag> Tags => Set<Tag>();

    public DbSet<CustomerTag> CustomerTags => Set<CustomerTag>();

    public DbSet<Note> Notes => Set<Note>();

    public DbSet<MailingList> MailingLists => Set<MailingList>();

    public DbSet<ListSubscription> ListSubscriptions => Set<ListSubscription>();

    public DbSet<CustomField> CustomFields => Set<CustomField>();

    public DbSet<CustomFieldOption> CustomFieldOptions => Set<CustomFieldOption>();

    public DbSet<CustomFieldValue> CustomFieldValues => Set<CustomFieldValue>();

    public DbSet<Views.SavedView> SavedViews => Set<Views.SavedView>();

    public DbSet<Groups.Group> Groups => Set<Groups.Group>();

    /// <summary>The membership ledger: one row per stay of a profile in a group; open rows are current members.</summary>
    public DbSet<Groups.GroupMember> GroupMembers => Set<Groups.GroupMember>();

    public DbSet<Groups.GroupOverride> GroupOverrides => Set<Groups.GroupOverride>();

    public DbSet<Groups.MerchantSetting> MerchantSettings => Set<Groups.MerchantSetting>();

    public DbSet<Jobs.JobRun> JobRuns => Set<Jobs.JobRun>();

    /// <summary>The audit log (append-only).</summary>
    public DbSet<Audit.AuditEntry> AuditEntries => Set<Audit.AuditEntry>();

    public DbSet<Transfer.Import.ImportRun> ImportRuns => Set<Transfer.Import.ImportRun>();

    /// <summary>What each import did to each profile, for its undo.</summary>
    public DbSet<Transfer.Import.ImportChange> ImportChanges => Set<Transfer.Import.ImportChange>();

    /// <summary>The rows each import rejected or skipped, for its report.</summary>
    public DbSet<Transfer.Import.ImportReject> ImportRejects => Set<Transfer.Import.ImportReject>();

    public DbSet<Audiences.Audience> Audiences => Set<Audiences.Audience>();

    /// <summary>Frozen audiences (append-only: triggers refuse UPDATE and DELETE).</summary>
    public DbSet<Audiences.AudienceSnapshot> AudienceSnapshots => Set<Audiences.AudienceSnapshot>();

    public DbSet<Audiences.AudienceSnapshotMember> AudienceSnapshotMembers => Set<Audiences.AudienceSnapshotMember>();
    public DbSet<Automations.Automation> Automations => Set<Automations.Automation>();

    /// <summary>The webhook outbox: one row per event to deliver, written in the ledger's transaction.</summary>
    public DbSet<Automations.AutomationDelivery> AutomationDeliveries => Set<Automations.AutomationDelivery>();

    public DbSet<Automations.DeliveryAttempt> DeliveryAttempts => Set<Automations.DeliveryAttempt>();
    /// <summary>Keys the HTTP API is called with (only their hashes).</summary>
    public DbSet<ApiKeys.ApiKey> ApiKeys => Set<ApiKeys.ApiKey>();

    /// <summary>Throws <see cref="NotFoundException.Profile"/> unless the profile exists (checked inside the caller's transaction).</summary>
    public async Task EnsureCustomerExistsAsync(int customerId, CancellationToken ct)
    {
        if (!await Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            throw NotFoundException.Profile();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(DirectoryDbContext).Assembly);
        builder.HasDbFunction(typeof(DirectoryDbFunctions).GetMethod(nameof(DirectoryDbFunctions.Fold))!).HasName(DirectoryDbFunctions.FoldName);
        builder.HasDbFunction(typeof(DirectoryDbFunctions).GetMethod(nameof(DirectoryDbFunctions.Likely))!).HasName(DirectoryDbFunctions.LikelyName);
        builder.HasDbFunction(typeof(DirectoryDbFunctions).GetMethod(nameof(DirectoryDbFunctions.StoredTimeText))!).HasName(DirectoryDbFunctions.StoredTimeTextName);
    }
}
