using System.Net;
using System.Reflection;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Integration.DirectoryAppFactory;

namespace CustomerDirectory.App.Tests.Integration;

/// <summary>Every page says who may open it, and the server holds to it; a Front desk member never receives a masked field.</summary>
public sealed class PageAccessTests : IDisposable
{
    private const string Password = "a long enough password";
    private readonly DirectoryAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>Pages any signed-in person may open (each shows only what that person may do).</summary>
    private static readonly HashSet<string> AnySignedIn = ["Home", "Settings", "NoAccess"];

    /// <summary>What the screens must never inject: Domain infrastructure that does not check permissions.</summary>
    private static readonly HashSet<string> Infrastructure = ["GroupEngine", "JobRunLog", "ProfileIndex", "DatabaseMigrator", "DemoDataSeeder", "DirectoryDbContext", "WebhookClient", "AutomationOutbox"];

    private static IEnumerable<Type> Components() =>
        typeof(Program).Assembly.GetTypes().Where(t => typeof(ComponentBase).IsAssignableFrom(t) && !t.IsAbstract);

    [Fact]
    public void Every_page_names_the_permission_it_needs_or_says_it_is_open()
    {
        var pages = Components().Where(t => t.GetCustomAttributes<RouteAttribute>().Any()).ToList();
        Assert.True(pages.Count >= 15, $"only {pages.Count} pages found");
        var unmarked = new List<string>();
        foreach (var page in pages)
        {
            if (page.GetCustomAttribute<AllowAnonymousAttribute>() is not null)
            {
                continue;
            }

            var authorize = page.GetCustomAttribute<AuthorizeAttribute>();
            var ok = authorize switch
            {
                null => false,
                { Policy: null } => AnySignedIn.Contains(page.Name),
                { Policy: var policy } => Enum.TryParse<Permission>(policy, out _),
            };
            if (!ok)
            {
                unmarked.Add(page.Name);
            }
        }

        Assert.True(unmarked.Count == 0, "Pages with no permission attached: " + string.Join(", ", unmarked));
    }

    [Fact]
    public void No_screen_injects_infrastructure_that_skips_the_permission_checks()
    {
        var offenders = Components()
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(p => p.GetCustomAttribute<InjectAttribute>() is not null && Infrastructure.Contains(p.PropertyType.Name))
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToList();
        Assert.True(offenders.Count == 0, string.Join(", ", offenders));
    }

    [Fact]
    public async Task Front_desk_gets_no_access_to_settings_pages_and_no_contact_details_or_money_in_any_html()
    {
        using var owner = _app.NewClient();
        await SetUpOwnerAsync(owner);
        int id;
        using (StaffAccess.AsSystem())
        {
            id = await _app.Services.GetRequiredService<CustomerService>().CreateAsync(new CustomerInput
            {
                FirstName = "Inès", LastName = "Moreau", Email = "ines.hidden@example.com", Phone = "+33 6 98 76 54 32", City = "Lyonnesse",
            });
            var frontDesk = (await _app.Services.GetRequiredService<StaffRoleService>().ListAsync()).Single(r => r.Name == StaffRoles.FrontDesk).Id;
            await _app.Services.GetRequiredService<StaffService>().CreateAsync(new StaffInput("Fran Desk", "fran@example.com", frontDesk, Password));
        }

        using var fran = _app.NewClient();
        await SignInAsync(fran, "fran@example.com", Password);

        foreach (var path in new[] { "/settings/jobs", "/settings/staff", "/settings/fields", "/settings/tags", "/customers/import", "/customers/import/1", "/marketing/audiences", "/marketing/audiences/new", "/export/audience-snapshots/1.csv", "/insights", "/settings/api-keys", "/marketing/automations", "/marketing/automations/new" })
        {
            var page = await fran.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/account/no-access", page.Headers.Location!.IsAbsoluteUri ? page.Headers.Location.PathAndQuery : page.Headers.Location.OriginalString, StringComparison.Ordinal);
        }

        Assert.Contains("data-testid=\"no-access\"", await fran.GetStringAsync("/account/no-access"), StringComparison.Ordinal);

        foreach (var path in new[] { "/customers", $"/customers/{id}", "/customers?q=Moreau" })
        {
            var page = await fran.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.True(!path.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) || html.Contains("Moreau", StringComparison.Ordinal), $"{path} did not show her");
            Assert.DoesNotContain("ines.hidden", html, StringComparison.Ordinal);
            Assert.DoesNotContain("98 76", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Lyonnesse", html, StringComparison.Ordinal);
        }

        // The owner sees them: the page is the same, only the permission differs.
        var ownersView = await (await owner.GetAsync($"/customers/{id}")).Content.ReadAsStringAsync();
        Assert.Contains("ines.hidden", ownersView, StringComparison.Ordinal);
    }
}
