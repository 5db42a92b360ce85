using System.Security.Claims;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Domain.Tests;

/// <summary>
/// A real SQLite database in a temp folder, wired exactly as the app wires it (AddDomain: pragmas, WAL,
/// migrations), with a clock the test controls. One per test.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestDatabase(string folder, ServiceProvider services)
    {
        Folder = folder;
        _services = services;
    }

    public string Folder { get; }

    public ManualClock Clock => (ManualClock)_services.GetRequiredService<TimeProvider>();

    public CustomerService Customers => Get<CustomerService>();

    /// <param name="settings">Extra configuration keys (e.g. <c>Automations:AllowedHosts:0</c>).</param>
    public static async Task<TestDatabase> CreateAsync(IDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "directory-tests", Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataFolder"] = folder })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(new ManualClock(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero)))
            .AddSingleton(new StaffAccessOptions(StaffActor.System)) // tests act as Directory unless they say whom (StaffAccess.As)
            .AddSingleton<RecordingImportLauncher>()
            .AddSingleton<CustomerDirectory.Domain.Transfer.Import.IImportLauncher>(sp => sp.GetRequiredService<RecordingImportLauncher>()) // the app starts imports with Quartz (Jobs); tests run them themselves
            .AddDomain(configuration);
        services.AddStaffAccounts();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var database = new TestDatabase(folder, provider);
        await database.Get<DatabaseMigrator>().MigrateAsync();
        return database;
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public object Get(Type service) => _services.GetRequiredService(service);

    /// <summary>A request-like scope, for scoped services such as Identity's stores.</summary>
    public AsyncServiceScope NewScope() => _services.CreateAsyncScope();

    /// <summary>A member of staff in <paramref name="role"/> (created with <paramref name="permissions"/> if new), to act as.</summary>
    public async Task<StaffActor> StaffWithRoleAsync(string role, IReadOnlySet<Permission> permissions)
    {
        await using var scope = NewScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        if (await roles.FindByNameAsync(role) is not { } identityRole)
        {
            identityRole = new IdentityRole(role);
            Assert.True((await roles.CreateAsync(identityRole)).Succeeded);
            foreach (var permission in permissions)
            {
                await roles.AddClaimAsync(identityRole, new Claim(StaffRoles.PermissionClaim, permission.ToString()));
            }
        }

        var name = role.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        var user = new StaffUser { UserName = $"{name}{Guid.NewGuid():N}@example.com", Email = $"{name}{Guid.NewGuid():N}@example.com", DisplayName = role, CreatedAt = DateTime.UtcNow };
        Assert.True((await users.CreateAsync(user, "a long enough password")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        Get<StaffAccess>().Invalidate();
        return new StaffActor(user.Id, role);
    }

    public DirectoryDbContext NewContext() => Get<IDbContextFactory<DirectoryDbContext>>().CreateDbContext();

    public Task<int> AddAsync(CustomerBuilder customer) => Customers.CreateAsync(customer.Build());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over it.
        }
    }
}

/// <summary>Notes which imports were started; the test then runs them with <c>ImportService.RunAsync</c>, as the job would.</summary>
public sealed class RecordingImportLauncher : CustomerDirectory.Domain.Transfer.Import.IImportLauncher
{
    public List<int> Started { get; } = [];

    public Task EnqueueAsync(int importId, CancellationToken ct)
    {
        Started.Add(importId);
        return Task.CompletedTask;
    }
}

public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Base for tests that each need a fresh <see cref="TestDatabase"/>.</summary>
public abstract class DatabaseTest : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = default!;

    /// <summary>Extra configuration for this class's database (e.g. the merchant's time zone); none by default.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync() => Db = await TestDatabase.CreateAsync(Settings);

    public async Task DisposeAsync() => await Db.DisposeAsync();
}
