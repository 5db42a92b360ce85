using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.App.Api;

// What the API reads and writes. Bodies are read strictly (ApiJson): unknown fields are refused. Enums are camelCase
// words ("website", "oneOff"). Times are ISO 8601 with an offset ("2026-12-05T10:30:00Z"); stored in UTC.

/// <summary>
/// A profile to create, or to update when one matches by email or phone. A field left out (or null) keeps its value
/// on an update; on a creation, firstName and lastName are required.
/// </summary>
public sealed record ProfileUpsertRequest(
    string? FirstName = null,
    string? LastName = null,
    string? Email = null,
    string? Phone = null,
    string? AddressLine = null,
    string? PostalCode = null,
    string? City = null,
    string? Country = null,
    DateOnly? Birthday = null)
{
    internal CustomerInput ToInput() => new()
    {
        FirstName = FirstName,
        LastName = LastName,
        Email = Email,
        Phone = Phone,
        AddressLine = AddressLine,
        PostalCode = PostalCode,
        City = City,
        Country = Country,
        Birthday = Birthday,
    };

    /// <summary>Every broken rule among the fields sent (the same rules as the profile form).</summary>
    internal Dictionary<string, string[]> Errors()
    {
        var sent = new Dictionary<string, bool>
        {
            [nameof(FirstName)] = FirstName is not null, [nameof(LastName)] = LastName is not null, [nameof(Email)] = Email is not null,
            [nameof(Phone)] = Phone is not null, [nameof(AddressLine)] = AddressLine is not null, [nameof(PostalCode)] = PostalCode is not null,
            [nameof(City)] = City is not null, [nameof(Country)] = Country is not null, [nameof(Birthday)] = Birthday is not null,
        };
        return ToInput().Errors()
            .Where(e => sent.GetValueOrDefault(e.Field))
            .GroupBy(e => ApiProblems.JsonName(e.Field))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
    }
}

/// <param name="Id">The profile's id, for the other calls.</param>
/// <param name="Created">True when no profile matched and this one is new (status 201), false when one was updated (200).</param>
/// <param name="Version">The profile's version after the call.</param>
public sealed record ProfileUpsertResponse(int Id, bool Created, int Version);

/// <param name="At">When; now if left out. Not in the future (5 minutes of clock drift allowed), not before 1990.</param>
/// <param name="Location">Where (a shop, a till), at most 100 characters.</param>
public sealed record VisitRequest(DateTimeOffset? At = null, string? Location = null);

/// <param name="Amount">In the merchant's currency, 0 to 1,000,000, at most two decimals.</param>
/// <param name="At">When; now if left out (same rules as a visit).</param>
/// <param name="Kind">oneOff (the default) or recurring.</param>
public sealed record OrderRequest(decimal? Amount = null, DateTimeOffset? At = null, OrderKind Kind = OrderKind.OneOff);

/// <param name="Amount">In the merchant's currency, more than 0, at most 1,000,000, at most two decimals.</param>
/// <param name="At">When; now if left out (same rules as a visit).</param>
public sealed record DonationRequest(decimal? Amount = null, DateTimeOffset? At = null);

/// <param name="Channel">email or sms.</param>
/// <param name="Status">subscribed or unsubscribed.</param>
/// <param name="Origin">Where the customer said so: website or checkout.</param>
public sealed record ConsentRequest(ConsentChannel? Channel = null, ConsentStatus? Status = null, ConsentOrigin? Origin = null);

/// <summary>A recorded visit, order or donation.</summary>
public sealed record RecordedResponse(int Id, int ProfileId);

public sealed record ConsentView(string Status, string Origin, DateTime? ChangedAt, DateTime? SubscribedAt)
{
    internal static ConsentView Of(ChannelConsent consent) =>
        new(ApiProblems.JsonName(consent.Status.ToString()), ApiProblems.JsonName(consent.Origin.ToString()), consent.ChangedAt, consent.SubscribedAt);
}

public sealed record ProfileGroupView(int Id, string Name, DateTime EnteredAt);

/// <summary>
/// A profile as a key with the read scope sees it: contact details, visits, loyalty, consent and groups. Never
/// financials (orders, total spent, donations): no key is given them (see <c>ApiScopes.Permissions</c>).
/// </summary>
public sealed record ProfileResponse(
    int Id,
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    string? AddressLine,
    string? PostalCode,
    string? City,
    string? Country,
    DateOnly? Birthday,
    string Source,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version,
    int VisitCount,
    DateTime? FirstVisitAt,
    DateTime? LastVisitAt,
    int? LoyaltyPoints,
    ConsentView EmailConsent,
    ConsentView SmsConsent,
    IReadOnlyList<ProfileGroupView> Groups);

public sealed record GroupView(int Id, string Name, string Kind, string? Predefined, int Members);

public sealed record GroupMemberView(int Id, string FirstName, string LastName, string? Email, DateTime EnteredAt, string EmailConsent, string SmsConsent);

/// <summary>One page of a group's members, by name. <see cref="NextPage"/> is null on the last page.</summary>
public sealed record GroupMembersResponse(int GroupId, int Page, int Size, int Total, int? NextPage, IReadOnlyList<GroupMemberView> Items);
