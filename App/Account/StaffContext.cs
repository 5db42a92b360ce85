using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CustomerDirectory.App.Account;

/// <summary>
/// Sets the Domain's ambient actor (<see cref="StaffAccess"/>) at the app's entry points, from what the server holds:
/// the HTTP request's authenticated user, and the circuit's authentication state for every inbound activity of a
/// Blazor circuit (events, navigation, JS calls, the first render). Nothing the browser sends names the actor.
/// </summary>
internal static class StaffContext
{
    public static StaffActor? ActorOf(System.Security.Claims.ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.ToStaffActor() : null;

    /// <summary>Every request runs as its signed-in person, or as nobody.</summary>
    public static IApplicationBuilder UseStaffContext(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            using var _ = StaffAccess.As(ActorOf(context.User));
            await next(context);
        });

    public static IServiceCollection AddStaffContext(this IServiceCollection services) =>
        services.AddScoped<CircuitHandler, StaffCircuitHandler>().AddPermissionPolicies();

    /// <summary>One per circuit: runs each inbound activity as the circuit's signed-in person.</summary>
    private sealed class StaffCircuitHandler(AuthenticationStateProvider authentication) : CircuitHandler
    {
        public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
            async context =>
            {
                var state = await authentication.GetAuthenticationStateAsync();
                using var _ = StaffAccess.As(ActorOf(state.User));
                await next(context);
            };
    }
}
