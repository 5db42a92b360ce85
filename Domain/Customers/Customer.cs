using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;

namespace CustomerDirectory.Domain.Customers;

/// <summary>One person in the directory.</summary>
public sealed class Customer
{
    private Customer() { }

    public int Id { get; private set; }

    public string FirstName { get; private set; } = "";

    public string LastName { get; private set; } = "";

    public string? Email { get; private set; }

    /// <summary>Trimmed, lower-case email; unique. See <see cref="ContactRules.NormalizeEmail"/>.</summary>
    public string? EmailKey { get; private set; }

    /// <summary>The phone as the person wrote it.</summary>
    public string? Phone { get; private set; }

    /// <summary>The international number, for matching ("33612345678"); see <see cref="ContactRules.PhoneKey"/>.</summary>
    public string? PhoneKey { get; private set; }

    /// <summary>Folded "first last email", what name and email searches look in.</summary>
    public string SearchText { get; private set; } = "";

    /// <summary>Folded "last first", what the directory sorts names by.</summary>
    public string SortName { get; private set; } = "";

    public string? AddressLine { get; private set; }

    public string? PostalCode { get; private set; }

    public string? City { get; private set; }

    public string? Country { get; private set; }

    public DateOnly? Birthday { get; private set; }

    /// <summary>How the person came into the directory; set once, when the profile is created.</summary>
    public CustomerSource Source { get; private set; }

    /// <summary>Has an account on the merchant's website or app (set by imports and the API).</summary>
    public bool HasAccount { get; private set; }

    /// <summary>Has uploaded a profile photo (set by imports and the API).</summary>
    public bool PhotoUploaded { get; private set; }

    public ChannelConsent EmailConsent { get; private set; } = ChannelConsent.NeverAsked;

    public ChannelConsent SmsConsent { get; private set; } = ChannelConsent.NeverAsked;

    /// <summary>Derived, never stored twice: subscribed to email and has an address to send to.</summary>
    public bool AcceptsMarketingEmail => EmailConsent.IsSubscribed && Email is not null;

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>Incremented on every save; a save based on an older version is refused.</summary>
    public int Version { get; private set; }

    // Activity aggregates: written only by ActivityService, in the transaction that changes the activity,
    // recomputed from the rows themselves so they cannot drift. Profile edits never touch them (and do not
    // conflict with them: they are not part of the version).

    public int VisitCount { get; private set; }

    public DateTime? FirstVisitAt { get; private set; }

    public DateTime? LastVisitAt { get; private set; }

    public int OrderCount { get; private set; }

    /// <summary>Sum of all orders, in minor units of the merchant's currency.</summary>
    public long TotalSpentMinor { get; private set; }

    public DateTime? FirstOrderAt { get; private set; }

    public DateTime? LastOrderAt { get; private set; }

    public int DonationCount { get; private set; }

    public long DonationTotalMinor { get; private set; }

    public DateTime? FirstDonationAt { get; private set; }

    public DateTime? LastDonationAt { get; private set; }

    public int ActiveMembershipCount { get; private set; }

    // History from before Directory (imported totals; see PriorActivity): part of the profile as imported, so a change
    // moves the version; ActivityService adds it to the aggregates above.

    public int PriorVisitCount { get; private set; }

    public DateTime? PriorLastVisitAt { get; private set; }

    public int PriorOrderCount { get; private set; }

    public long PriorSpentMinor { get; private set; }

    public DateTime? PriorLastOrderAt { get; private set; }

    public int PriorDonationCount { get; private set; }

    public long PriorDonatedMinor { get; private set; }

    public DateTime? PriorLastDonationAt { get; private set; }

    public PriorActivity Prior => new(PriorVisitCount, PriorLastVisitAt, PriorOrderCount, PriorSpentMinor, PriorLastOrderAt,
        PriorDonationCount, PriorDonatedMinor, PriorLastDonationAt);

    // Loyalty programme: one place per person, kept on the profile.

    public bool LoyaltyEnrolled { get; private set; }

    public DateTime? LoyaltyEnrolledAt { get; private set; }

    public int LoyaltyPoints { get; private set; }

    /// <summary>Points at which a reward is due; null when the programme has none for this person.</summary>
    public int? LoyaltyRewardThreshold { get; private set; }

    public static Customer Create(CustomerInput input, DateTime nowUtc, CustomerSource source = CustomerSource.AddedByHand)
    {
        var customer = new Customer { CreatedAt = nowUtc, Source = source };
        customer.Apply(input, nowUtc);
        return customer;
    }

    /// <summary>Used by bulk seeding and imports that carry their own creation date and flags.</summary>
    public static Customer Create(CustomerInput input, DateTime createdAtUtc, DateTime nowUtc, CustomerSource source, bool hasAccount, bool photoUploaded)
    {
        var customer = Create(input, nowUtc, source);
        customer.CreatedAt = createdAtUtc;
        customer.HasAccount = hasAccount;
        customer.PhotoUploaded = photoUploaded;
        return customer;
    }

    /// <summary>Applies the form; returns false (and changes nothing) when nothing differs.</summary>
    public bool Update(CustomerInput input, DateTime nowUtc)
    {
        input.EnsureValid();
        if (ContactRules.Clean(input.FirstName) == FirstName && ContactRules.Clean(input.LastName) == LastName
            && ContactRules.Clean(input.Email) == Email && ContactRules.Clean(input.Phone) == Phone
            && ContactRules.Clean(input.AddressLine) == AddressLine && ContactRules.Clean(input.PostalCode) == PostalCode
            && ContactRules.Clean(input.City) == City && ContactRules.Clean(input.Country) == Country && input.Birthday == Birthday)
        {
            return false;
        }

        Apply(input, nowUtc);
        Version++;
        return true;
    }


    public const int MaxLoyaltyPoints = 1_000_000;

    /// <summary>"Reward in sight": enrolled, with points at 90 % or more of their reward threshold.</summary>
    public static bool RewardInSight(bool enrolled, int points, int? threshold) => enrolled && threshold is { } t && (long)points * 10 >= (long)t * 9;

    public void EnrollInLoyalty(int? rewardThreshold, DateTime nowUtc)
    {
        if (rewardThreshold is < 1 or > MaxLoyaltyPoints)
        {
            throw new DomainException($"The reward threshold must be between 1 and {MaxLoyaltyPoints:N0} points.", nameof(LoyaltyRewardThreshold));
        }

        if (!LoyaltyEnrolled)
        {
            LoyaltyEnrolled = true;
            LoyaltyEnrolledAt = nowUtc;
        }

        LoyaltyRewardThreshold = rewardThreshold;
    }

    /// <summary>Leaves the programme; the points balance is kept in case they come back.</summary>
    public void LeaveLoyalty() => LoyaltyEnrolled = false;

    public void AdjustLoyaltyPoints(int delta)
    {
        if (!LoyaltyEnrolled)
        {
            throw new DomainException("Enrol this person in the loyalty programme first.", nameof(LoyaltyPoints));
        }

        var next = (long)LoyaltyPoints + delta;
        if (next < 0)
        {
            throw new DomainException($"Only {LoyaltyPoints:N0} points to take away.", nameof(LoyaltyPoints));
        }

        if (next > MaxLoyaltyPoints)
        {
            throw new DomainException($"A balance can be at most {MaxLoyaltyPoints:N0} points.", nameof(LoyaltyPoints));
        }

        LoyaltyPoints = (int)next;
    }

    /// <summary>
    /// Replaces the history from before Directory; returns false when it is already that. The caller recomputes the
    /// totals in the same transaction (<see cref="ActivityService.RefreshTotalsAsync"/>): they also count the rows.
    /// </summary>
    public bool SetPriorActivity(PriorActivity prior)
    {
        prior = Checked(prior);
        if (prior == Prior)
        {
            return false;
        }

        SetPrior(prior);
        Version++;
        return true;
    }

    /// <summary>A new profile's history from before Directory, and its totals with it (it has no activity rows yet).</summary>
    public void StartWithPriorActivity(PriorActivity prior)
    {
        prior = Checked(prior);
        SetPrior(prior);
        (VisitCount, FirstVisitAt, LastVisitAt) = (prior.Visits, prior.LastVisitAt, prior.LastVisitAt);
        (OrderCount, TotalSpentMinor, FirstOrderAt, LastOrderAt) = (prior.Orders, prior.SpentMinor, prior.LastOrderAt, prior.LastOrderAt);
        (DonationCount, DonationTotalMinor, FirstDonationAt, LastDonationAt) = (prior.Donations, prior.DonatedMinor, prior.LastDonationAt, prior.LastDonationAt);
    }

    private static PriorActivity Checked(PriorActivity prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        prior = prior.Normalized();
        return prior.Error() is { } error ? throw new DomainException(error, nameof(Prior)) : prior;
    }

    private void SetPrior(PriorActivity p) =>
        (PriorVisitCount, PriorLastVisitAt, PriorOrderCount, PriorSpentMinor, PriorLastOrderAt, PriorDonationCount, PriorDonatedMinor, PriorLastDonationAt) =
        (p.Visits, p.LastVisitAt, p.Orders, p.SpentMinor, p.LastOrderAt, p.Donations, p.DonatedMinor, p.LastDonationAt);

    /// <summary>Records a consent change; returns false when the status is already that.</summary>
    public bool SetConsent(ConsentChannel channel, ConsentStatus status, ConsentOrigin origin, string? changedBy, DateTime nowUtc)
    {
        if (!Enum.IsDefined(channel) || !Enum.IsDefined(status) || !Enum.IsDefined(origin))
        {
            throw new DomainException("Unknown consent value.");
        }

        if (status == ConsentStatus.Subscribed && channel == ConsentChannel.Email && Email is null)
        {
            throw new DomainException("Add an email address before subscribing this person to email.", nameof(Email));
        }

        if (status == ConsentStatus.Subscribed && channel == ConsentChannel.Sms && Phone is null)
        {
            throw new DomainException("Add a phone number before subscribing this person to SMS.", nameof(Phone));
        }

        var current = channel == ConsentChannel.Email ? EmailConsent : SmsConsent;
        if (current.Status == status)
        {
            return false;
        }

        var next = new ChannelConsent
        {
            Status = status,
            ChangedAt = nowUtc,
            Origin = origin,
            ChangedBy = changedBy,
            SubscribedAt = status == ConsentStatus.Subscribed ? nowUtc : null,
        };
        if (channel == ConsentChannel.Email)
        {
            EmailConsent = next;
        }
        else
        {
            SmsConsent = next;
        }

        return true;
    }

    /// <summary>Puts a channel's consent back exactly as it was (an import's undo).</summary>
    internal void RestoreConsent(ConsentChannel channel, ChannelConsent consent)
    {
        if (channel == ConsentChannel.Email)
        {
            EmailConsent = consent;
        }
        else
        {
            SmsConsent = consent;
        }
    }

    private void Apply(CustomerInput input, DateTime nowUtc)
    {
        input.EnsureValid();
        FirstName = ContactRules.Clean(input.FirstName)!;
        LastName = ContactRules.Clean(input.LastName)!;
        Email = ContactRules.Clean(input.Email);
        EmailKey = ContactRules.NormalizeEmail(input.Email);
        Phone = ContactRules.Clean(input.Phone);
        PhoneKey = ContactRules.PhoneKey(input.Phone);
        AddressLine = ContactRules.Clean(input.AddressLine);
        PostalCode = ContactRules.Clean(input.PostalCode);
        City = ContactRules.Clean(input.City);
        Country = ContactRules.Clean(input.Country);
        Birthday = input.Birthday;
        SearchText = ContactRules.Fold($"{FirstName} {LastName} {Email}".TrimEnd());
        SortName = ContactRules.Fold($"{LastName} {FirstName}");
        UpdatedAt = nowUtc;
    }
}
