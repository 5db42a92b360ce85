using CustomerDirectory.App.Components.Account;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace CustomerDirectory.App.Account;

internal static class AccountEndpoints
{
    /// <summary>Sign-out, a form POST (antiforgery-checked) so that no link or image can sign someone out.</summary>
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(AccountPaths.Logout, async ([FromForm] string? returnUrl, SignInManager<StaffUser> signIn, AuditLog audit, HttpContext context) =>
        {
            await SignInEvents.SignOutAsync(audit, context);
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect(AccountPaths.Login);
        });

    /// <summary>
    /// Until an owner exists, every page leads to the setup page; afterwards the setup page itself sends people
    /// to sign in. Files, the health check and the script are left alone.
    /// </summary>
    public static IApplicationBuilder UseFirstRunSetup(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var page = context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type;
            if (page is not null && page != typeof(Setup)
                && await context.RequestServices.GetRequiredService<SetupState>().IsSetupRequiredAsync(context.RequestAborted))
            {
                context.Response.Redirect(AccountPaths.Setup);
                return;
            }

            await next(context);
        });
}
