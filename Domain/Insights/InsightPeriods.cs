namespace CustomerDirectory.Domain.Insights;

/// <summary>
/// Turns a period choice into exact days and instants on the merchant's clock. Weeks start on Monday. Days start at
/// local midnight (or at the first moment that exists, where a daylight-saving change skips midnight), so a period
/// follows the merchant's calendar across clock changes. Periods "to date" end at now; the others end at the local
/// midnight after their last day.
/// </summary>
public static class InsightPeriods
{
    /// <summary>Earliest day a custom period may start.</summary>
    public static readonly DateOnly EarliestDay = new(2000, 1, 1);

    /// <summary>Longest custom period, in days.</summary>
    public const int MaxCustomDays = 3_660;

    public static InsightPeriod Resolve(PeriodKind kind, DateOnly? customFrom, DateOnly? customTo, DateTime nowUtc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var now = DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
        var quarterStart = new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1);
        var (first, last, endsNow) = kind switch
        {
            PeriodKind.LastWeek => (WeekStart(today).AddDays(-7), WeekStart(today).AddDays(-1), false),
            PeriodKind.LastMonth => (new DateOnly(today.Year, today.Month, 1).AddMonths(-1), new DateOnly(today.Year, today.Month, 1).AddDays(-1), false),
            PeriodKind.LastQuarter => (quarterStart.AddMonths(-3), quarterStart.AddDays(-1), false),
            PeriodKind.QuarterToDate => (quarterStart, today, true),
            PeriodKind.LastYear => (new DateOnly(today.Year - 1, 1, 1), new DateOnly(today.Year - 1, 12, 31), false),
            PeriodKind.YearToDate => (new DateOnly(today.Year, 1, 1), today, true),
            PeriodKind.Custom => Custom(customFrom, customTo, today),
            _ => throw new DomainException("Choose a period."),
        };
        var from = StartOfDayUtc(first, zone);
        var to = endsNow ? now : StartOfDayUtc(last.AddDays(1), zone);
        return new InsightPeriod(kind, first, last, from, to, endsNow);
    }

    /// <summary>The Monday of the week <paramref name="day"/> is in.</summary>
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>The first instant of a local day, as UTC (a day whose midnight a clock change skips starts when it exists).</summary>
    public static DateTime StartOfDayUtc(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15); // every zone's offsets are whole quarter hours
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private static (DateOnly First, DateOnly Last, bool EndsNow) Custom(DateOnly? from, DateOnly? to, DateOnly today)
    {
        if (from is not { } first || to is not { } last)
        {
            throw new DomainException("Choose the first and the last day of the period.", "From");
        }

        if (first > last)
        {
            throw new DomainException("The first day must not be after the last day.", "From");
        }

        if (first < EarliestDay)
        {
            throw new DomainException("The period cannot start before 1 Jan 2000.", "From");
        }

        if (last > today)
        {
            throw new DomainException("The period cannot end after today.", "To");
        }

        if (last.DayNumber - first.DayNumber + 1 > MaxCustomDays)
        {
            throw new DomainException("A period can cover at most 10 years.", "To");
        }

        return (first, last, last == today);
    }
}
