namespace CustomerDirectory.LiveHarness;

/// <summary>
/// Wall-clock milliseconds since 1970, the clock the pages' <c>Date.now()</c> reads on this same machine, so that
/// times taken here and in Chromium compare directly.
/// </summary>
public static class Clock
{
    public static double UnixMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
}
