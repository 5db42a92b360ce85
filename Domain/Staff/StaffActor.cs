namespace CustomerDirectory.Domain.Staff;

/// <summary>Who is acting: the signed-in staff member, as the server knows them (never taken from the browser).</summary>
public sealed record StaffActor(string Id, string Name)
{
    /// <summary>Directory itself: background jobs, start-up work. Has every permission; never a person.</summary>
    public static StaffActor System { get; } = new("", "Directory");

    public bool IsSystem => Id.Length == 0;
}
