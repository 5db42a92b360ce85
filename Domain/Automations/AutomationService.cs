using System.Globalization;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerDirectory.Domain.Automations;

/// <summary>
/// Automations (Marketing → Automations): "when someone enters or leaves group X, send a signed webhook", their
/// secrets, the deliveries held by the storm guard, the delivery log and resends. Everything needs ManageAutomations.
/// </summary>
public sealed class AutomationService(
    IDbContextFactory<DirectoryDbContext> dbFactory, StaffAccess access, TimeProvider clock, ChangeFeed changes, AuditLog audit,
    AutomationOutbox outbox, WebhookAddressGuard guard, AutomationOptions options, IWebhookNudge nudge)
{
    public const int MaxCooldownDays = 3650;
    public const int MaxHoldThreshold = 1_000_000;

    private static NotFoundException NotFound() => new("This automation does not exist (it may have been deleted).");

    public async Task<IReadOnlyList<AutomationSummary>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.AutomationDeliveries.AsNoTracking()
            .GroupBy(d => new { d.AutomationId, d.Status })
            .Select(g => new { g.Key.AutomationId, g.Key.Status, Count = g.Count(), Last = g.Max(d => d.DeliveredAt) })
            .ToListAsync(ct);
        var automations = await db.Automations.AsNoTracking()
            .Join(db.Groups, a => a.GroupId, g => g.Id, (a, g) => new { a, GroupName = g.Name })
            .OrderBy(x => x.a.Name)
            .ToListAsync(ct);
        return [.. automations.Select(x =>
        {
            int Count(DeliveryStatus status) => counts.Where(c => c.AutomationId == x.a.Id && c.Status == status).Sum(c => c.Count);
            var last = counts.Where(c => c.AutomationId == x.a.Id && c.Status == DeliveryStatus.Delivered).Select(c => c.Last).FirstOrDefault();
            return new AutomationSummary(x.a.Id, x.a.Name, x.a.GroupId, x.GroupName, x.a.Trigger, x.a.Url, x.a.Paused,
                Count(DeliveryStatus.Pending), Count(DeliveryStatus.Held), Count(DeliveryStatus.Delivered), Count(DeliveryStatus.Failed), last);
        })];
    }

    public async Task<AutomationDetails> GetAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Automations.AsNoTracking().Where(a => a.Id == id)
            .Join(db.Groups, a => a.GroupId, g => g.Id, (a, g) => new AutomationDetails(
                a.Id, a.Name, a.GroupId, g.Name, a.Trigger, a.Url, a.Secret, a.IncludeCurrentMembers, a.Reentry, a.CooldownDays,
                a.CountRuleEdits, a.CountImports, a.HoldThreshold, a.Paused, a.CreatedAt, a.CreatedBy, a.SecretRotatedAt))
            .SingleOrDefaultAsync(ct) ?? throw NotFound();
    }

    /// <summary>
    /// Creates an automation; with "include current members" the group's members are sent once now (held when more
    /// than the threshold). Returns its id.
    /// </summary>
    public async Task<int> CreateAsync(AutomationInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        var actor = access.RequireActor();
        await RequireContactDetailsAsync(ct);
        await ValidateAsync(input, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Groups.AnyAsync(g => g.Id == input.GroupId, ct))
        {
            throw new DomainException("Choose the group this automation watches.", nameof(AutomationInput.GroupId));
        }

        var automation = Automation.Create(input, input.GroupId, now, actor.Name.Length > 200 ? actor.Name[..200] : actor.Name);
        int backfilled;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Written first: from here this transaction holds the write lock, so the members read next are exactly
            // those before the automation exists, and every later entry goes through the outbox.
            db.Automations.Add(automation);
            await db.SaveChangesAsync(ct);
            outbox.Invalidate();
            backfilled = 0;
            if (input.IncludeCurrentMembers && input.Trigger == AutomationTrigger.Entered)
            {
                var members = await db.GroupMembers.AsNoTracking().Where(m => m.GroupId == input.GroupId && m.LeftAt == null)
                    .OrderBy(m => m.CustomerId).Select(m => m.CustomerId).ToArrayAsync(ct);
                backfilled = outbox.Backfill(db.Database.GetDbConnection(), db.Database.CurrentTransaction?.GetDbTransaction(), automation.Id, input.GroupId, members, now);
            }

            await tx.CommitAsync(ct);
        }

        outbox.Invalidate();
        changes.Publish(ChangeKind.AutomationsChanged);
        if (backfilled > 0)
        {
            nudge.Nudge();
        }

        return automation.Id;
    }

    public async Task UpdateAsync(int id, AutomationInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await RequireContactDetailsAsync(ct);
        await ValidateAsync(input, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var automation = await db.Automations.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw NotFound();
        automation.Apply(input);
        await db.SaveChangesAsync(ct);
        outbox.Invalidate();
        changes.Publish(ChangeKind.AutomationsChanged);
        nudge.Nudge(); // resumed: what waited goes now
    }

    /// <summary>Deletes the automation with its outbox and log (pending deliveries are not sent).</summary>
    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var automation = await db.Automations.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw NotFound();
        db.Automations.Remove(automation);
        await db.SaveChangesAsync(ct);
        outbox.Invalidate();
        changes.Publish(ChangeKind.AutomationsChanged);
    }

    /// <summary>Replaces the signing secret at once (the receiver must be given the new one); returns it.</summary>
    public async Task<string> RotateSecretAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var automation = await db.Automations.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw NotFound();
        automation.RotateSecret(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.AutomationsChanged);
        return automation.Secret;
    }

    /// <summary>The deliveries the storm guard holds, by the write that caused them.</summary>
    public async Task<IReadOnlyList<HeldBatch>> HeldAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var parts = await db.AutomationDeliveries.AsNoTracking()
            .Where(d => d.AutomationId == id && d.Status == DeliveryStatus.Held && d.HoldBatch != null)
            .GroupBy(d => new { d.HoldBatch, d.Cause })
            .Select(g => new { g.Key.HoldBatch, g.Key.Cause, Count = g.Count(), Since = g.Min(d => d.OccurredAt) })
            .ToListAsync(ct);
        // One write can mix causes (a data change and a consent change in one pass): the batch shows its main one.
        return [.. parts.GroupBy(p => p.HoldBatch!)
            .Select(g => new HeldBatch(g.Key, g.Sum(p => p.Count), g.Min(p => p.Since), g.MaxBy(p => p.Count)!.Cause))
            .OrderBy(b => b.Since)];
    }

    /// <summary>"Send them": the held deliveries of one storm become pending; returns how many.</summary>
    public Task<int> ReleaseHeldAsync(int id, string? batch, CancellationToken ct = default) => DecideHeldAsync(id, batch, send: true, ct);

    /// <summary>"Discard": the held deliveries of one storm are never sent; returns how many.</summary>
    public Task<int> DiscardHeldAsync(int id, string? batch, CancellationToken ct = default) => DecideHeldAsync(id, batch, send: false, ct);

    private async Task<int> DecideHeldAsync(int id, string? batch, bool send, CancellationToken ct, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        await access.RequireAsync(Permission.ManageAutomations, ct, operation);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = await db.Automations.Where(a => a.Id == id).Select(a => a.Name).SingleOrDefaultAsync(ct) ?? throw NotFound();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var held = db.AutomationDeliveries.Where(d => d.AutomationId == id && d.Status == DeliveryStatus.Held && d.HoldBatch == batch);
        var count = send
            ? await held.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.NextAttemptAt, now).SetProperty(d => d.GiveUpAt, now + options.RetryFor), ct)
            : await held.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Discarded), ct);
        if (count == 0)
        {
            throw new DomainException("These deliveries are no longer held (someone may have decided already).");
        }

        await audit.WriteAsync(db, new AuditEvent(
            send ? "automation.held-sent" : "automation.held-discarded",
            send ? $"Sent {count:N0} held deliveries of the automation “{name}”" : $"Discarded {count:N0} held deliveries of the automation “{name}”",
            "automation", id.ToString(CultureInfo.InvariantCulture)), ct);
        await tx.CommitAsync(ct);
        changes.Publish(ChangeKind.AutomationsChanged);
        if (send)
        {
            nudge.Nudge();
        }

        return count;
    }

    /// <summary>The delivery log, newest first; optionally one status.</summary>
    public async Task<DeliveryPage> DeliveriesAsync(int id, DeliveryStatus? status = null, int skip = 0, int take = 50, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = db.AutomationDeliveries.AsNoTracking().Where(d => d.AutomationId == id);
        if (status is { } s)
        {
            rows = rows.Where(d => d.Status == s);
        }

        var total = await rows.CountAsync(ct);
        var page = await rows.OrderByDescending(d => d.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(d => new DeliveryRow(d.Id, d.EventId, d.CustomerId,
                db.Customers.Where(c => c.Id == d.CustomerId).Select(c => c.FirstName + " " + c.LastName).FirstOrDefault(),
                d.Type, d.Cause, d.OccurredAt, d.Status, d.Attempts, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.DeliveredAt, d.NextAttemptAt))
            .ToListAsync(ct);
        return new DeliveryPage(page, total);
    }

    /// <summary>Every attempt of one delivery, oldest first.</summary>
    public async Task<IReadOnlyList<AttemptRow>> AttemptsAsync(long deliveryId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.DeliveryAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Id)
            .Select(a => new AttemptRow(a.At, a.StatusCode, a.Error, a.DurationMs)).ToListAsync(ct);
    }

    /// <summary>Sends one delivery again (same event id and body), whatever its status but held or discarded.</summary>
    public async Task ResendAsync(long deliveryId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.AutomationDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, ct) ?? throw new NotFoundException("This delivery does not exist.");
        if (delivery.Status is DeliveryStatus.Held or DeliveryStatus.Discarded)
        {
            throw new DomainException("A held or discarded delivery is sent with “Send them” on its storm, not one by one.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        (delivery.Status, delivery.NextAttemptAt, delivery.GiveUpAt, delivery.DeliveredAt) = (DeliveryStatus.Pending, now, now + options.RetryFor, null);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(db, new AuditEvent("automation.resent", $"Resent the webhook {delivery.EventId}", "automation",
            delivery.AutomationId.ToString(CultureInfo.InvariantCulture), delivery.CustomerId), ct);
        await tx.CommitAsync(ct);
        changes.Publish(ChangeKind.AutomationsChanged);
        nudge.Nudge();
    }

    private async Task RequireContactDetailsAsync(CancellationToken ct)
    {
        // The payload carries email and phone: nobody may route what they could not see themselves.
        if (!(await access.FieldsAsync(ct)).Contact)
        {
            throw new ForbiddenException("A webhook sends each person's email and phone, so setting one up needs “View contact details”.");
        }
    }

    private async Task ValidateAsync(AutomationInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new DomainException("Give the automation a name.", nameof(AutomationInput.Name));
        }

        if (name.Length > Automation.NameMaxLength)
        {
            throw new DomainException($"The name is longer than {Automation.NameMaxLength} characters.", nameof(AutomationInput.Name));
        }

        if (!Enum.IsDefined(input.Trigger) || !Enum.IsDefined(input.Reentry))
        {
            throw new DomainException("Choose when the automation fires.", nameof(AutomationInput.Trigger));
        }

        if (input.Reentry == ReentryPolicy.AfterCooldown && input.CooldownDays is < 1 or > MaxCooldownDays)
        {
            throw new DomainException($"The cooldown is between 1 and {MaxCooldownDays} days.", nameof(AutomationInput.CooldownDays));
        }

        if (input.HoldThreshold is < 1 or > MaxHoldThreshold)
        {
            throw new DomainException($"Hold deliveries above a number between 1 and {MaxHoldThreshold:N0}.", nameof(AutomationInput.HoldThreshold));
        }

        if (await guard.ProblemWithAsync(input.Url, ct) is { } problem)
        {
            throw new DomainException(problem, nameof(AutomationInput.Url));
        }
    }
}
