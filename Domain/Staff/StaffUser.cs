using Microsoft.AspNetCore.Identity;

namespace CustomerDirectory.Domain.Staff;

/// <summary>A person who signs in: the owner or a member of staff.</summary>
public sealed class StaffUser : IdentityUser
{
    public const int DisplayNameMaxLength = Customers.ContactRules.NameMaxLength * 2;

    public string DisplayName { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>Set when the owner deactivated the account: it cannot sign in, and its open sessions end.</summary>
    public DateTime? DeactivatedAt { get; set; }
}
