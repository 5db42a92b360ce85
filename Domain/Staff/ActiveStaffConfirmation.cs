using Microsoft.AspNetCore.Identity;

namespace CustomerDirectory.Domain.Staff;

/// <summary>
/// Identity's "may this account sign in" hook (with <see cref="SignInOptions.RequireConfirmedAccount"/>): a deactivated
/// account may not. SignInManager asks it before checking the password, so every sign-in path refuses them with
/// <see cref="SignInResult.NotAllowed"/>.
/// </summary>
internal sealed class ActiveStaffConfirmation : IUserConfirmation<StaffUser>
{
    public Task<bool> IsConfirmedAsync(UserManager<StaffUser> manager, StaffUser user) => Task.FromResult(user.DeactivatedAt is null);
}
