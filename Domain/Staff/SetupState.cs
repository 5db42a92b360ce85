using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Staff;

/// <summary>
/// Whether first-run setup is still open (no user exists yet). Once an owner exists it stays closed,
/// so after the first "no" answer no request pays for the database check again.
/// </summary>
public sealed class SetupState(IDbContextFactory<DirectoryDbContext> dbFactory)
{
    private volatile bool _completed;

    public async Task<bool> IsSetupRequiredAsync(CancellationToken ct = default)
    {
        if (_completed)
        {
            return false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        _completed = await db.Users.AnyAsync(ct);
        return !_completed;
    }

    internal void MarkCompleted() => _completed = true;
}
