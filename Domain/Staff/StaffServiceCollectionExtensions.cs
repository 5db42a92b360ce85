using CustomerDirectory.Domain.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.Domain.Staff;

public static class StaffServiceCollectionExtensions
{
    /// <summary>
    /// Staff accounts on the directory's database (ASP.NET Core Identity stores) with our account rules, first-run
    /// setup, and the management of staff and roles. The web app adds sign-in (cookies) on top; background jobs need
    /// none of it.
    /// </summary>
    public static IdentityBuilder AddStaffAccounts(this IServiceCollection services)
    {
        services.AddScoped<OwnerSetupService>();
        services.AddSingleton<StaffService>();
        services.AddSingleton<StaffRoleService>();
        return services.AddIdentityCore<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B): at least 10 characters, any characters.
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                // "Confirmed" here means "not deactivated" (ActiveStaffConfirmation): SignInManager refuses the rest.
                o.SignIn.RequireConfirmedAccount = true;
            })
            .AddUserConfirmation<ActiveStaffConfirmation>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<DirectoryDbContext>();
    }
}
