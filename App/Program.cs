using CustomerDirectory.Jobs;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Audiences;
using CustomerDirectory.App.Api;
using CustomerDirectory.App.Components;
using CustomerDirectory.App.Hosting;
using CustomerDirectory.App.Transfer;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Radzen;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddSharedAppSettings();
// Radzen's files are static web assets of a package; outside Development they are only found with this.
builder.WebHost.UseStaticWebAssets();
// Filters live in the address (?f=…); a long "any of" needs more than the default 8 KB request line. The page keeps
// addresses under CustomerList.MaxAddressLength, below Blazor's 32 KB limit on what a browser sends over the circuit.
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestLineSize = 32 * 1024);

builder.Services.AddDomain(builder.Configuration);
builder.Services.AddDirectoryJobs(builder.Configuration);
var storage = StorageOptions.From(builder.Configuration);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddRadzenComponents();
builder.Services.AddSingleton<CustomerDirectory.App.Live.PresenceTracker>();

builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<AuthenticationStateProvider, StaffAuthenticationStateProvider>();
builder.Services.AddStaffContext();
builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
builder.Services.ConfigureApplicationCookie(o =>
{
    o.LoginPath = AccountPaths.Login;
    o.AccessDeniedPath = AccountPaths.NoAccess;
    o.Cookie.Name = "directory.auth";
    o.ExpireTimeSpan = TimeSpan.FromDays(14);
    o.SlidingExpiration = true;
});
// The sign-in cookie re-checks the account's security stamp every minute (default 30): a password reset or a
// deactivation ends plain page loads as quickly as it ends open circuits.
builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
builder.Services.AddStaffAccounts()
    .AddSignInManager()
    .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>()
    .AddDefaultTokenProviders();
// Every endpoint needs a signed-in person unless it says [AllowAnonymous] (sign-in, setup, health, the script).
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

builder.Services.AddSecurityHardening(builder.Configuration);
builder.Services.AddDirectoryApi(builder.Configuration);

builder.Services.AddDataProtection()
    .SetApplicationName("CustomerDirectory")
    .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(storage.DataFolder, "keys")));
builder.Services.AddHealthChecks().AddDbContextCheck<DirectoryDbContext>("database").AddCheck<CustomerDirectory.Jobs.JobsHealthCheck>("jobs");

var app = builder.Build();

if (await app.RunCommandAsync(args))
{
    return;
}

await app.PrepareDatabaseAsync();

app.UseSecurityHeaders();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRateLimiter();
app.UseApiCallLog();
app.UseAuthentication();
app.UseStaffContext();
app.UseFirstRunSetup();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapBlazorScript();
app.MapHealthChecks("/health").AllowAnonymous();
app.MapAccountEndpoints();
app.MapExportEndpoints();
app.MapImportEndpoints();
app.MapAudienceEndpoints();
app.MapDirectoryApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>Entry point; public so that WebApplicationFactory can start the app in tests.</summary>
public partial class Program;
