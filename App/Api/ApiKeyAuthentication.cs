using System.Security.Claims;
using System.Text.Encodings.Web;
using CustomerDirectory.Domain.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CustomerDirectory.App.Api;

/// <summary>What the request's key turned out to be (set by <see cref="ApiKeyAuthenticationHandler"/>).</summary>
/// <param name="Check">The verdict, or null when no key was sent.</param>
/// <param name="Problem">Why the call is refused, in words; null when accepted.</param>
/// <param name="PresentedPrefix">The visible start of the key sent ("dir_a1b2c3d4"), for the audit line.</param>
internal sealed record ApiCaller(ApiKeyCheck? Check, string? Problem, string? PresentedPrefix)
{
    public bool Accepted => Check is { Outcome: ApiKeyOutcome.Accepted };
}

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>, checked against the database at every call. Only API endpoints use this
/// scheme, and they use nothing else: a browser's sign-in cookie opens no API call (so no cross-site request can make
/// one), and a refusal is a 401/403 problem in JSON, never a redirect to the sign-in page.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string MissingKey = "Send an API key: Authorization: Bearer <key>. The owner creates keys in Settings → API keys.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            Context.Features.Set(new ApiCaller(null, MissingKey, null));
            return AuthenticateResult.NoResult();
        }

        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var check = await keys.AuthenticateAsync(token, Context.RequestAborted);
        var prefix = check.Outcome == ApiKeyOutcome.Malformed ? null : ApiKeySecret.PrefixOf(token!);
        var problem = check.Outcome switch
        {
            ApiKeyOutcome.Accepted => null,
            ApiKeyOutcome.Malformed => token is null
                ? "The Authorization header must be “Bearer ” followed by the API key."
                : $"This is not an API key: keys start with “dir_” and are {ApiKeySecret.Length} characters long. Check that it was copied whole.",
            ApiKeyOutcome.Revoked => $"The API key {prefix}… was revoked. The owner can create a new one in Settings → API keys.",
            _ => $"The API key {prefix}… is not known here. Check that it was copied whole, or create one in Settings → API keys.",
        };
        Context.Features.Set(new ApiCaller(check, problem, prefix));
        if (problem is not null)
        {
            return AuthenticateResult.Fail(problem);
        }

        var actor = check.Actor!;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, actor.Id), new Claim(ClaimTypes.Name, actor.Name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var caller = Context.Features.Get<ApiCaller>();
        Response.Headers.WWWAuthenticate = caller?.Check is null ? "Bearer realm=\"directory\"" : "Bearer realm=\"directory\", error=\"invalid_token\"";
        return ApiProblems.Unauthorized(caller?.Problem ?? MissingKey).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Forbidden("This API key may not make this call.").ExecuteAsync(Context);
}
