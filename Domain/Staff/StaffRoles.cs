namespace CustomerDirectory.Domain.Staff;

/// <summary>Role names. Fine-grained permission sets hang off these roles (see the permissions issue).</summary>
public static class StaffRoles
{
    public const string Owner = "Owner";
}
