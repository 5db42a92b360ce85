using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Authorization;

namespace CustomerDirectory.App.Account;

/// <summary>
/// One authorization policy per <see cref="Permission"/>, named after it, so a page says what it needs with
/// <c>@attribute [Authorize(Policy = nameof(Permission.X))]</c>. The check asks <see cref="StaffAccess"/> at each
/// request and navigation, so it follows role changes at once, like the services behind the page.
/// </summary>
internal static class PermissionPolicies
{
    public static IServiceCollection AddPermissionPolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddAuthorization(o =>
        {
            foreach (var permission in Permissions.All)
            {
                o.AddPolicy(permission.ToString(), p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
            }
        });
        return services;
    }

    private sealed record PermissionRequirement(Permission Permission) : IAuthorizationRequirement;

    private sealed class PermissionHandler(StaffAccess access) : AuthorizationHandler<PermissionRequirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
        {
            if ((await access.PermissionsOfAsync(StaffContext.ActorOf(context.User))).Contains(requirement.Permission))
            {
                context.Succeed(requirement);
            }
        }
    }
}
