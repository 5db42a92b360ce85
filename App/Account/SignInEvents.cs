using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Identity;

namespace CustomerDirectory.App.Account;

/// <summary>
/// Sign-in and sign-out in the audit log, with the email tried and the remote address. Never the password.
/// </summary>
internal static class SignInEvents
{
    /// <summary>The longest email kept from what someone typed (the form does not limit it).</summary>
    private const int EmailMaxLength = 256;

    public static async Task SignInAsync(AuditLog log, UserManager<StaffUser> users, SignInResult result, string email, HttpContext context)
    {
        var user = await users.FindByNameAsync(email);
        var tried = AuditText.Line(email, EmailMaxLength);
        var address = RemoteAddress(context);
        var (action, summary) = result switch
        {
            { Succeeded: true } => ("sign-in.succeeded", $"Signed in as {tried}"),
            { IsLockedOut: true } => ("sign-in.locked-out", $"Sign-in refused, account locked: {tried}"),
            { IsNotAllowed: true } => ("sign-in.refused", $"Sign-in refused, account deactivated: {tried}"),
            _ when user is null => ("sign-in.failed", $"Failed sign-in, no account for {tried}"),
            _ => ("sign-in.failed", $"Failed sign-in, wrong password for {tried}"),
        };
        await log.WriteAsync(new AuditEvent(action, $"{summary} from {address}", "staff", user?.Id, null,
            [new AuditChange("Email", null, tried), new AuditChange("IP address", null, address)],
            // Only a successful sign-in has a person behind it; the others are not signed in (the request's actor).
            Actor: result.Succeeded && user is not null ? new StaffActor(user.Id, user.DisplayName) : null));
    }

    public static Task SignOutAsync(AuditLog log, HttpContext context)
    {
        var email = context.User.Identity?.Name;
        var address = RemoteAddress(context);
        return log.WriteAsync(new AuditEvent("sign-out", $"Signed out: {email} from {address}", "staff", StaffContext.ActorOf(context.User)?.Id, null,
            [new AuditChange("Email", null, email), new AuditChange("IP address", null, address)]));
    }

    private static string RemoteAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown address";
}
