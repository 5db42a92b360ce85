using CustomerDirectory.App.Account;
using Microsoft.AspNetCore.Components.Authorization;

namespace CustomerDirectory.App.Components.Groups;

/// <summary>The signed-in person's display name, as the ledger records who did what.</summary>
internal static class StaffName
{
    public static async Task<string> OfAsync(Task<AuthenticationState>? state)
    {
        var user = state is null ? null : (await state).User;
        return user?.FindFirst(StaffClaimsPrincipalFactory.DisplayNameClaim)?.Value ?? user?.Identity?.Name ?? "";
    }
}
