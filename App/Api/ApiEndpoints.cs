using System.Globalization;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.ApiKeys;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Authentication;

namespace CustomerDirectory.App.Api;

/// <summary>
/// The HTTP API for tills and websites, under <c>/api/v1</c>: minimal APIs that call the same Domain services as the
/// screens, as the key's actor (<see cref="StaffActor.ApiKey"/>), so the same permission checks, audit lines, change
/// feed, group engine and live screens follow every call. Each endpoint names the scope it needs; the Domain checks the
/// permissions the scope grants again.
/// </summary>
internal static class ApiEndpoints
{
    public const string Root = "/api";
    public const string Prefix = "/api/v1";
    public const string DocumentName = "v1";
    public const string DocumentPath = "/api/v1/openapi.json";
    public const string PolicyName = "ApiKey";
    public const int MaxPageSize = CustomerSearch.MaxPageSize;

    /// <summary>How the OpenAPI document names the bearer API key.</summary>
    private const string SecuritySchemeName = "apiKey";

    public static IServiceCollection AddDirectoryApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ApiOptions.From(configuration));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        services.Configure<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>(o => o.AddPolicy<string, ApiRateLimitPolicy>(ApiRateLimitPolicy.Name));
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.GroupName == DocumentName;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Directory API";
                document.Info.Version = "v1";
                document.Info.Description = "Profiles, activity, consent and group members for tills and websites. "
                    + "Send `Authorization: Bearer <key>`; keys are created in Settings → API keys with the scopes read, write profiles and record activity. "
                    + "Errors are RFC 9457 problem details.";

                // Every operation takes the key as a bearer token: declared once, so generated clients send it.
                document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeName] = new Microsoft.OpenApi.OpenApiSecurityScheme
                {
                    Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key from Settings → API keys (dir_…); its scopes decide what it may call.",
                };
                document.Security = [new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/api/{documentName}/openapi.json").AllowAnonymous().ExcludeFromDescription();

        var api = endpoints.MapGroup(Prefix)
            .WithGroupName(DocumentName)
            .RequireAuthorization(PolicyName)
            .RequireRateLimiting(ApiRateLimitPolicy.Name)
            .AddEndpointFilter(RunAsKeyAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapPut("/profiles", UpsertProfileAsync).Scope(ApiScopes.WriteProfiles)
            .WithName("UpsertProfile").WithSummary("Create a profile, or update the one with this email or phone")
            .Accepts<ProfileUpsertRequest>("application/json")
            .Produces<ProfileUpsertResponse>(StatusCodes.Status200OK).Produces<ProfileUpsertResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/profiles/{id:int}", GetProfileAsync).Scope(ApiScopes.Read)
            .WithName("GetProfile").WithSummary("Read a profile (no financials)")
            .Produces<ProfileResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/profiles/{id:int}/visits", RecordVisitAsync).Scope(ApiScopes.RecordActivity)
            .WithName("RecordVisit").WithSummary("Record a visit")
            .Accepts<VisitRequest>("application/json").Produces<RecordedResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/profiles/{id:int}/orders", RecordOrderAsync).Scope(ApiScopes.RecordActivity)
            .WithName("RecordOrder").WithSummary("Record an order")
            .Accepts<OrderRequest>("application/json").Produces<RecordedResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/profiles/{id:int}/donations", RecordDonationAsync).Scope(ApiScopes.RecordActivity)
            .WithName("RecordDonation").WithSummary("Record a donation")
            .Accepts<DonationRequest>("application/json").Produces<RecordedResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/profiles/{id:int}/consent", SetConsentAsync).Scope(ApiScopes.WriteProfiles)
            .WithName("SetConsent").WithSummary("Record the customer's email or SMS consent, given on a website or at checkout")
            .Accepts<ConsentRequest>("application/json").Produces<ConsentView>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/groups", ListGroupsAsync).Scope(ApiScopes.Read)
            .WithName("ListGroups").WithSummary("The groups, with their member counts")
            .Produces<IReadOnlyList<GroupView>>();
        api.MapGet("/groups/{id:int}/members", GroupMembersAsync).Scope(ApiScopes.Read)
            .WithName("ListGroupMembers").WithSummary($"A group's current members by name, a page at a time (size at most {MaxPageSize})")
            .Produces<GroupMembersResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>The scope an endpoint needs (checked before the Domain checks the permissions the scope grants).</summary>
    private sealed record RequiredScope(ApiScopes Scope);

    private static RouteHandlerBuilder Scope(this RouteHandlerBuilder builder, ApiScopes scope) =>
        builder.WithMetadata(new RequiredScope(scope)).WithDescription($"Needs an API key with the “{scope.Describe()}” scope.");

    /// <summary>Runs the endpoint as the key's actor and turns the Domain's refusals into problems.</summary>
    private static async ValueTask<object?> RunAsKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Features.Get<ApiCaller>() is not { Accepted: true, Check: { Actor: { } actor } check })
        {
            return ApiProblems.Unauthorized(ApiKeyAuthenticationHandler.MissingKey); // not reached: the policy refused already
        }

        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is { } required)
        {
            if (!check.Scopes.HasFlag(required.Scope))
            {
                return ApiProblems.Forbidden($"This API key does not have the “{required.Scope.Describe()}” scope. The owner can create a key with it in Settings → API keys.");
            }
        }

        using var _ = StaffAccess.As(actor);
        try
        {
            return await next(context);
        }
        catch (DomainException e)
        {
            return ApiProblems.FromDomain(e);
        }
    }

    private static async Task<IResult> UpsertProfileAsync(HttpContext http, CustomerService customers, ApiOptions options)
    {
        var (body, problem) = await ApiJson.ReadAsync<ProfileUpsertRequest>(http.Request, options);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Errors() is { Count: > 0 } errors)
        {
            return ApiProblems.Validation(errors);
        }

        var result = await customers.UpsertAsync(body.ToInput(), CustomerSource.Api, http.RequestAborted);
        ApiCallLog.Concerns(http, result.Id);
        var response = new ProfileUpsertResponse(result.Id, result.Created, result.Version);
        return result.Created ? TypedResults.Created(ProfilePath(result.Id), response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> GetProfileAsync(int id, HttpContext http, CustomerService customers, ConsentService consent, GroupService groups)
    {
        ApiCallLog.Concerns(http, id);
        var p = await customers.GetAsync(id, http.RequestAborted);
        var (email, sms) = await consent.GetAsync(id, http.RequestAborted);
        var memberOf = await groups.GroupsOfAsync(id, http.RequestAborted);
        return TypedResults.Ok(new ProfileResponse(p.Id, p.FirstName, p.LastName, p.Email, p.Phone, p.AddressLine, p.PostalCode, p.City, p.Country,
            p.Birthday, ApiProblems.JsonName(p.Source.ToString()), p.CreatedAt, p.UpdatedAt, p.Version,
            p.Engagement.VisitCount, p.Engagement.FirstVisitAt, p.Engagement.LastVisitAt, p.Engagement.LoyaltyPoints,
            ConsentView.Of(email), ConsentView.Of(sms), [.. memberOf.Select(g => new ProfileGroupView(g.GroupId, g.Name, g.EnteredAt))]));
    }

    private static Task<IResult> RecordVisitAsync(int id, HttpContext http, ActivityService activity, ApiOptions options) =>
        RecordAsync<VisitRequest>(id, http, options, (body, ct) =>
            activity.RecordVisitAsync(id, new VisitInput { At = body.At?.UtcDateTime, Location = body.Location }, ct));

    private static Task<IResult> RecordOrderAsync(int id, HttpContext http, ActivityService activity, ApiOptions options) =>
        RecordAsync<OrderRequest>(id, http, options, (body, ct) =>
            activity.RecordOrderAsync(id, new OrderInput { At = body.At?.UtcDateTime, Amount = body.Amount, Kind = body.Kind }, ct));

    private static Task<IResult> RecordDonationAsync(int id, HttpContext http, ActivityService activity, ApiOptions options) =>
        RecordAsync<DonationRequest>(id, http, options, (body, ct) =>
            activity.RecordDonationAsync(id, new DonationInput { At = body.At?.UtcDateTime, Amount = body.Amount }, ct));

    /// <summary>One piece of activity for a profile: the body read strictly, recorded, answered with where it went.</summary>
    private static async Task<IResult> RecordAsync<TRequest>(int id, HttpContext http, ApiOptions options, Func<TRequest, CancellationToken, Task<int>> record)
        where TRequest : class
    {
        ApiCallLog.Concerns(http, id);
        var (body, problem) = await ApiJson.ReadAsync<TRequest>(http.Request, options);
        if (problem is not null)
        {
            return problem;
        }

        var recordedId = await record(body!, http.RequestAborted);
        return TypedResults.Created(ProfilePath(id), new RecordedResponse(recordedId, id));
    }

    private static async Task<IResult> SetConsentAsync(int id, HttpContext http, ConsentService consent, ApiOptions options)
    {
        ApiCallLog.Concerns(http, id);
        var (body, problem) = await ApiJson.ReadAsync<ConsentRequest>(http.Request, options);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>();
        if (body!.Channel is null)
        {
            errors["channel"] = ["Say which channel: email or sms."];
        }

        if (body.Status is null)
        {
            errors["status"] = ["Say subscribed or unsubscribed."];
        }

        if (body.Origin is null)
        {
            errors["origin"] = ["Say where the customer chose: website or checkout."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var result = await consent.SetFromCustomerAsync(id, body.Channel!.Value, body.Status!.Value, body.Origin!.Value, http.RequestAborted);
        return TypedResults.Ok(ConsentView.Of(result));
    }

    private static async Task<IResult> ListGroupsAsync(HttpContext http, GroupService groups)
    {
        var list = await groups.ListAsync(http.RequestAborted);
        return TypedResults.Ok(list.Select(g => new GroupView(g.Id, g.Name, ApiProblems.JsonName(g.Kind.ToString()),
            g.Predefined is { } p ? ApiProblems.JsonName(p.ToString()) : null, g.Members)).ToList());
    }

    private static async Task<IResult> GroupMembersAsync(int id, int? page, int? size, HttpContext http, GroupService groups)
    {
        var (pageNumber, pageSize) = (page ?? 1, size ?? 50);
        var errors = new Dictionary<string, string[]>();
        if (pageNumber is < 1 or > 1_000_000)
        {
            errors["page"] = ["The page starts at 1."];
        }

        if (pageSize < 1 || pageSize > MaxPageSize)
        {
            errors["size"] = [string.Create(CultureInfo.InvariantCulture, $"The page size is 1 to {MaxPageSize}.")];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var members = await groups.MembersAsync(id, new GroupMemberQuery(Skip: (pageNumber - 1) * pageSize, Take: pageSize), http.RequestAborted);
        var next = (long)pageNumber * pageSize < members.Total ? pageNumber + 1 : (int?)null;
        return TypedResults.Ok(new GroupMembersResponse(id, pageNumber, pageSize, members.Total, next,
            [.. members.Rows.Select(m => new GroupMemberView(m.CustomerId, m.FirstName, m.LastName, m.Email, m.EnteredAt,
                ApiProblems.JsonName(m.EmailConsent.ToString()), ApiProblems.JsonName(m.SmsConsent.ToString())))]));
    }

    private static string ProfilePath(int id) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}/profiles/{id}");
}
