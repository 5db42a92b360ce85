using Microsoft.AspNetCore.Identity;

namespace CustomerDirectory.Domain.Staff;

/// <summary>Creates the first account, the owner, exactly once.</summary>
public sealed class OwnerSetupService(
    SetupState setupState,
    UserManager<StaffUser> users,
    RoleManager<IdentityRole> roles,
    StaffAccess access,
    TimeProvider clock)
{
    // One setup at a time in this process; the check below then sees the winner's user.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public async Task<StaffUser> CreateOwnerAsync(string? displayName, string? email, string? password, CancellationToken ct = default)
    {
        var name = Customers.ContactRules.Clean(displayName);
        var address = Customers.ContactRules.Clean(email);
        if (name is null)
        {
            throw new DomainException("Your name is required.", "Name");
        }

        if (name.Length > 2 * Customers.ContactRules.NameMaxLength)
        {
            throw new DomainException("Your name is too long.", "Name");
        }

        if (address is null || Customers.ContactRules.EmailError(address) is not null)
        {
            throw new DomainException("Enter an email address like name@example.com.", "Email");
        }

        if (string.IsNullOrEmpty(password))
        {
            throw new DomainException("Choose a password.", "Password");
        }

        await Gate.WaitAsync(ct);
        try
        {
            if (!await setupState.IsSetupRequiredAsync(ct))
            {
                throw new DomainException("This directory already has an owner. Sign in instead.");
            }

            if (!await roles.RoleExistsAsync(StaffRoles.Owner))
            {
                Check(await roles.CreateAsync(new IdentityRole(StaffRoles.Owner)));
            }

            var owner = new StaffUser
            {
                UserName = address,
                Email = address,
                EmailConfirmed = true,
                DisplayName = name,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            Check(await users.CreateAsync(owner, password));
            Check(await users.AddToRoleAsync(owner, StaffRoles.Owner));
            setupState.MarkCompleted();
            // A snapshot taken before the owner existed would deny them everything (and the layout would sign them out).
            access.Invalidate();
            return owner;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            var field = result.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "Password" : null;
            throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)), field);
        }
    }
}
