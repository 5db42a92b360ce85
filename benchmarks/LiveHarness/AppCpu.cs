using System.Globalization;

namespace CustomerDirectory.LiveHarness;

/// <summary>CPU time a process has used so far (user + system, all threads), from /proc (Linux).</summary>
public static class AppCpu
{
    // USER_HZ: /proc reports times in ticks of 1/100 s on Linux.
    private const double MillisecondsPerTick = 10;

    public static double Milliseconds(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // The command name (field 2) is in parentheses and may contain spaces: fields are counted after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * MillisecondsPerTick;
    }
}
