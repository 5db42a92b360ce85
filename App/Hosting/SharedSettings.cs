namespace CustomerDirectory.App.Hosting;

internal static class SharedSettings
{
    /// <summary>
    /// Loads the repository's root appsettings.json, which App.csproj copies next to the binaries, as the
    /// lowest-precedence source: `dotnet run --project App` starts with App/ as content root, where no
    /// appsettings.json lives. Environment variables and command-line arguments still override it.
    /// </summary>
    public static void AddSharedAppSettings(this ConfigurationManager configuration)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var shared = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
        configuration.Sources.Insert(0, new ChainedConfigurationSource { Configuration = shared, ShouldDisposeConfiguration = true });
    }
}
