namespace CustomerDirectory.App.Api;

/// <summary>The API's limits (<c>Api:*</c> in appsettings.json).</summary>
/// <param name="RequestsPerMinute">Calls one key may make per minute (a fixed window); then 429 with Retry-After.</param>
/// <param name="MaxBodyBytes">The largest request body read; then 413.</param>
internal sealed record ApiOptions(int RequestsPerMinute, int MaxBodyBytes)
{
    public static ApiOptions From(IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Api:RequestsPerMinute", 120);
        var maxBody = configuration.GetValue("Api:MaxBodyBytes", 16 * 1024);
        if (perMinute < 1 || maxBody < 256)
        {
            throw new InvalidOperationException("Api:RequestsPerMinute must be at least 1 and Api:MaxBodyBytes at least 256.");
        }

        return new ApiOptions(perMinute, maxBody);
    }
}
