namespace CustomerDirectory.Domain.Staff;

/// <summary>A member of staff as the Staff page lists them.</summary>
public sealed record StaffMemberRow(
    string Id, string Name, string Email, string? RoleId, string Role, bool Active, DateTime CreatedAt, DateTime? DeactivatedAt);

/// <summary>What the owner types to add a member of staff; a null or blank password means "generate one".</summary>
public sealed record StaffInput(string? Name, string? Email, string? RoleId, string? Password = null);

/// <summary>The new account; <see cref="GeneratedPassword"/> is set when Directory chose it, to be shown once.</summary>
public sealed record StaffCreated(string Id, string? GeneratedPassword);

/// <summary>
/// A role (permission set) with what it grants and how many people have it. <c>IsOwner</c>: the Owner role, which
/// always has every permission and cannot be renamed, edited or deleted.
/// </summary>
public sealed record StaffRoleRow(string Id, string Name, IReadOnlySet<Permission> Permissions, int Members, bool IsOwner);
