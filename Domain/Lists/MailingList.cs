namespace CustomerDirectory.Domain.Lists;

/// <summary>A mailing list ("Newsletter", "Offers") people subscribe to by email.</summary>
public sealed class MailingList
{
    public const int NameMaxLength = 60;

    private MailingList() { }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    public string NameKey { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    internal static MailingList Create(string name, DateTime nowUtc)
    {
        var list = new MailingList { CreatedAt = nowUtc };
        list.Rename(name);
        return list;
    }

    internal void Rename(string name)
    {
        Name = name;
        NameKey = Customers.ContactRules.Fold(name);
    }
}

/// <summary>A person on a list, since when (the first subscription, kept across re-subscriptions).</summary>
public sealed class ListSubscription
{
    public int CustomerId { get; init; }

    public int ListId { get; init; }

    public DateTime FirstSubscribedAt { get; init; }
}

public sealed record MailingListSummary(int Id, string Name, int SubscriberCount);

public sealed record ListMembership(int ListId, string Name, DateTime FirstSubscribedAt);
