using System.Text.Json;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Automations;

/// <summary>
/// Sends the outbox: every pending delivery that is due, signed, at least once. A 2xx answer marks it delivered; anything
/// else is retried with exponential backoff (10 s, 20 s, 40 s… at most an hour apart) until a day has passed, then
/// it is marked failed. A delivery is marked only after the answer, so one cut off by a stop or a crash is still
/// pending and is sent again by the next run (same event id: receivers deduplicate on it).
/// </summary>
public sealed class WebhookDispatcher(
    IDbContextFactory<DirectoryDbContext> dbFactory, StaffAccess access, TimeProvider clock, WebhookClient client, ChangeFeed changes, ILogger<WebhookDispatcher> logger)
{
    private const int Batch = 100;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Sends every due delivery (the delivery job calls it; it runs as Directory).</summary>
    public async Task<DispatchResult> DeliverDueAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomations, ct);
        var (delivered, retrying, failed) = (0, 0, 0);
        var seen = new HashSet<long>();
        while (true)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            List<long> due;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                due = await db.AutomationDeliveries.AsNoTracking()
                    .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
                    .Where(d => db.Automations.Any(a => a.Id == d.AutomationId && !a.Paused))
                    .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
                    .Select(d => d.Id)
                    .Take(Batch)
                    .ToListAsync(ct);
            }

            due.RemoveAll(id => !seen.Add(id)); // once per run, even if the clock does not move (tests)
            if (due.Count == 0)
            {
                break;
            }

            var outcomes = new DeliveryStatus[due.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, due.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
                async (i, token) => outcomes[i] = await SendAsync(due[i], token));
            delivered += outcomes.Count(o => o == DeliveryStatus.Delivered);
            retrying += outcomes.Count(o => o == DeliveryStatus.Pending);
            failed += outcomes.Count(o => o == DeliveryStatus.Failed);
            changes.Publish(ChangeKind.AutomationsChanged);
        }

        return new DispatchResult(delivered, retrying, failed);
    }

    /// <summary>How long to wait after the n-th failed attempt.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(LongestWait.Ticks, FirstRetry.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));

    private async Task<DeliveryStatus> SendAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.AutomationDeliveries.SingleOrDefaultAsync(d => d.Id == id, ct);
        var automation = delivery is null ? null : await db.Automations.AsNoTracking().SingleOrDefaultAsync(a => a.Id == delivery.AutomationId, ct);
        if (delivery is null || automation is null || delivery.Status != DeliveryStatus.Pending)
        {
            return DeliveryStatus.Discarded; // deleted or handled meanwhile
        }

        delivery.Payload ??= await PayloadAsync(db, automation, delivery, ct);
        var sentAt = clock.GetUtcNow();
        var signature = WebhookSignature.Sign(automation.Secret, sentAt.ToUnixTimeSeconds(), delivery.Payload);
        var (status, error, ms) = await client.PostAsync(automation.Url, delivery.EventId, signature, delivery.Payload, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        db.DeliveryAttempts.Add(new DeliveryAttempt { DeliveryId = id, At = now, StatusCode = status, Error = Cut(error), DurationMs = ms });
        delivery.Attempts++;
        (delivery.LastAttemptAt, delivery.LastStatusCode, delivery.LastError) = (now, status, Cut(error));
        if (error is null)
        {
            (delivery.Status, delivery.DeliveredAt) = (DeliveryStatus.Delivered, now);
        }
        else if (now >= delivery.GiveUpAt)
        {
            delivery.Status = DeliveryStatus.Failed;
            logger.LogWarning("Webhook {EventId} of automation {AutomationId} failed for good after {Attempts} attempts: {Error}", delivery.EventId, automation.Id, delivery.Attempts, error);
        }
        else
        {
            delivery.NextAttemptAt = now + Backoff(delivery.Attempts);
        }

        await db.SaveChangesAsync(CancellationToken.None); // the answer is in: record it even if we are stopping
        return delivery.Status;
    }

    /// <summary>
    /// The body, built at the first attempt and frozen: the event id (idempotency key), type, group, the person (id,
    /// names, email, phone; unmasked: the merchant configured the endpoint, see README), cause and time.
    /// </summary>
    private static async Task<string> PayloadAsync(DirectoryDbContext db, Automation automation, AutomationDelivery delivery, CancellationToken ct)
    {
        var group = await db.Groups.AsNoTracking().Where(g => g.Id == delivery.GroupId).Select(g => g.Name).SingleOrDefaultAsync(ct);
        var person = await db.Customers.AsNoTracking().Where(c => c.Id == delivery.CustomerId)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email, c.Phone }).SingleOrDefaultAsync(ct);
        object customer = person is null ? new { id = delivery.CustomerId, deleted = true }
            : new { id = person.Id, firstName = person.FirstName, lastName = person.LastName, email = person.Email, phone = person.Phone };
        return JsonSerializer.Serialize(new
        {
            id = delivery.EventId,
            type = delivery.Type == AutomationTrigger.Entered ? "group.entered" : "group.left",
            occurredAt = DateTime.SpecifyKind(delivery.OccurredAt, DateTimeKind.Utc),
            cause = CauseName(delivery.Cause),
            automation = new { id = automation.Id, name = automation.Name },
            group = new { id = delivery.GroupId, name = group },
            customer,
        }, Json);
    }

    /// <summary>"RuleEdit" → "rule_edit": the cause as the payload names it.</summary>
    public static string CauseName(string cause) =>
        string.Concat((cause ?? "").Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private static string? Cut(string? error) => error is null ? null : error.Length > AutomationDelivery.ErrorMaxLength ? error[..AutomationDelivery.ErrorMaxLength] : error;
}
