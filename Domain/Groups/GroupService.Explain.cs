using System.Globalization;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Groups;

// "Why is this person (not) in this group?": every condition of the rule evaluated for one person by the same engine
// that decides membership, with the person's actual value next to it.
public sealed partial class GroupService
{
    public async Task<GroupExplanation> ExplainAsync(int groupId, int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        var group = await GetAsync(groupId, ct);
        var facts = await ProfileFacts.LoadAsync(dbFactory, customerId, merchant, clock.GetUtcNow().UtcDateTime, ct);
        var members = await engine.MembersOfAsync(groupId, ct);
        var isMember = members.Contains(customerId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = await db.GroupMembers.AsNoTracking()
            .Where(m => m.GroupId == groupId && m.CustomerId == customerId && m.LeftAt == null)
            .Select(m => (DateTime?)m.EnteredAt)
            .FirstOrDefaultAsync(ct);
        var @override = await db.GroupOverrides.AsNoTracking()
            .Where(o => o.GroupId == groupId && o.CustomerId == customerId)
            .Select(o => (bool?)o.Include)
            .FirstOrDefaultAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (group.Kind == GroupKind.Manual)
        {
            var manual = isMember ? $"Added by hand on {Local(since!.Value)}." : "Not added to this manual group.";
            return new GroupExplanation(groupId, group.Name, group.Kind, isMember, since, null, null, null, null, now, manual);
        }

        var catalog = await catalogs.GetAsync(ct);
        var fields = await access.FieldsAsync(ct);
        var rule = group.Rule is { } r ? await ExplainNodeAsync(r.Root, catalog, facts, fields, customerId, ct) : null;
        var stay = group.StayRule is { } s ? await ExplainNodeAsync(s.Root, catalog, facts, fields, customerId, ct) : null;
        var summary = (@override, isMember, rule?.Passes ?? false, stay?.Passes) switch
        {
            (true, _, _, _) => "Always included by hand, whatever the rule says.",
            (false, _, _, _) => "Always excluded by hand, whatever the rule says.",
            (_, true, true, _) => "In the group: the rule holds.",
            (_, true, false, true) => "In the group: the rule no longer holds, but the stay rule does, so they stay.",
            (_, true, false, _) when group.Paused => "In the group: the rule no longer holds, but automatic updating is paused.",
            (_, true, false, _) => "In the group, but the rule no longer holds: they leave at the next update.",
            (_, false, true, _) when group.Paused => "Not in the group: the rule holds, but automatic updating is paused.",
            (_, false, true, _) => "Not in the group yet, but the rule holds: they enter at the next update.",
            _ => "Not in the group: the rule does not hold.",
        };
        return new GroupExplanation(groupId, group.Name, group.Kind, isMember, since, @override, rule, stay, group.LastEvaluatedAt, now, summary);
    }

    private async Task<ExplanationNode> ExplainNodeAsync(FilterNode node, FilterCatalog catalog, ProfileFacts facts, FieldAccess fields, int customerId, CancellationToken ct)
    {
        var children = new List<ExplanationNode>();
        foreach (var item in node.Items ?? [])
        {
            children.Add(await ExplainNodeAsync(item, catalog, facts, fields, customerId, ct));
        }

        var text = node.IsGroup
            ? (node.Match == FilterMatch.Any ? "Any of these" : "All of these") + (node.Not ? " (negated)" : "")
            : FilterSentence.DescribeCondition(node, catalog);
        bool passes;
        try
        {
            var bound = FilterBinder.Bind(new FilterDefinition { Root = node.IsGroup ? node : FilterNode.All(node) }, catalog, clock.GetUtcNow().UtcDateTime, merchant.TimeZone);
            passes = (await engine.MatchAsync(bound, [customerId], ct)).Length == 1;
        }
        catch (FilterException e)
        {
            return new ExplanationNode(text, false, e.Message, children);
        }

        // The person's value is shown only when the viewer may see that field (the rule itself is the group's, not theirs).
        var actual = node.IsGroup ? null : fields.MaySee(node.Field) ? facts.ValueOf(node, catalog) : "hidden";
        return new ExplanationNode(text, passes, actual, children);
    }

    private string Local(DateTime utc) => merchant.ToLocal(utc).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
}
