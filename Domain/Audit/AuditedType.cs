using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Lists;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using CustomerDirectory.Domain.Views;
using Microsoft.AspNetCore.Identity;

namespace CustomerDirectory.Domain.Audit;

/// <summary>
/// How one entity type is written to the audit log: its record type, its actions, which properties say nothing a
/// person needs (derived keys, counters, bookkeeping) and which must never be copied (secrets).
/// </summary>
internal sealed class AuditedType
{
    /// <summary>Stands in for a secret's value: the log shows that it changed, never what it is.</summary>
    public const string Hidden = "(hidden)";

    public required string RecordType { get; init; }

    /// <summary>The action's first part: "profile" in "profile.updated".</summary>
    public required string Prefix { get; init; }

    /// <summary>How the summary names the record ("profile", "tag").</summary>
    public required string Noun { get; init; }

    /// <summary>The property whose value is the record's id, when it is not the row's own key (an option's field).</summary>
    public string? RecordIdProperty { get; init; }

    public string Created { get; init; } = "created";

    public string Updated { get; init; } = "updated";

    public string Deleted { get; init; } = "deleted";

    /// <summary>The record's name for the summary (a profile's full name, a tag's name); null: none.</summary>
    public Func<PropertyReader, string?>? Name { get; init; }

    public IReadOnlySet<string> Skip { get; init; } = new HashSet<string>();

    /// <summary>Properties shown as "(hidden)" when they change, or rewritten (a note's text becomes its length).</summary>
    public IReadOnlyDictionary<string, Func<object, string>> Redact { get; init; } = new Dictionary<string, Func<object, string>>();

    /// <summary>A more precise action for an update, from what changed (e.g. "group.rule-changed"), with its summary verb.</summary>
    public Func<IReadOnlyList<AuditChange>, (string Action, string Verb)?>? Refine { get; init; }

    /// <summary>The types written by the generic path; link rows (tags on profiles, roles, permissions) have their own.</summary>
    public static IReadOnlyDictionary<Type, AuditedType> ByClrType { get; } = Build();

    /// <summary>
    /// Never logged: the group membership ledger (it is itself a history, written by rules at volume), the job run
    /// log, the audit log itself, and Identity's tokens (authenticator keys and recovery codes are secrets).
    /// </summary>
    public static IReadOnlySet<Type> NotAudited { get; } = new HashSet<Type>
    {
        typeof(GroupMember), typeof(Jobs.JobRun), typeof(AuditEntry), typeof(IdentityUserToken<string>),
        // An import's bookkeeping: the import itself writes its own lines (started, finished, undone), and each
        // profile it creates or changes is logged as such.
        typeof(Transfer.Import.ImportRun), typeof(Transfer.Import.ImportChange), typeof(Transfer.Import.ImportReject),
        // A snapshot writes its own line (who froze what, with the rule); its members are its content, at volume.
        typeof(Audiences.AudienceSnapshot), typeof(Audiences.AudienceSnapshotMember),
        // The webhook outbox and its attempts: the delivery log is their history; confirmations and resends write their own lines.
        typeof(Automations.AutomationDelivery), typeof(Automations.DeliveryAttempt),
    };

    /// <summary>Rows that link two records; the capture groups them into one line per profile, role or person.</summary>
    public static IReadOnlySet<Type> Links { get; } = new HashSet<Type>
    {
        typeof(CustomerTag), typeof(ListSubscription), typeof(CustomFieldValue), typeof(IdentityRoleClaim<string>), typeof(IdentityUserRole<string>),
    };

    /// <summary>A type nobody described yet is still logged, by its name, with every property: forgetting cannot hide a change.</summary>
    public static AuditedType Fallback(Type type)
    {
        var name = type.Name.Contains('`', StringComparison.Ordinal) ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] : type.Name;
        var kebab = string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
        return new AuditedType { RecordType = kebab, Prefix = kebab, Noun = kebab };
    }

    private static Dictionary<Type, AuditedType> Build()
    {
        HashSet<string> Set(params string[] names) => [.. names];
        // Bookkeeping every type has: when a row was written says nothing the log's own time does not.
        string[] stamps = ["CreatedAt", "UpdatedAt"];

        return new Dictionary<Type, AuditedType>
        {
            [typeof(Customer)] = new()
            {
                RecordType = "profile",
                Prefix = "profile",
                Noun = "profile",
                Name = p => $"{p.Get("FirstName")} {p.Get("LastName")}".Trim(),
                // Derived (keys, search columns, the version) or maintained by ActivityService from the activity rows,
                // which are logged themselves; consent's dates and author repeat the log line's own time and actor.
                Skip = Set([.. stamps, "Version", "EmailKey", "PhoneKey", "SearchText", "SortName",
                    "VisitCount", "FirstVisitAt", "LastVisitAt", "OrderCount", "TotalSpentMinor", "FirstOrderAt", "LastOrderAt",
                    "DonationCount", "DonationTotalMinor", "FirstDonationAt", "LastDonationAt", "ActiveMembershipCount",
                    "EmailConsent.ChangedAt", "EmailConsent.ChangedBy", "EmailConsent.SubscribedAt",
                    "SmsConsent.ChangedAt", "SmsConsent.ChangedBy", "SmsConsent.SubscribedAt", "LoyaltyEnrolledAt"]),
                Refine = changes =>
                    changes.All(c => c.Field.StartsWith("EmailConsent.", StringComparison.Ordinal) || c.Field.StartsWith("SmsConsent.", StringComparison.Ordinal))
                        ? ("consent.changed", "Changed the marketing consent of")
                        : changes.All(c => c.Field.StartsWith("Loyalty", StringComparison.Ordinal))
                            ? ("loyalty.changed", "Changed the loyalty points of")
                            : null,
            },
            [typeof(Tag)] = new()
            {
                RecordType = "tag",
                Prefix = "tag",
                Noun = "tag",
                Name = p => p.Get("Name"),
                Skip = Set([.. stamps, "NameKey"]),
                Refine = _ => ("tag.renamed", "Renamed"),
            },
            [typeof(Note)] = new()
            {
                RecordType = "note",
                Prefix = "note",
                Noun = "internal note",
                Created = "added",
                Updated = "edited",
                Skip = Set([.. stamps, "AuthorId"]),
                // Internal notes may hold what must not spread (health, a dispute, a card number typed by mistake),
                // and the log can never be edited: it records that a note was written or changed, and by whom, not
                // the text, which stays behind the notes permission and can be corrected or deleted.
                Redact = new Dictionary<string, Func<object, string>> { ["Text"] = text => $"(text not logged; {((string)text).Length:N0} characters)" },
            },
            [typeof(CustomField)] = new()
            {
                RecordType = "custom-field",
                Prefix = "field",
                Noun = "custom field",
                Name = p => p.Get("Name"),
                Skip = Set([.. stamps, "NameKey"]),
            },
            [typeof(CustomFieldOption)] = new()
            {
                RecordType = "custom-field",
                Prefix = "field",
                Noun = "option",
                RecordIdProperty = "FieldId",
                Created = "option-added",
                Updated = "option-changed",
                Deleted = "option-removed",
                Name = p => p.Get("Label"),
            },
            [typeof(MailingList)] = new()
            {
                RecordType = "mailing-list",
                Prefix = "list",
                Noun = "mailing list",
                Name = p => p.Get("Name"),
                Skip = Set([.. stamps, "NameKey"]),
                Refine = _ => ("list.renamed", "Renamed"),
            },
            [typeof(Visit)] = Activity("visit", "visit"),
            [typeof(Order)] = Activity("order", "order"),
            [typeof(Donation)] = Activity("donation", "donation"),
            [typeof(Membership)] = new()
            {
                RecordType = "membership",
                Prefix = "membership",
                Noun = "membership",
                Name = p => p.Get("Plan"),
                Skip = Set(stamps),
            },
            [typeof(Group)] = new()
            {
                RecordType = "group",
                Prefix = "group",
                Noun = "group",
                Name = p => p.Get("Name"),
                // The engine's own bookkeeping (last evaluation, last error) changes on every run and is shown on the group page.
                Skip = Set([.. stamps, "NameKey", "Version", "RuleVersion", "CreatedBy", "LastEvaluatedAt", "LastEvaluationMs", "LastError", "LastErrorAt"]),
                Refine = changes =>
                    changes.Any(c => c.Field is "RuleJson" or "StayRuleJson") ? ("group.rule-changed", "Changed the rule of")
                    : changes is [{ Field: "Paused", After: "yes" }] ? ("group.paused", "Paused")
                    : changes is [{ Field: "Paused", After: "no" }] ? ("group.resumed", "Resumed")
                    : null,
            },
            [typeof(Automations.Automation)] = new()
            {
                RecordType = "automation",
                Prefix = "automation",
                Noun = "automation",
                Name = p => p.Get("Name"),
                Skip = Set([.. stamps, "CreatedBy"]),
                // The signing secret is a credential: the log says it changed, never what it is.
                Redact = new Dictionary<string, Func<object, string>> { ["Secret"] = _ => Hidden },
                Refine = changes => changes.Any(c => c.Field == "Secret") ? ("automation.secret-rotated", "Rotated the signing secret of") : null,
            },
            [typeof(GroupOverride)] = new()
            {
                RecordType = "group",
                Prefix = "group",
                Noun = "override",
                RecordIdProperty = "GroupId",
                Created = "override-set",
                Updated = "override-changed",
                Deleted = "override-removed",
                Skip = Set("At", "By"),
            },
            [typeof(Audiences.Audience)] = new()
            {
                RecordType = "audience",
                Prefix = "audience",
                Noun = "audience",
                Name = p => p.Get("Name"),
                Skip = Set([.. stamps, "NameKey", "CreatedBy"]),
            },
            [typeof(SavedView)] = new()
            {
                RecordType = "view",
                Prefix = "view",
                Noun = "saved view",
                Name = p => p.Get("Name"),
                Skip = Set([.. stamps, "NameKey", "CreatedBy"]),
            },
            [typeof(MerchantSetting)] = new()
            {
                RecordType = "setting",
                Prefix = "setting",
                Noun = "setting",
                Created = "changed",
                Updated = "changed",
                Deleted = "removed",
                Name = p => p.Get("Key"),
            },
            [typeof(StaffUser)] = new()
            {
                RecordType = "staff",
                Prefix = "staff",
                Noun = "staff account",
                Name = p => p.Get("DisplayName"),
                // Normalised copies and stamps are Identity's bookkeeping; failed-attempt counters and lockouts are
                // logged as sign-in events instead (a line per failed attempt, not two).
                Skip = Set("CreatedAt", "NormalizedUserName", "NormalizedEmail", "SecurityStamp", "ConcurrencyStamp", "AccessFailedCount", "LockoutEnd"),
                Redact = new Dictionary<string, Func<object, string>> { ["PasswordHash"] = _ => Hidden },
                Refine = changes =>
                    changes.Any(c => c.Field == "DeactivatedAt") ? (changes.First(c => c.Field == "DeactivatedAt").After is null ? ("staff.reactivated", "Reactivated") : ("staff.deactivated", "Deactivated"))
                    : changes is [{ Field: "PasswordHash" }] ? ("staff.password-changed", "Changed the password of")
                    : null,
            },
            [typeof(IdentityRole)] = new()
            {
                RecordType = "role",
                Prefix = "role",
                Noun = "role",
                Name = p => p.Get("Name"),
                Skip = Set("NormalizedName", "ConcurrencyStamp"),
                Refine = changes => changes.Any(c => c.Field == "Name") ? ("role.renamed", "Renamed") : null,
            },
            [typeof(ApiKeys.ApiKey)] = new()
            {
                RecordType = "api-key",
                Prefix = "api-key",
                Noun = "API key",
                Name = p => p.Get("Name"),
                // The hash stands for the secret: the log says a key exists, never what would let someone rebuild it.
                Skip = Set("LastUsedAt", "RevokedBy"),
                Redact = new Dictionary<string, Func<object, string>> { ["SecretHash"] = _ => Hidden },
                Refine = changes => changes.Any(c => c.Field == "RevokedAt") ? ("api-key.revoked", "Revoked") : null,
            },
            // Not used by the app today (no external sign-in, no per-person claims); logged should they ever be.
            [typeof(IdentityUserClaim<string>)] = new() { RecordType = "staff", Prefix = "staff", Noun = "claim", RecordIdProperty = "UserId", Created = "claim-added", Updated = "claim-changed", Deleted = "claim-removed" },
            [typeof(IdentityUserLogin<string>)] = new() { RecordType = "staff", Prefix = "staff", Noun = "external sign-in", RecordIdProperty = "UserId", Created = "login-added", Updated = "login-changed", Deleted = "login-removed" },
        };
    }

    private static AuditedType Activity(string prefix, string noun) => new()
    {
        RecordType = prefix,
        Prefix = prefix,
        Noun = noun,
        Created = "recorded",
        Skip = new HashSet<string> { "CreatedAt", "UpdatedAt" },
    };
}

/// <summary>Reads a record's values by property name (an entry's current ones, or the original ones of a deleted row), as the log shows them.</summary>
internal readonly struct PropertyReader(Func<string, object?> value)
{
    public string? Get(string property) => AuditText.Format(value(property));
}
