using Microsoft.AspNetCore.Components.Authorization;

namespace CustomerDirectory.App.Account;

/// <summary>The signed-in person's display name: what ledgers, views and notes record as who did it.</summary>
internal static class StaffName
{
    public static async Task<string> OfAsync(Task<AuthenticationState>? state)
    {
        var user = state is null ? null : (await state).User;
        return user?.FindFirst(StaffClaimsPrincipalFactory.DisplayNameClaim)?.Value ?? user?.Identity?.Name ?? "";
    }
}
