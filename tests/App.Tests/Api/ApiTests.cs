using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CustomerDirectory.App.Tests.Integration;
using CustomerDirectory.Domain.ApiKeys;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CustomerDirectory.App.Tests.Integration.DirectoryAppFactory;

namespace CustomerDirectory.App.Tests.Api;

/// <summary>The HTTP API over real HTTP against the whole app and its real SQLite database.</summary>
public sealed class ApiTests : IDisposable
{
    private readonly DirectoryAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private static IServiceProvider ServicesOf(WebApplicationFactory<Program> app) => app.Services;

    private static async Task<string> KeyAsync(WebApplicationFactory<Program> app, ApiScopes scopes, string name = "Shop till")
    {
        using var _ = StaffAccess.AsSystem();
        return (await ServicesOf(app).GetRequiredService<ApiKeyService>().CreateAsync(new ApiKeyInput { Name = name, Scopes = scopes })).Secret;
    }

    private static HttpClient Client(WebApplicationFactory<Program> app, string? key)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>A problem in JSON with the status, a title and a detail containing <paramref name="detail"/>.</summary>
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await BodyAsync(response);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("type").GetString()));
        Assert.Contains(detail, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        return body;
    }

    private async Task<(int Customers, int Visits, int Orders, int Donations)> CountsAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<DirectoryDbContext>>().CreateDbContextAsync();
        return (await db.Customers.CountAsync(), await db.Visits.CountAsync(), await db.Orders.CountAsync(), await db.Donations.CountAsync());
    }

    private async Task<List<Domain.Audit.AuditEntry>> ApiLinesAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<DirectoryDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(a => a.Action == "api.call").OrderBy(a => a.Id).ToListAsync();
    }

    private static async Task<int> UpsertAsync(HttpClient client, string json)
    {
        var response = await client.PutAsync("/api/v1/profiles", Json(json));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await BodyAsync(response)).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task Calls_without_a_valid_key_get_a_401_problem_never_a_redirect()
    {
        var key = await KeyAsync(_app, ApiScopes.All);
        var revoked = await KeyAsync(_app, ApiScopes.All, "Old till");
        using (StaffAccess.AsSystem())
        {
            var service = _app.Services.GetRequiredService<ApiKeyService>();
            await service.RevokeAsync((await service.ListAsync()).Single(k => k.Name == "Old till").Id);
        }

        using var none = Client(_app, null);
        using var malformed = Client(_app, "not-a-key");
        using var unknown = Client(_app, "dir_abcdefgh_" + new string('A', 43));
        using var wasRevoked = Client(_app, revoked);
        using var basic = Client(_app, null);
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "b3duZXI6cGFzc3dvcmQ=");
        // A signed-in owner's browser cookie opens no API call.
        using var browser = _app.NewClient();
        await SetUpOwnerAsync(browser);

        var missing = await none.GetAsync("/api/v1/groups");
        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "Authorization: Bearer");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        await AssertProblemAsync(await malformed.GetAsync("/api/v1/groups"), HttpStatusCode.Unauthorized, "not an API key");
        await AssertProblemAsync(await unknown.GetAsync("/api/v1/groups"), HttpStatusCode.Unauthorized, "dir_abcdefgh… is not known");
        await AssertProblemAsync(await wasRevoked.GetAsync("/api/v1/groups"), HttpStatusCode.Unauthorized, "was revoked");
        await AssertProblemAsync(await basic.GetAsync("/api/v1/groups"), HttpStatusCode.Unauthorized, "“Bearer ”");
        await AssertProblemAsync(await browser.GetAsync("/api/v1/groups"), HttpStatusCode.Unauthorized, "Authorization: Bearer");
        await AssertProblemAsync(await none.PutAsync("/api/v1/profiles", Json("""{"firstName":"A","lastName":"B","email":"a@example.com"}""")), HttpStatusCode.Unauthorized, "Authorization");
        Assert.Equal(0, (await CountsAsync()).Customers);

        // The same key works until it is revoked: revocation applies to the very next call.
        using var till = Client(_app, key);
        Assert.Equal(HttpStatusCode.OK, (await till.GetAsync("/api/v1/groups")).StatusCode);
        using (StaffAccess.AsSystem())
        {
            var service = _app.Services.GetRequiredService<ApiKeyService>();
            await service.RevokeAsync((await service.ListAsync()).Single(k => k.Name == "Shop till").Id);
        }

        await AssertProblemAsync(await till.GetAsync("/api/v1/groups"), HttpStatusCode.Unauthorized, "was revoked");
    }

    [Fact]
    public async Task A_key_without_the_scope_gets_a_403_problem_and_changes_nothing()
    {
        using var reader = Client(_app, await KeyAsync(_app, ApiScopes.Read, "Reader"));
        using var writer = Client(_app, await KeyAsync(_app, ApiScopes.WriteProfiles, "Sign-up form"));
        var id = await UpsertAsync(writer, """{"firstName":"Inès","lastName":"Moreau","email":"ines@example.com"}""");

        await AssertProblemAsync(await reader.PutAsync("/api/v1/profiles", Json("""{"firstName":"A","lastName":"B","email":"a@example.com"}""")),
            HttpStatusCode.Forbidden, "“write profiles” scope");
        await AssertProblemAsync(await writer.GetAsync($"/api/v1/profiles/{id}"), HttpStatusCode.Forbidden, "“read” scope");
        await AssertProblemAsync(await writer.PostAsync($"/api/v1/profiles/{id}/visits", Json("{}")), HttpStatusCode.Forbidden, "“record activity” scope");
        await AssertProblemAsync(await reader.PostAsync($"/api/v1/profiles/{id}/consent", Json("""{"channel":"email","status":"subscribed","origin":"website"}""")),
            HttpStatusCode.Forbidden, "“write profiles” scope");

        Assert.Equal((1, 0, 0, 0), await CountsAsync());
        using (StaffAccess.AsSystem())
        {
            var consent = await _app.Services.GetRequiredService<Domain.Consent.ConsentService>().GetAsync(id);
            Assert.Equal(Domain.Consent.ConsentStatus.NeverAsked, consent.Email.Status);
        }
    }

    [Fact]
    public async Task Bad_payloads_get_400_with_field_errors_and_change_nothing()
    {
        using var till = Client(_app, await KeyAsync(_app, ApiScopes.All));
        var id = await UpsertAsync(till, """{"firstName":"Inès","lastName":"Moreau","email":"ines@example.com"}""");
        var before = await CountsAsync();

        var invalid = await AssertProblemAsync(await till.PutAsync("/api/v1/profiles", Json("""{"firstName":"Paul","lastName":"","email":"paul at example","phone":"12"}""")),
            HttpStatusCode.BadRequest, "nothing was changed");
        var errors = invalid.GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _), invalid.ToString());
        Assert.True(errors.TryGetProperty("lastName", out _), invalid.ToString());
        Assert.True(errors.TryGetProperty("phone", out _), invalid.ToString());
        var noKey = await AssertProblemAsync(await till.PutAsync("/api/v1/profiles", Json("""{"firstName":"Paul","lastName":"Durand"}""")),
            HttpStatusCode.BadRequest, "email or a phone");
        Assert.True(noKey.GetProperty("errors").TryGetProperty("email", out _));
        await AssertProblemAsync(await till.PutAsync("/api/v1/profiles", Json("""{"firstName":"Paul","lastName":"Durand","emial":"paul@example.com"}""")),
            HttpStatusCode.BadRequest, "Unknown field “emial”");
        await AssertProblemAsync(await till.PutAsync("/api/v1/profiles", Json("""{"firstName":"Paul", """)), HttpStatusCode.BadRequest, "could not be read");
        await AssertProblemAsync(await till.PutAsync("/api/v1/profiles", new StringContent("firstName=Paul", Encoding.UTF8, "application/x-www-form-urlencoded")),
            HttpStatusCode.UnsupportedMediaType, "application/json");
        await AssertProblemAsync(await till.PutAsync("/api/v1/profiles", Json($$"""{"firstName":"{{new string('x', 20_000)}}"}""")), HttpStatusCode.RequestEntityTooLarge, "at most");

        var negative = await AssertProblemAsync(await till.PostAsync($"/api/v1/profiles/{id}/orders", Json("""{"amount":-5}""")), HttpStatusCode.BadRequest, "negative");
        Assert.Equal("The amount cannot be negative.", negative.GetProperty("errors").GetProperty("amount")[0].GetString());
        await AssertProblemAsync(await till.PostAsync($"/api/v1/profiles/{id}/donations", Json("""{"amount":0}""")), HttpStatusCode.BadRequest, "more than zero");
        var future = DateTimeOffset.UtcNow.AddDays(2).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var inFuture = await AssertProblemAsync(await till.PostAsync($"/api/v1/profiles/{id}/visits", Json($$"""{"at":"{{future}}"}""")), HttpStatusCode.BadRequest, "in the future");
        Assert.True(inFuture.GetProperty("errors").TryGetProperty("at", out _));
        await AssertProblemAsync(await till.PostAsync($"/api/v1/profiles/{id}/orders", Json("""{"amount":"ten"}""")), HttpStatusCode.BadRequest, "wrong type");
        await AssertProblemAsync(await till.PostAsync($"/api/v1/profiles/{id}/orders", Json("""{"amount":10,"kind":"weekly"}""")), HttpStatusCode.BadRequest, "unknown word");
        var consent = await AssertProblemAsync(await till.PostAsync($"/api/v1/profiles/{id}/consent", Json("""{"channel":"sms"}""")), HttpStatusCode.BadRequest, "not valid");
        Assert.True(consent.GetProperty("errors").TryGetProperty("origin", out _));
        await AssertProblemAsync(await till.PostAsync($"/api/v1/profiles/{id}/consent", Json("""{"channel":"sms","status":"subscribed","origin":"website"}""")),
            HttpStatusCode.BadRequest, "phone");
        await AssertProblemAsync(await till.PostAsync("/api/v1/profiles/999999/visits", Json("{}")), HttpStatusCode.NotFound, "does not exist");
        await AssertProblemAsync(await till.GetAsync("/api/v1/groups/1/members?size=5000"), HttpStatusCode.BadRequest, "not valid");
        await AssertProblemAsync(await till.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, "openapi.json");
        await AssertProblemAsync(await till.DeleteAsync($"/api/v1/profiles/{id}"), HttpStatusCode.MethodNotAllowed, "does not accept");

        Assert.Equal(before, await CountsAsync());
        using (StaffAccess.AsSystem())
        {
            var profile = await _app.Services.GetRequiredService<Domain.Customers.CustomerService>().GetAsync(id);
            Assert.Equal(("Inès", "Moreau", "ines@example.com"), (profile.FirstName, profile.LastName, profile.Email));
        }
    }

    [Fact]
    public async Task Upsert_creates_then_updates_the_same_profile_by_email_or_phone_and_refuses_ambiguity()
    {
        using var till = Client(_app, await KeyAsync(_app, ApiScopes.All));

        var created = await till.PutAsync("/api/v1/profiles", Json("""{"firstName":"Inès","lastName":"Moreau","email":"Ines.Moreau@Example.com","city":"Lyon"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await BodyAsync(created)).GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/profiles/{id}", created.Headers.Location?.OriginalString);
        var byEmail = await till.PutAsync("/api/v1/profiles", Json("""{"email":"  ines.moreau@example.COM ","phone":"+33 6 12 34 56 78"}"""));
        Assert.Equal(HttpStatusCode.OK, byEmail.StatusCode);
        var updated = await BodyAsync(byEmail);
        var byPhone = await BodyAsync(await till.PutAsync("/api/v1/profiles", Json("""{"phone":"0033 6.12.34.56.78","postalCode":"69001"}""")));
        var other = await UpsertAsync(till, """{"firstName":"Paul","lastName":"Durand","email":"paul@example.com"}""");
        var ambiguous = await till.PutAsync("/api/v1/profiles", Json("""{"email":"paul@example.com","phone":"+33612345678"}"""));
        var profile = await BodyAsync(await till.GetAsync($"/api/v1/profiles/{id}"));

        Assert.Equal((id, false), (updated.GetProperty("id").GetInt32(), updated.GetProperty("created").GetBoolean()));
        Assert.Equal(id, byPhone.GetProperty("id").GetInt32());
        Assert.NotEqual(id, other);
        var conflict = await AssertProblemAsync(ambiguous, HttpStatusCode.Conflict, "Paul Durand");
        Assert.Contains("Inès Moreau", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Inès", profile.GetProperty("firstName").GetString());
        Assert.Equal("Lyon", profile.GetProperty("city").GetString()); // left out, so kept
        Assert.Equal("69001", profile.GetProperty("postalCode").GetString());
        Assert.Equal("+33 6 12 34 56 78", profile.GetProperty("phone").GetString());
        Assert.Equal("api", profile.GetProperty("source").GetString());
        Assert.False(profile.TryGetProperty("totalSpentMinor", out _)); // no key sees financials
        Assert.Equal(2, (await CountsAsync()).Customers);
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<DirectoryDbContext>>().CreateDbContextAsync();
        var lines = await db.AuditEntries.Where(a => a.CustomerId == id && a.Action.StartsWith("profile.")).ToListAsync();
        Assert.Contains(lines, a => a.Action == "profile.created" && a.ActorName == "API key “Shop till”" && a.ActorId!.StartsWith("api-key:", StringComparison.Ordinal));
        Assert.Contains(lines, a => a.Action == "profile.updated" && a.ActorName == "API key “Shop till”");
    }

    [Fact]
    public async Task Visits_recorded_through_the_api_move_the_customer_into_Regulars_and_the_group_shows_it()
    {
        using var till = Client(_app, await KeyAsync(_app, ApiScopes.All));
        var groups = _app.Services.GetRequiredService<GroupService>();
        int regulars;
        using (StaffAccess.AsSystem())
        {
            // Retail: more than 3 visits, the last one within 8 weeks. The predefined groups are made at start-up.
            regulars = await WaitForAsync(async () => (await groups.ListAsync()).FirstOrDefault(g => g.Predefined == PredefinedGroup.Regulars)?.Id);
            await groups.SetBusinessTypeAsync(BusinessType.Retail, resetRules: true, "Olivia");
            // The start-up evaluation of every group has run (on a loaded machine it can still be running here).
            await WaitForAsync(async () => (await groups.ListAsync()).Single(g => g.Id == regulars) is { Status: GroupStatus.UpToDate, LastEvaluatedAt: not null } ? 1 : (int?)null);
        }

        var id = await UpsertAsync(till, """{"firstName":"Inès","lastName":"Moreau","email":"ines@example.com"}""");
        for (var i = 0; i < 4; i++)
        {
            var at = DateTimeOffset.UtcNow.AddDays(-i).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            var visit = await till.PostAsync($"/api/v1/profiles/{id}/visits", Json($$"""{"at":"{{at}}","location":"Shop"}"""));
            Assert.Equal(HttpStatusCode.Created, visit.StatusCode);
        }

        using (StaffAccess.AsSystem())
        {
            // The group engine applies it in the background, right after the commit.
            await WaitForAsync(async () => (await groups.GroupsOfAsync(id)).Any(g => g.GroupId == regulars) ? 1 : (int?)null);
        }

        var members = await BodyAsync(await till.GetAsync($"/api/v1/groups/{regulars}/members?page=1&size=10"));
        var profile = await BodyAsync(await till.GetAsync($"/api/v1/profiles/{id}"));

        Assert.Equal(1, members.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, members.GetProperty("nextPage").ValueKind);
        Assert.Equal((id, "ines@example.com"), (members.GetProperty("items")[0].GetProperty("id").GetInt32(), members.GetProperty("items")[0].GetProperty("email").GetString()));
        Assert.Equal(4, profile.GetProperty("visitCount").GetInt32());
        Assert.Contains(profile.GetProperty("groups").EnumerateArray(), g => g.GetProperty("id").GetInt32() == regulars);
    }

    /// <summary>Polls until <paramref name="probe"/> finds something, for at most a minute.</summary>
    internal static async Task<int> WaitForAsync(Func<Task<int?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60); // generous: CI machines are shared
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Consent_from_the_website_is_recorded_with_its_origin()
    {
        using var form = Client(_app, await KeyAsync(_app, ApiScopes.Read | ApiScopes.WriteProfiles, "Website"));
        var id = await UpsertAsync(form, """{"firstName":"Inès","lastName":"Moreau","email":"ines@example.com"}""");

        var response = await form.PostAsync($"/api/v1/profiles/{id}/consent", Json("""{"channel":"email","status":"subscribed","origin":"website"}"""));
        var profile = await BodyAsync(await form.GetAsync($"/api/v1/profiles/{id}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("subscribed", profile.GetProperty("emailConsent").GetProperty("status").GetString());
        Assert.Equal("website", profile.GetProperty("emailConsent").GetProperty("origin").GetString());
        Assert.Equal("neverAsked", profile.GetProperty("smsConsent").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Too_many_calls_from_one_key_get_429_with_retry_after()
    {
        using var limited = _app.WithWebHostBuilder(b => b.UseSetting("Api:RequestsPerMinute", "3"));
        using var till = Client(limited, await KeyAsync(limited, ApiScopes.Read));
        using var other = Client(limited, await KeyAsync(limited, ApiScopes.Read, "Other till"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await till.GetAsync("/api/v1/groups")).StatusCode);
        }

        var refused = await till.GetAsync("/api/v1/groups");
        var otherKey = await other.GetAsync("/api/v1/groups");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "too many calls");
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode); // per key
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint()
    {
        using var anyone = Client(_app, null);

        var response = await anyone.GetAsync("/api/v1/openapi.json");
        var document = await BodyAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.GetProperty("paths");
        Assert.Equal("Directory API", document.GetProperty("info").GetProperty("title").GetString());
        foreach (var (path, method) in new[]
        {
            ("/api/v1/profiles", "put"), ("/api/v1/profiles/{id}", "get"), ("/api/v1/profiles/{id}/visits", "post"),
            ("/api/v1/profiles/{id}/orders", "post"), ("/api/v1/profiles/{id}/donations", "post"), ("/api/v1/profiles/{id}/consent", "post"),
            ("/api/v1/groups", "get"), ("/api/v1/groups/{id}/members", "get"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out _), $"{method} {path} missing: {paths}");
        }

        Assert.DoesNotContain("/export", paths.ToString(), StringComparison.Ordinal);
        Assert.True(paths.GetProperty("/api/v1/profiles").GetProperty("put").TryGetProperty("requestBody", out _));

        // The key is declared as a bearer token that every operation needs, so generated clients send it.
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        Assert.True(document.GetProperty("security")[0].TryGetProperty("apiKey", out _), document.GetProperty("security").ToString());
    }

    [Fact]
    public async Task Every_call_leaves_exactly_one_audit_line_with_method_path_key_and_status()
    {
        using var till = Client(_app, await KeyAsync(_app, ApiScopes.All));
        using var stranger = Client(_app, null);

        var id = await UpsertAsync(till, """{"firstName":"Inès","lastName":"Moreau","email":"ines@example.com"}""");
        await till.PostAsync($"/api/v1/profiles/{id}/orders", Json("""{"amount":12.50}"""));
        await till.PostAsync($"/api/v1/profiles/{id}/orders", Json("""{"amount":-1}"""));
        await till.GetAsync($"/api/v1/profiles/{id}");
        await stranger.GetAsync("/api/v1/groups");

        var lines = await ApiLinesAsync();
        Assert.Equal(5, lines.Count);
        Assert.Matches("^PUT /api/v1/profiles → 201 \\(key #1 dir_[a-z0-9]{8}…\\)$", lines[0].Summary);
        Assert.All(lines.Take(4), l => Assert.Equal(("API key “Shop till”", "api-key", "1"), (l.ActorName, l.RecordType, l.RecordId)));
        Assert.StartsWith($"POST /api/v1/profiles/{id}/orders → 201", lines[1].Summary, StringComparison.Ordinal);
        Assert.StartsWith($"POST /api/v1/profiles/{id}/orders → 400", lines[2].Summary, StringComparison.Ordinal);
        Assert.StartsWith($"GET /api/v1/profiles/{id} → 200", lines[3].Summary, StringComparison.Ordinal);
        Assert.All(lines.Take(4), l => Assert.Equal(id, l.CustomerId));
        Assert.Equal("GET /api/v1/groups → 401 (no key)", lines[4].Summary);
        Assert.Equal("Not signed in", lines[4].ActorName);
    }
}
