using System.Globalization;
using CustomerDirectory.App.Transfer;
using CustomerDirectory.Domain.Audiences;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.App.Audiences;

/// <summary>
/// <c>GET /export/audience-snapshots/{id}.csv</c> (<c>?leaveOut=true</c> to leave out people who can no longer be
/// contacted, instead of flagging them): a frozen audience as CSV, streamed from <see cref="AudienceService"/>, which
/// checks Build audiences, Export and View contact details before the first byte and audits the download.
/// </summary>
internal static class AudienceEndpoints
{
    public static string SnapshotAddress(int snapshotId, bool leaveOut) =>
        string.Create(CultureInfo.InvariantCulture, $"export/audience-snapshots/{snapshotId}.csv{(leaveOut ? "?leaveOut=true" : "")}");

    public static IEndpointRouteBuilder MapAudienceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/export/audience-snapshots/{id:int}.csv", (int id, bool? leaveOut, HttpContext context, AudienceService audiences) =>
                ExportEndpoints.StreamCsvAsync(context, string.Create(CultureInfo.InvariantCulture, $"audience-snapshot-{id}.csv"),
                    (body, ct) => audiences.WriteSnapshotCsvAsync(id, leaveOut == true, body, ct)))
            .RequireAuthorization(nameof(Permission.BuildAudiences));
        return endpoints;
    }
}
