using System.Security.Claims;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.App.Account;

internal static class StaffPrincipal
{
    /// <summary>
    /// The signed-in staff member as the Domain knows them. It comes from the circuit's authentication state,
    /// which the server holds; nothing the browser sends can change it.
    /// </summary>
    public static StaffActor ToStaffActor(this ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in staff member."),
        user.FindFirstValue(StaffClaimsPrincipalFactory.DisplayNameClaim) ?? user.Identity?.Name ?? "Staff");
}
