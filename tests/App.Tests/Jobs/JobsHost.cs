using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerDirectory.App.Tests.Jobs;

/// <summary>
/// A plain generic host (not the web app) running the Domain and the real Quartz scheduler on a data folder, as a
/// separate worker process would: AddDomain + AddDirectoryJobs and nothing else. The clock runs at real speed
/// from an offset the test moves forward, so Quartz's timers are real and the rules see time passing.
/// </summary>
internal sealed class JobsHost : IAsyncDisposable
{
    private readonly IHost _host;

    private JobsHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public ShiftedClock Clock => (ShiftedClock)_host.Services.GetRequiredService<TimeProvider>();

    public static async Task<JobsHost> StartAsync(string dataFolder, IDictionary<string, string?> settings, ShiftedClock? clock = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Storage:DataFolder"] = dataFolder,
            ["Merchant:TimeZone"] = "Europe/Paris",
        });
        builder.Services.AddSingleton<TimeProvider>(clock ?? new ShiftedClock());
        builder.Services.AddSingleton(new StaffAccessOptions(StaffActor.System)); // a worker has no signed-in people
        builder.Services.AddDomain(builder.Configuration);
        builder.Services.AddStaffAccounts();
        builder.Services.AddDirectoryJobs(builder.Configuration);
        var host = builder.Build();
        await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        await host.StartAsync();
        return new JobsHost(host);
    }

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>Real time plus an offset the test can move forward ("eight weeks later").</summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
