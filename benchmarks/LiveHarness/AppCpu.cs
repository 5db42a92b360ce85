using System.Globalization;

namespace CustomerDirectory.LiveHarness;

/// <summary>CPU time a process has used so far (user + system, all threads), from /proc (Linux).</summary>
public static class AppCpu
{
    // USER_HZ: /proc reports times in ticks of 1/100 s on Linux.
    private const double MillisecondsPerTick = 10;

    public static double Milliseconds(int processId) => Stat(processId) is { } stat ? stat.CpuMs : 0;

    /// <summary>
    /// CPU time used so far by <paramref name="rootId"/> and every process under it (for the harness: the app,
    /// Chromium and Playwright's driver too), so that what other work on the machine took can be told apart.
    /// </summary>
    public static double TreeMilliseconds(int rootId)
    {
        var processes = System.IO.Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var id) ? Stat(id) : null)
            .OfType<(int Id, int Parent, double CpuMs)>()
            .ToList();
        var inTree = new HashSet<int> { rootId };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var p in processes)
            {
                if (!inTree.Contains(p.Id) && inTree.Contains(p.Parent))
                {
                    grew = inTree.Add(p.Id);
                }
            }
        }

        return processes.Where(p => inTree.Contains(p.Id)).Sum(p => p.CpuMs);
    }

    private static (int Id, int Parent, double CpuMs)? Stat(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (IOException)
        {
            return null; // it just ended
        }

        // The command name (field 2) is in parentheses and may contain spaces: fields are counted after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * MillisecondsPerTick;
        return (processId, int.Parse(fields[1], CultureInfo.InvariantCulture), cpu);
    }

    /// <summary>The whole machine's busy and total CPU time so far (all processes, all cores), from /proc/stat.</summary>
    public static (double Busy, double Total) Machine()
    {
        // "cpu  user nice system idle iowait irq softirq steal …" in ticks; idle and iowait are the idle ones.
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var total = ticks.Take(8).Sum();
        return ((total - ticks[3] - ticks[4]) * MillisecondsPerTick, total * MillisecondsPerTick);
    }
}
