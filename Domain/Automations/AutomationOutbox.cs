using System.Data.Common;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Groups;

namespace CustomerDirectory.Domain.Automations;

/// <summary>
/// Writes the webhook outbox beside the membership ledger: the group engine's ledger writer calls it with its own
/// connection and transaction for every batch of entries or exits, so a delivery exists exactly when its ledger row
/// does. The automations watching each group are kept in memory (reloaded after an automation changes), so a group
/// nobody watches (the common case) costs one dictionary lookup per batch.
/// </summary>
public sealed class AutomationOutbox(IWebhookNudge nudge, ChangeFeed changes, AutomationOptions options)
{
    /// <summary>The cause a backfilled member is sent with.</summary>
    public const string BackfillCause = "Backfill";

    private Dictionary<int, Watching[]>? _byGroup;
    private long _version;
    private int _wrote;

    /// <summary>An automation that is not paused, as the outbox needs it.</summary>
    internal sealed record Watching(int Id, AutomationTrigger Trigger, ReentryPolicy Reentry, int CooldownDays, bool CountRuleEdits, bool CountImports, int HoldThreshold);

    /// <summary>After an automation was created, edited, paused or deleted: the next write re-reads them.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        Volatile.Write(ref _byGroup, null);
    }

    /// <summary>Whether any automation watches the group (the engine may skip work when none does).</summary>
    internal bool Watches(int groupId, DbConnection connection, DbTransaction? transaction) => Load(connection, transaction).ContainsKey(groupId);

    /// <summary>
    /// Adds the deliveries the ledger batch causes, inside the caller's transaction: for each automation of the group
    /// and direction, the people whose cause counts and whose re-entry is allowed; more than its threshold are held.
    /// </summary>
    internal int Record(DbConnection connection, DbTransaction? transaction, int groupId, int[] ids, Func<int, MembershipCause> cause, AutomationTrigger trigger, DateTime now)
    {
        if (ids.Length == 0 || !Load(connection, transaction).TryGetValue(groupId, out var watching))
        {
            return 0;
        }

        var written = 0;
        foreach (var automation in watching)
        {
            if (automation.Trigger != trigger)
            {
                continue;
            }

            var counted = ids.Where(id => cause(id) switch
            {
                MembershipCause.RuleEdit => automation.CountRuleEdits,
                MembershipCause.Import => automation.CountImports,
                _ => true,
            });
            written += Write(connection, transaction, automation, groupId, counted, id => cause(id).ToString(), now);
        }

        if (written > 0)
        {
            Interlocked.Exchange(ref _wrote, 1);
        }

        return written;
    }

    /// <summary>The group's current members, sent once when an automation is created with "include current members".</summary>
    internal int Backfill(DbConnection connection, DbTransaction? transaction, int automationId, int groupId, int[] members, DateTime now)
    {
        var automation = LoadOne(connection, transaction, automationId);
        return automation is null ? 0 : Write(connection, transaction, automation, groupId, members, _ => BackfillCause, now);
    }

    /// <summary>After the caller's transaction committed: the dispatcher sends at once, and open screens refresh.</summary>
    public void Committed()
    {
        if (Interlocked.Exchange(ref _wrote, 0) == 1)
        {
            changes.Publish(ChangeKind.AutomationsChanged);
            nudge.Nudge();
        }
    }

    private int Write(DbConnection connection, DbTransaction? transaction, Watching automation, int groupId, IEnumerable<int> ids, Func<int, string> cause, DateTime now)
    {
        var chosen = new List<int>();
        if (automation.Reentry == ReentryPolicy.Always)
        {
            chosen.AddRange(ids);
        }
        else
        {
            // Someone this automation already sent (within the cooldown, or ever) is not sent again.
            using var sent = Command(connection, transaction,
                "SELECT EXISTS (SELECT 1 FROM AutomationDeliveries WHERE AutomationId = @a AND CustomerId = @c AND OccurredAt > @since AND Status <> 'Discarded')",
                "@a", "@c", "@since");
            sent.Parameters["@a"].Value = automation.Id;
            sent.Parameters["@since"].Value = automation.Reentry == ReentryPolicy.Never ? DateTime.MinValue : now.AddDays(-automation.CooldownDays);
            sent.Prepare();
            foreach (var id in ids)
            {
                sent.Parameters["@c"].Value = id;
                if (Convert.ToInt64(sent.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    chosen.Add(id);
                }
            }
        }

        if (chosen.Count == 0)
        {
            return 0;
        }

        var held = chosen.Count > automation.HoldThreshold;
        using var insert = Command(connection, transaction,
            "INSERT INTO AutomationDeliveries (AutomationId, EventId, GroupId, CustomerId, Type, Cause, OccurredAt, Status, HoldBatch, Attempts, NextAttemptAt, GiveUpAt) "
            + "VALUES (@a, @e, @g, @c, @type, @cause, @at, @status, @batch, 0, @at, @giveUp)",
            "@a", "@e", "@g", "@c", "@type", "@cause", "@at", "@status", "@batch", "@giveUp");
        var p = insert.Parameters;
        p["@a"].Value = automation.Id;
        p["@g"].Value = groupId;
        p["@type"].Value = automation.Trigger.ToString();
        p["@at"].Value = now;
        p["@status"].Value = (held ? DeliveryStatus.Held : DeliveryStatus.Pending).ToString();
        p["@batch"].Value = held ? Guid.CreateVersion7().ToString("N") : DBNull.Value;
        p["@giveUp"].Value = now + options.RetryFor;
        insert.Prepare();
        foreach (var id in chosen)
        {
            p["@e"].Value = Guid.CreateVersion7().ToString();
            p["@c"].Value = id;
            p["@cause"].Value = cause(id);
            insert.ExecuteNonQuery();
        }

        return chosen.Count;
    }

    private Dictionary<int, Watching[]> Load(DbConnection connection, DbTransaction? transaction)
    {
        if (Volatile.Read(ref _byGroup) is { } loaded)
        {
            return loaded;
        }

        var version = Interlocked.Read(ref _version);
        var all = Read(connection, transaction, null);
        var byGroup = all.GroupBy(a => a.GroupId).ToDictionary(g => g.Key, g => g.Select(a => a.Watching).ToArray());
        if (Interlocked.Read(ref _version) == version)
        {
            Volatile.Write(ref _byGroup, byGroup); // not cached when an automation changed meanwhile: read again next time
        }

        return byGroup;
    }

    private static Watching? LoadOne(DbConnection connection, DbTransaction? transaction, int automationId) =>
        Read(connection, transaction, automationId).Select(a => a.Watching).SingleOrDefault();

    private static List<(int GroupId, Watching Watching)> Read(DbConnection connection, DbTransaction? transaction, int? automationId)
    {
        using var command = Command(connection, transaction,
            "SELECT Id, GroupId, \"Trigger\", Reentry, CooldownDays, CountRuleEdits, CountImports, HoldThreshold FROM Automations WHERE "
            + (automationId is null ? "Paused = 0" : "Id = @id"), "@id");
        command.Parameters["@id"].Value = (object?)automationId ?? DBNull.Value;
        using var reader = command.ExecuteReader();
        var result = new List<(int, Watching)>();
        while (reader.Read())
        {
            result.Add((reader.GetInt32(1), new Watching(
                reader.GetInt32(0), Enum.Parse<AutomationTrigger>(reader.GetString(2)), Enum.Parse<ReentryPolicy>(reader.GetString(3)),
                reader.GetInt32(4), reader.GetBoolean(5), reader.GetBoolean(6), reader.GetInt32(7))));
        }

        return result;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
