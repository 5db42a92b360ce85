using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Demo;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Lists;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerDirectory.Domain;

public static class DomainServiceCollectionExtensions
{
    /// <summary>The database (provider chosen by <c>Database:Provider</c>) and the Domain services.</summary>
    public static IServiceCollection AddDomain(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = StorageOptions.From(configuration);
        services.AddSingleton(storage);
        var merchant = MerchantOptions.From(configuration);
        services.AddSingleton(merchant);
        // One country per process: the phone keys every profile is stored and matched by depend on it (DatabaseMigrator re-keys).
        ContactRules.UsePhoneRegion(merchant.Country);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new StaffAccessOptions(Unattended: null)); // the web app: no actor, no access

        var provider = configuration["Database:Provider"] ?? "Sqlite";
        if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Database:Provider '{provider}' is not supported yet; use 'Sqlite'.");
        }

        var connectionString = configuration.GetConnectionString("Directory")
            ?? $"Data Source={Path.Combine(storage.DataFolder, "directory.db")}";
        var busyTimeoutMs = configuration.GetValue("Database:BusyTimeoutMs", 5000);
        // Every save writes its audit lines; the actor is looked up at save time (StaffAccess needs the factory).
        services.AddSingleton(sp => new Audit.AuditInterceptor(sp.GetRequiredService<TimeProvider>(), () => sp.GetRequiredService<StaffAccess>().Current));
        services.AddDbContextFactory<SqliteDirectoryDbContext>((sp, o) => o
            .UseSqlite(connectionString)
            .AddInterceptors(new SqliteConnectionPragmas(busyTimeoutMs), sp.GetRequiredService<Audit.AuditInterceptor>()));
        services.AddSingleton<IDbContextFactory<DirectoryDbContext>, DirectoryDbContextFactory<SqliteDirectoryDbContext>>();
        // Identity's EF stores want a scoped context; everything else uses the factory, one context per operation.
        services.AddScoped<DirectoryDbContext>(sp => sp.GetRequiredService<IDbContextFactory<DirectoryDbContext>>().CreateDbContext());

        services.AddSingleton<ProfileIndex>();
        services.AddSingleton<IChangeApplier>(sp => sp.GetRequiredService<ProfileIndex>());
        services.AddHostedService<ProfileIndexBuilder>();
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<FilterCatalogService>();
        services.AddSingleton<CustomerService>();
        services.AddSingleton<ActivityService>();
        services.AddSingleton<LoyaltyService>();
        services.AddSingleton<TagService>();
        services.AddSingleton<NoteService>();
        services.AddSingleton<ConsentService>();
        services.AddSingleton<CustomFieldService>();
        services.AddSingleton<MailingListService>();
        services.AddSingleton<Views.SavedViewService>();
        services.AddSingleton<Groups.GroupEngine>();
        services.AddSingleton<Groups.GroupService>();
        services.AddSingleton<Transfer.ExportService>();
        services.AddHostedService<Groups.GroupStartup>();
        services.AddSingleton<Jobs.JobRunLog>();
        services.AddSingleton<DemoDataSeeder>();
        services.AddSingleton<SetupState>();
        services.AddSingleton<StaffAccess>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<Transfer.Import.ImportService>();
        services.AddSingleton<Audiences.AudienceService>();
        services.AddSingleton(Automations.AutomationOptions.From(configuration));
        services.TryAddSingleton<Automations.IWebhookNudge, Automations.NoWebhookNudge>(); // Jobs replaces it with the delivery job
        services.AddSingleton<Automations.WebhookAddressGuard>();
        services.AddSingleton<Automations.WebhookClient>();
        services.AddSingleton<Automations.AutomationOutbox>();
        services.AddSingleton<Automations.AutomationService>();
        services.AddSingleton<Automations.WebhookDispatcher>();
        services.AddSingleton<Insights.InsightsService>();
        services.AddSingleton<ApiKeys.ApiKeyService>();
        return services;
    }

    private sealed class DirectoryDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<DirectoryDbContext>
        where TContext : DirectoryDbContext
    {
        public DirectoryDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
