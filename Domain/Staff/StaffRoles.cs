namespace CustomerDirectory.Domain.Staff;

/// <summary>The default roles' names (ASP.NET Core Identity roles; their permissions are role claims).</summary>
public static class StaffRoles
{
    public const string Owner = "Owner";
    public const string Manager = "Manager";
    public const string FrontDesk = "Front desk";
    public const string Marketer = "Marketer";
    public const string ReadOnly = "Read-only";

    /// <summary>The role-claim type that carries one <see cref="Permission"/> by name.</summary>
    public const string PermissionClaim = "directory:permission";
}
