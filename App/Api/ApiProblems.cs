using System.Text.Json;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.App.Api;

/// <summary>
/// Every API error is an RFC 9457 problem (<c>application/problem+json</c>: type, title, status, detail), with the
/// field errors of a validation problem under <c>errors</c> ({"amount": ["The amount cannot be negative."]}).
/// Field names are the JSON ones (camelCase).
/// </summary>
internal static class ApiProblems
{
    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeOf(status));

    /// <summary>Where the status is defined (RFC 9110, and RFC 6585 for 429), as problem types without more meaning.</summary>
    private static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        _ => "about:blank",
    };

    public static IResult Validation(IDictionary<string, string[]> errors, string detail = "Some fields are not valid; nothing was changed.") =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "The request is not valid.");

    public static IResult Field(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [JsonName(field)] = [message] }, message);

    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "No valid API key.", detail);

    public static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Not allowed for this API key.", detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found.", detail);

    /// <summary>A refusal of the Domain, as the API says it: the same rules and words as the screens.</summary>
    public static IResult FromDomain(DomainException e) => e switch
    {
        ForbiddenException => Forbidden(e.Message),
        NotFoundException => NotFound(e.Message),
        AmbiguousProfileException or DuplicateEmailException or ConcurrencyConflictException =>
            Problem(StatusCodes.Status409Conflict, "Conflict with the directory's data.", e.Message),
        { Field: { } field } => Field(field, e.Message),
        _ => Problem(StatusCodes.Status400BadRequest, "The request is not valid.", e.Message),
    };

    /// <summary>"Amount" (a Domain field) as the JSON names it: "amount".</summary>
    public static string JsonName(string field) => JsonNamingPolicy.CamelCase.ConvertName(field);

    /// <summary>The words for a bare status (a route that does not exist, a method not allowed).</summary>
    public static IResult ForStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => NotFound("There is no such API address. The document at /api/v1/openapi.json lists them."),
        StatusCodes.Status405MethodNotAllowed => Problem(status, "Method not allowed.", "This address does not accept this method. The document at /api/v1/openapi.json lists what it accepts."),
        StatusCodes.Status413PayloadTooLarge => Problem(status, "Request too large.", "The request body is too large."),
        StatusCodes.Status415UnsupportedMediaType => Problem(status, "Unsupported media type.", "Send JSON with Content-Type: application/json."),
        _ => Problem(status, "Request failed.", $"The request failed with status {status}."),
    };
}
