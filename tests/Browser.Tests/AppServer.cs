using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CustomerDirectory.Browser.Tests;

/// <summary>
/// The real app, started from its build output as its own process on 127.0.0.1 with a temp data folder,
/// exactly as `dotnet run --project App` would run it (Production environment).
/// </summary>
public sealed class AppServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataFolder;

    private AppServer(Process process, string baseUrl, string dataFolder)
    {
        _process = process;
        BaseUrl = baseUrl;
        _dataFolder = dataFolder;
    }

    public string BaseUrl { get; }

    public int ProcessId => _process.Id;

    /// <summary>The app process's resident memory, from /proc (Linux).</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>What the app printed; shown when a test fails to start it.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The warnings, errors and critical entries of a console log, each with the lines that follow it (the exception).</summary>
    public static string Problems(string log)
    {
        var problems = new StringBuilder();
        var inProblem = false;
        foreach (var line in log.Split('\n'))
        {
            if (line.Length > 6 && line[4] == ':' && line[5] == ' ' && !line.StartsWith(' '))
            {
                inProblem = line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal)
                    || line.StartsWith("crit:", StringComparison.Ordinal);
            }

            if (inProblem)
            {
                problems.AppendLine(line);
            }
        }

        return problems.ToString();
    }

    public static async Task<AppServer> StartAsync(int demoProfiles)
    {
        var dll = FindAppDll();
        var port = FreePort();
        var dataFolder = Path.Combine(Path.GetTempPath(), "directory-browser-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dataFolder);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = dataFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Storage__DataFolder"] = dataFolder;
        start.Environment["Demo__SeedWhenEmpty"] = demoProfiles > 0 ? "true" : "false";
        start.Environment["Demo__Profiles"] = demoProfiles.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Every test signs in from 127.0.0.1; the per-address sign-in limit (10 a minute) is tested in App.Tests.
        start.Environment["Security__SignInAttemptsPerMinute"] = "1000";
        // The automation test's webhook receiver listens on this machine, which webhooks may not reach unless allowed.
        start.Environment["Automations__AllowedHosts__0"] = "127.0.0.1";

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        var server = new AppServer(process, $"http://127.0.0.1:{port}", dataFolder);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilHealthyAsync();
        return server;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync($"{BaseUrl}/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The app did not become healthy in 90 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string FindAppDll()
    {
        // This assembly sits in tests/Browser.Tests/bin/<Configuration>/<tfm>/; the app in App/bin/<Configuration>/<tfm>/.
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Directory.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"Directory.sln not found above {AppContext.BaseDirectory}.");
        }

        var dll = Path.Combine(root.FullName, "App", "bin", configuration, tfm, "CustomerDirectory.App.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the App first (the test project references it).", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "directory-browser-app.log"), Output);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
