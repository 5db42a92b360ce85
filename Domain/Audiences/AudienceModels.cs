using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Filters;

namespace CustomerDirectory.Domain.Audiences;

/// <summary>
/// Who an audience takes: members of ANY of <see cref="Include"/> (everyone when empty), then, of those, the ones an
/// optional <see cref="Filter"/> matches; members of ANY of <see cref="Exclude"/> are out. <see cref="Channel"/> says
/// which address and consent count.
/// </summary>
public sealed record AudienceRule
{
    public const int MaxGroups = 100;

    public ConsentChannel Channel { get; init; } = ConsentChannel.Email;

    public IReadOnlyList<int> Include { get; init; } = [];

    public IReadOnlyList<int> Exclude { get; init; } = [];

    /// <summary>Null or empty: no extra filter.</summary>
    public FilterDefinition? Filter { get; init; }

    public bool HasFilter => Filter is { IsEmpty: false };

    /// <summary>The stored form: {"include":[…],"exclude":[…],"filter":{…}} (the channel is a column of its own).</summary>
    public string ToJson()
    {
        var node = new JsonObject
        {
            ["include"] = new JsonArray([.. Include.Select(i => (JsonNode)i)]),
            ["exclude"] = new JsonArray([.. Exclude.Select(i => (JsonNode)i)]),
        };
        if (HasFilter)
        {
            node["filter"] = JsonNode.Parse(Filter!.ToJson());
        }

        return node.ToJsonString();
    }

    internal static AudienceRule FromJson(string json, ConsentChannel channel)
    {
        var node = JsonNode.Parse(json)?.AsObject() ?? throw new DomainException("This audience's rule cannot be read.");
        static List<int> Ids(JsonNode? array) => array is JsonArray a ? [.. a.Select(n => n!.GetValue<int>())] : [];
        return new AudienceRule
        {
            Channel = channel,
            Include = Ids(node["include"]),
            Exclude = Ids(node["exclude"]),
            Filter = node["filter"] is { } filter ? FilterDefinition.FromJson(filter.ToJsonString()) : null,
        };
    }

    /// <summary>
    /// The rule as a snapshot keeps it: the channel, each group with its name then, the filter and the sentence it read
    /// as, so the snapshot still says what it meant after groups are renamed or deleted.
    /// </summary>
    internal string FrozenJson(IReadOnlyDictionary<int, string> groupNames, string? filterSentence)
    {
        JsonArray Groups(IEnumerable<int> ids) => [.. ids.Select(id => (JsonNode)new JsonObject { ["id"] = id, ["name"] = groupNames.GetValueOrDefault(id) })];
        var node = new JsonObject
        {
            ["channel"] = Channel == ConsentChannel.Email ? "email" : "sms",
            ["include"] = Groups(Include),
            ["exclude"] = Groups(Exclude),
        };
        if (HasFilter)
        {
            node["filter"] = JsonNode.Parse(Filter!.ToJson());
            node["filterSentence"] = filterSentence;
        }

        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}

/// <summary>What the audience page sends to save: a name and the rule.</summary>
public sealed record AudienceInput(string? Name, AudienceRule Rule);

/// <summary>A saved audience as the list and the editor show it.</summary>
public sealed record AudienceSummary(int Id, string Name, AudienceRule Rule, string CreatedBy, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// Why someone the audience takes cannot be sent to, in the order of precedence: each person is counted under the
/// first reason that applies, and only once.
/// </summary>
public enum AudienceReason
{
    /// <summary>In one of the excluded groups.</summary>
    ExcludedGroup,

    /// <summary>No email (or phone) on the profile, or one that is not a valid address.</summary>
    NoAddress,

    Unsubscribed,

    Bounced,

    /// <summary>Never asked, so never consented.</summary>
    NeverConsented,

    /// <summary>The same address (normalised) as someone already counted: one message per address, to the lowest profile id.</summary>
    Duplicate,
}

/// <summary>One channel's breakdown: how many can be sent to, and how many are out for each reason (indexed by <see cref="AudienceReason"/>).</summary>
public sealed record ChannelReach(ConsentChannel Channel, int Sendable, IReadOnlyList<int> Out)
{
    public int OutFor(AudienceReason reason) => Out[(int)reason];
}

/// <summary>
/// The live count of an audience: <see cref="Taken"/> people are in the included groups (and match the filter); each
/// is either sendable or out for exactly one reason, per channel, so Sendable + sum(Out) = Taken.
/// </summary>
public sealed record AudienceCounts(int InGroups, int Taken, ChannelReach Email, ChannelReach Sms)
{
    public ChannelReach For(ConsentChannel channel) => channel == ConsentChannel.Email ? Email : Sms;
}

/// <summary>A snapshot as lists show it.</summary>
public sealed record SnapshotSummary(int Id, int AudienceId, string AudienceName, ConsentChannel Channel, int Size, DateTime TakenAt, string TakenBy, string RuleJson);

/// <summary>What a snapshot export wrote.</summary>
public sealed record SnapshotExportResult(int Rows, int Flagged, int LeftOut);

/// <summary>A group an audience can include or exclude, with its current size.</summary>
public sealed record AudienceGroup(int Id, string Name, int Members);

/// <summary>One person of a snapshot and the address frozen for them.</summary>
public sealed record SnapshotMember(int CustomerId, string Address);
