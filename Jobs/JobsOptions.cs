using Microsoft.Extensions.Configuration;

namespace CustomerDirectory.Jobs;

/// <summary>The <c>Jobs</c> section of appsettings.json.</summary>
public sealed record JobsOptions(bool Enabled, TimeSpan SweepInterval, string BackstopCron, TimeSpan MisfireThreshold)
{
    public static JobsOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Jobs");
        var sweep = section.GetValue("SweepSeconds", 60);
        if (sweep is < 1 or > 3600)
        {
            throw new InvalidOperationException($"Jobs:SweepSeconds must be between 1 and 3600, not {sweep}.");
        }

        var cron = section["BackstopCron"] ?? "0 0 3 * * ?";
        if (!Quartz.CronExpression.TryParse(cron, out _))
        {
            throw new InvalidOperationException($"Jobs:BackstopCron '{cron}' is not a valid Quartz cron expression (e.g. \"0 0 3 * * ?\": every day at 03:00).");
        }

        var misfire = section.GetValue("MisfireThresholdSeconds", 60);
        return new JobsOptions(section.GetValue("Enabled", true), TimeSpan.FromSeconds(sweep), cron, TimeSpan.FromSeconds(Math.Clamp(misfire, 1, 3600)));
    }
}
