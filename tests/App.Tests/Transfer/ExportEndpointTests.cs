using System.Net;
using CsvHelper;
using CustomerDirectory.App.Tests.Integration;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Integration.DirectoryAppFactory;

namespace CustomerDirectory.App.Tests.Transfer;

/// <summary>The CSV download endpoints, through the whole app: who may, what the bytes hold.</summary>
public sealed class ExportEndpointTests : IDisposable
{
    private const string Password = "a long enough password";
    private readonly DirectoryAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private static string? Target(HttpResponseMessage response) => response.Headers.Location switch
    {
        null => null,
        { IsAbsoluteUri: true } uri => uri.PathAndQuery,
        var uri => uri.OriginalString,
    };

    private static List<string[]> Parse(byte[] file)
    {
        using var reader = CsvReader.Create(file, CsvReaderOptions.Default with { HasHeader = false });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? "")]);
        }

        return rows;
    }

    private async Task<HttpClient> StaffClientAsync(string name, string email, IEnumerable<Permission> permissions)
    {
        using (StaffAccess.AsSystem())
        {
            var role = await _app.Services.GetRequiredService<StaffRoleService>().CreateAsync(name, permissions);
            await _app.Services.GetRequiredService<StaffService>().CreateAsync(new StaffInput(name, email, role, Password));
        }

        var client = _app.NewClient();
        await SignInAsync(client, email, Password);
        return client;
    }

    private async Task<(HttpClient Owner, int Lyon, int Paris)> SetUpAsync()
    {
        var owner = _app.NewClient();
        await SetUpOwnerAsync(owner);
        using (StaffAccess.AsSystem())
        {
            var customers = _app.Services.GetRequiredService<CustomerService>();
            var lyon = await customers.CreateAsync(new CustomerInput { FirstName = "Inès", LastName = "Moreau", Email = "ines.hidden@example.com", Phone = "+33 6 98 76 54 32", City = "Lyon" });
            var paris = await customers.CreateAsync(new CustomerInput { FirstName = "Paul", LastName = "Durand", Email = "paul@example.com", City = "Paris" });
            return (owner, lyon, paris);
        }
    }

    [Fact]
    public async Task The_owner_downloads_a_streamed_csv_of_everyone_of_a_filter_and_of_a_group()
    {
        var (owner, lyon, paris) = await SetUpAsync();
        using var _ = owner;

        var everyone = await owner.GetAsync("/export/customers.csv?cols=id,first_name,email,phone");
        var inLyon = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon")) };
        var filtered = await owner.GetAsync($"/export/customers.csv?cols=id,city&f={inLyon.ToUrlToken()}");
        var searched = await owner.GetAsync("/export/customers.csv?cols=id&q=durand");
        int group;
        using (StaffAccess.AsSystem())
        {
            var groups = _app.Services.GetRequiredService<GroupService>();
            group = await groups.CreateAsync(new GroupInput("Parisians", null, GroupKind.Manual), "Olivia");
            await groups.AddMembersAsync(group, [paris], "Olivia");
        }

        var members = await owner.GetAsync($"/export/groups/{group}.csv?cols=id,last_name");

        Assert.Equal(HttpStatusCode.OK, everyone.StatusCode);
        Assert.Equal("text/csv", everyone.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", everyone.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("customers-", everyone.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var rows = Parse(await everyone.Content.ReadAsByteArrayAsync());
        Assert.Equal(["Id", "First name", "Email", "Phone"], rows[0]);
        Assert.Equal([$"{lyon}", "Inès", "ines.hidden@example.com", "'+33 6 98 76 54 32"], rows[1]);
        Assert.Equal(3, rows.Count);
        Assert.Equal([["Id", "City"], [$"{lyon}", "Lyon"]], Parse(await filtered.Content.ReadAsByteArrayAsync()));
        Assert.Equal([["Id"], [$"{paris}"]], Parse(await searched.Content.ReadAsByteArrayAsync()));
        Assert.Equal(HttpStatusCode.OK, members.StatusCode);
        Assert.StartsWith($"group-{group}-", members.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Equal([["Id", "Last name"], [$"{paris}", "Durand"]], Parse(await members.Content.ReadAsByteArrayAsync()));

        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/export/groups/{group + 100}.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync("/export/customers.csv?f=not-a-filter")).StatusCode);
    }

    [Fact]
    public async Task Without_export_the_endpoint_sends_people_away_and_nobody_signed_in_to_sign_in()
    {
        var (owner, _, _) = await SetUpAsync();
        owner.Dispose();
        using var readOnly = await StaffClientAsync("Viewer", "reader@example.com", [Permission.ViewProfiles]);
        using var stranger = _app.NewClient();

        var refused = await readOnly.GetAsync("/export/customers.csv");
        var anonymous = await stranger.GetAsync("/export/customers.csv");

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/no-access", Target(refused), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", Target(anonymous), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await readOnly.GetAsync("/export/groups/1.csv")).StatusCode);
    }

    [Fact]
    public async Task Front_desk_with_export_gets_no_contact_details_in_the_bytes_and_cannot_filter_by_them()
    {
        var (owner, lyon, _) = await SetUpAsync();
        owner.Dispose();
        using var desk = await StaffClientAsync("Front desk + export", "desk@example.com", [.. DefaultRoles.Sets[StaffRoles.FrontDesk], Permission.Export]);

        var response = await desk.GetAsync("/export/customers.csv?cols=id,first_name,email,phone,city,total_spent");
        var byEmail = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.Email, FilterOperator.Contains, "ines")) };
        var filtered = await desk.GetAsync($"/export/customers.csv?f={byEmail.ToUrlToken()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("ines.hidden", text, StringComparison.Ordinal);
        Assert.DoesNotContain("98 76", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Lyon", text, StringComparison.Ordinal);
        Assert.Equal(["Id", "First name"], Parse(bytes)[0]);
        Assert.Contains([$"{lyon}", "Inès"], Parse(bytes));
        Assert.Equal(HttpStatusCode.Forbidden, filtered.StatusCode);
        Assert.Null(filtered.Content.Headers.ContentDisposition);
    }
}
