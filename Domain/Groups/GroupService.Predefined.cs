using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Groups;

// The business type setting and the groups the product creates for it (Regulars, Lapsed, Email subscribers…).
public sealed partial class GroupService
{
    private const string BusinessTypeKey = "BusinessType";
    private const string PredefinedCreatedKey = "PredefinedGroupsCreated";

    /// <summary>The merchant's business type (Retail until someone chooses).</summary>
    public async Task<BusinessType> GetBusinessTypeAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var value = await db.MerchantSettings.Where(s => s.Key == BusinessTypeKey).Select(s => s.Value).SingleOrDefaultAsync(ct);
        return Enum.TryParse<BusinessType>(value, out var type) && Enum.IsDefined(type) ? type : BusinessType.Retail;
    }

    /// <summary>
    /// Sets the business type. With <paramref name="resetRules"/>, Regulars and Lapsed get that type's rules back
    /// (a new rule version each, evaluated at once); without, edited rules stay as the merchant left them.
    /// </summary>
    public async Task SetBusinessTypeAsync(BusinessType type, bool resetRules, string actor, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageSettings, ct);
        if (!Enum.IsDefined(type))
        {
            throw new DomainException("Choose one of the business types.", "BusinessType");
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await SetAsync(db, BusinessTypeKey, type.ToString(), ct);
            await db.SaveChangesAsync(ct);
        }

        changes.Publish(ChangeKind.GroupsChanged);
        if (!resetRules)
        {
            return;
        }

        foreach (var predefined in new[] { PredefinedGroup.Regulars, PredefinedGroup.Lapsed })
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var group = await db.Groups.SingleOrDefaultAsync(g => g.Predefined == predefined, ct);
            if (group is null)
            {
                continue; // deleted by the merchant: not brought back
            }

            var now = clock.GetUtcNow().UtcDateTime;
            group.Describe(group.Name, PredefinedGroups.Description(predefined, type), now);
            var changed = group.ChangeRule(PredefinedGroups.Rule(predefined, type).ToJson(), null, now);
            await db.SaveChangesAsync(ct);
            changes.Publish(ChangeKind.GroupsChanged, groupId: group.Id);
            if (changed)
            {
                await engine.EvaluateGroupAsync(group.Id, MembershipCause.RuleEdit, actor, ct: ct);
            }
        }
    }

    /// <summary>
    /// Creates the predefined groups once, for the current business type (at start-up; <see cref="GroupStartup"/> evaluates them). A predefined group the
    /// merchant deleted is not created again; a name already taken by the merchant's own group is skipped.
    /// </summary>
    public async Task EnsurePredefinedAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageSettings, ct);
        var type = await GetBusinessTypeAsync(ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.MerchantSettings.AnyAsync(s => s.Key == PredefinedCreatedKey, ct))
            {
                return;
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var taken = await db.Groups.Select(g => g.NameKey).ToListAsync(ct);
            foreach (var predefined in Enum.GetValues<PredefinedGroup>())
            {
                var name = PredefinedGroups.Name(predefined);
                if (!taken.Contains(Group.Key(name)))
                {
                    db.Groups.Add(Group.Create(name, PredefinedGroups.Description(predefined, type), GroupKind.Automated,
                        PredefinedGroups.Rule(predefined, type).ToJson(), null, predefined, "Directory", now));
                }
            }

            await SetAsync(db, PredefinedCreatedKey, "true", ct);
            await db.SaveChangesAsync(ct);
        }

        changes.Publish(ChangeKind.GroupsChanged);
    }

    private static async Task SetAsync(Data.DirectoryDbContext db, string key, string value, CancellationToken ct)
    {
        var setting = await db.MerchantSettings.SingleOrDefaultAsync(s => s.Key == key, ct);
        if (setting is null)
        {
            db.MerchantSettings.Add(new MerchantSetting { Key = key, Value = value });
        }
        else
        {
            setting.Value = value;
        }
    }
}
