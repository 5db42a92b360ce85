using CustomerDirectory.Domain.Insights;

namespace CustomerDirectory.Domain.Tests.Insights;

/// <summary>Each period's exact days and UTC instants on a Paris clock, around the autumn clock change and at midnight.</summary>
public sealed class InsightPeriodsTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    // Sunday 22 November 2026, 11:00 in Paris (UTC+1 since 25 October).
    private static readonly DateTime Now = new(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc);

    private static DateTime Utc(int y, int m, int d, int h) => new(y, m, d, h, 0, 0, DateTimeKind.Utc);

    public static TheoryData<PeriodKind, string, string, DateTime, DateTime, bool> Expected => new()
    {
        // Monday 9 to Sunday 15 November; both midnights in winter time (UTC+1).
        { PeriodKind.LastWeek, "2026-11-09", "2026-11-15", Utc(2026, 11, 8, 23), Utc(2026, 11, 15, 23), false },

        // October starts in summer time (UTC+2) and ends in winter time (UTC+1): 31 days and one hour long.
        { PeriodKind.LastMonth, "2026-10-01", "2026-10-31", Utc(2026, 9, 30, 22), Utc(2026, 10, 31, 23), false },
        { PeriodKind.LastQuarter, "2026-07-01", "2026-09-30", Utc(2026, 6, 30, 22), Utc(2026, 9, 30, 22), false },
        { PeriodKind.QuarterToDate, "2026-10-01", "2026-11-22", Utc(2026, 9, 30, 22), Now, true },
        { PeriodKind.LastYear, "2025-01-01", "2025-12-31", Utc(2024, 12, 31, 23), Utc(2025, 12, 31, 23), false },
        { PeriodKind.YearToDate, "2026-01-01", "2026-11-22", Utc(2025, 12, 31, 23), Now, true },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Resolve_EachPeriodOnAParisClock_CoversTheExpectedDaysAndInstants(PeriodKind kind, string first, string last, DateTime from, DateTime to, bool endsNow)
    {
        var period = InsightPeriods.Resolve(kind, null, null, Now, Paris);

        Assert.Equal(DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture), period.FirstDay);
        Assert.Equal(DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture), period.LastDay);
        Assert.Equal(from, period.FromUtc);
        Assert.Equal(to, period.ToUtc);
        Assert.Equal(endsNow, period.EndsNow);
    }

    [Fact]
    public void Resolve_JustAfterLocalMidnightOnMonday_TheWeekJustEndedIsLastWeek()
    {
        // 23:30 UTC on Sunday is already 00:30 on Monday 23 November in Paris.
        var period = InsightPeriods.Resolve(PeriodKind.LastWeek, null, null, new DateTime(2026, 11, 22, 23, 30, 0, DateTimeKind.Utc), Paris);

        Assert.Equal(new DateOnly(2026, 11, 16), period.FirstDay);
        Assert.Equal(new DateOnly(2026, 11, 22), period.LastDay);
        Assert.Equal(Utc(2026, 11, 22, 23), period.ToUtc);
    }

    [Fact]
    public void Resolve_JustBeforeNewYearInUtcButAfterInParis_YearToDateIsTheNewYear()
    {
        var period = InsightPeriods.Resolve(PeriodKind.YearToDate, null, null, new DateTime(2026, 12, 31, 23, 30, 0, DateTimeKind.Utc), Paris);

        Assert.Equal(new DateOnly(2027, 1, 1), period.FirstDay);
        Assert.Equal(Utc(2026, 12, 31, 23), period.FromUtc);
        Assert.Equal("1 Jan 2027 (so far)", period.Dates);
    }

    [Fact]
    public void Resolve_CustomRange_IncludesBothDaysAndEndsNowWhenItEndsToday()
    {
        var past = InsightPeriods.Resolve(PeriodKind.Custom, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), Now, Paris);
        var toToday = InsightPeriods.Resolve(PeriodKind.Custom, new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 22), Now, Paris);

        // 29 March is the spring clock change: March starts at UTC+1 and ends at UTC+2.
        Assert.Equal(Utc(2026, 2, 28, 23), past.FromUtc);
        Assert.Equal(Utc(2026, 3, 31, 22), past.ToUtc);
        Assert.Equal("1 Mar 2026 – 31 Mar 2026", past.Dates);
        Assert.Equal(Now, toToday.ToUtc);
        Assert.True(toToday.EndsNow);
        Assert.Equal("20 Nov 2026 – 22 Nov 2026 (so far)", toToday.Name);
    }

    public static TheoryData<string?, string?, string> BadRanges => new()
    {
        { "2026-03-10", "2026-03-09", "The first day must not be after the last day." },
        { null, "2026-03-09", "Choose the first and the last day of the period." },
        { "2026-03-10", null, "Choose the first and the last day of the period." },
        { "1999-12-31", "2000-01-10", "The period cannot start before 1 Jan 2000." },
        { "2026-11-01", "2026-11-23", "The period cannot end after today." },
        { "2010-01-01", "2026-01-01", "A period can cover at most 10 years." },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public void Resolve_BadCustomRange_IsRefusedWithAClearMessage(string? from, string? to, string message)
    {
        static DateOnly? Day(string? s) => s is null ? null : DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

        var e = Assert.Throws<DomainException>(() => InsightPeriods.Resolve(PeriodKind.Custom, Day(from), Day(to), Now, Paris));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void StartOfDayUtc_WhenAClockChangeSkipsMidnight_StartsAtTheFirstMomentThatExists()
    {
        // Chile moves its clocks from 00:00 to 01:00 on the first Sunday of September (6 September 2026).
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var midnight = new DateTime(2026, 9, 6, 0, 0, 0, DateTimeKind.Unspecified);
        Assert.True(santiago.IsInvalidTime(midnight), "the time zone data no longer skips this midnight: pick another day");

        var start = InsightPeriods.StartOfDayUtc(new DateOnly(2026, 9, 6), santiago);

        Assert.Equal(new DateTime(2026, 9, 6, 1, 0, 0), TimeZoneInfo.ConvertTimeFromUtc(start, santiago));
    }
}
