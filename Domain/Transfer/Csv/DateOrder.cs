namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>How a date column writes its dates. Excel serial numbers are accepted whatever the order.</summary>
public enum DateOrder
{
    /// <summary>yyyy-MM-dd (year first). Year-first dates are accepted in every order.</summary>
    Iso,

    /// <summary>dd/MM/yyyy, dd-MM-yyyy, dd.MM.yyyy.</summary>
    DayMonthYear,

    /// <summary>MM/dd/yyyy, MM-dd-yyyy.</summary>
    MonthDayYear,
}
