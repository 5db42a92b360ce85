namespace CustomerDirectory.Domain.Customers;

/// <summary>The rows of one page, how many match in all, and how many profiles there are (for "12.4 % of your customers").</summary>
public sealed record CustomerPage(IReadOnlyList<CustomerRow> Rows, int Total, int AllCount)
{
    /// <summary>The matching share of all profiles, 0 to 1.</summary>
    public double Share => AllCount == 0 ? 0 : (double)Total / AllCount;
}
