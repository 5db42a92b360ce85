using System.Linq.Expressions;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Lists;
using CustomerDirectory.Domain.Tags;

namespace CustomerDirectory.Domain.Filters;

/// <summary>
/// A bound filter as a LINQ predicate over the EF model, which any provider translates to SQL. It is the reference
/// semantics (the differential test's oracle) and the fallback while the in-memory index is not ready.
/// </summary>
/// <remarks>Every predicate is written so that it is never NULL in SQL, so NOT is always the exact complement.</remarks>
internal static class SqlFilter
{
    public static Expression<Func<Customer, bool>> Predicate(Bound bound, DirectoryDbContext db)
    {
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(db);
        var c = Expression.Parameter(typeof(Customer), "c");
        return Expression.Lambda<Func<Customer, bool>>(Build(bound, c, db), c);
    }

    private static Expression Build(Bound bound, ParameterExpression c, DirectoryDbContext db) => bound switch
    {
        BoundConstant k => Expression.Constant(k.Value),
        BoundNot not => Expression.Not(Build(not.Inner, c, db)),
        BoundGroup g => g.Items.Select(i => Build(i, c, db)).Aggregate((a, b) => g.Any ? Expression.OrElse(a, b) : Expression.AndAlso(a, b)),
        _ => Inline(Condition(bound, db), c),
    };

    // Each condition is a lambda over its own parameter; Inline substitutes ours.
    private static Expression<Func<Customer, bool>> Condition(Bound bound, DirectoryDbContext db)
    {
        switch (bound)
        {
            case BoundText t:
                return Text(t.Column, t.Match, t.Value);
            case BoundIsNull n:
                return NullTest(n.Column);
            case BoundRange r:
                var (min, max) = (r.Min, r.Max);
                return Whole(r.Column) is var w ? Compose(w, v => v >= min && v <= max) : throw new InvalidOperationException();
            case BoundMoment m:
                return MomentTest(m);
            case BoundDate d:
                var (dFrom, dTo) = (d.From ?? DateOnly.MinValue, d.To ?? DateOnly.MaxValue);
                return c => c.Birthday != null && c.Birthday >= dFrom && c.Birthday <= dTo;
            case BoundFlag f:
                return f.Column switch
                {
                    Column.HasAccount => c => c.HasAccount,
                    Column.PhotoUploaded => c => c.PhotoUploaded,
                    Column.LoyaltyEnrolled => c => c.LoyaltyEnrolled,
                    Column.RewardInSight => c => c.LoyaltyEnrolled && c.LoyaltyRewardThreshold != null && c.LoyaltyPoints * 10 >= c.LoyaltyRewardThreshold * 9,
                    _ => throw Unknown(f.Column),
                };
            case BoundEnumIn e:
                return EnumIn(e);
            case BoundSet { Kind: SetKind.Groups } g:
                return GroupTest(g, db);
            case BoundSet s:
                return SetTest(s, db);
            case BoundIds set:
                var members = set.Ids.ToArray();
                return c => members.Contains(c.Id);
            case BoundGroupJoined j:
                IQueryable<Groups.GroupMember> stays = db.GroupMembers;
                var (groupId, from, to) = (j.GroupId, j.From ?? DateTime.MinValue, j.To ?? DateTime.MaxValue);
                return c => stays.Any(m => m.GroupId == groupId && m.CustomerId == c.Id && m.LeftAt == null && m.EnteredAt >= from && m.EnteredAt < to);
            case BoundActivity a:
                return ActivityTest(a, db);
            default:
                return CustomTest(bound, db.CustomFieldValues);
        }
    }

    private static Expression<Func<Customer, bool>> Text(Column column, TextMatch match, string value)
    {
        if (column == Column.Phone)
        {
            return match switch
            {
                TextMatch.Equals => c => c.PhoneKey != null && c.PhoneKey == value,
                TextMatch.Contains => c => c.PhoneKey != null && c.PhoneKey.Contains(value),
                _ => c => c.PhoneKey != null && c.PhoneKey.StartsWith(value),
            };
        }

        var selector = TextColumn(column);
        Expression<Func<string?, bool>> test = match switch
        {
            TextMatch.Equals => s => s != null && DirectoryDbFunctions.Fold(s) == value,
            TextMatch.Contains => s => s != null && DirectoryDbFunctions.Fold(s).Contains(value),
            _ => s => s != null && DirectoryDbFunctions.Fold(s).StartsWith(value),
        };
        return Compose(selector, test);
    }

    private static Expression<Func<Customer, string?>> TextColumn(Column column) => column switch
    {
        Column.FirstName => c => c.FirstName,
        Column.LastName => c => c.LastName,
        Column.Email => c => c.Email,
        Column.AddressLine => c => c.AddressLine,
        Column.PostalCode => c => c.PostalCode,
        Column.City => c => c.City,
        Column.Country => c => c.Country,
        _ => throw Unknown(column),
    };

    private static Expression<Func<Customer, bool>> NullTest(Column column) => column switch
    {
        Column.Phone => c => c.Phone == null,
        Column.Birthday => c => c.Birthday == null,
        Column.FirstVisitAt => c => c.FirstVisitAt == null,
        Column.LastVisitAt => c => c.LastVisitAt == null,
        Column.FirstOrderAt => c => c.FirstOrderAt == null,
        Column.LastOrderAt => c => c.LastOrderAt == null,
        Column.LastDonationAt => c => c.LastDonationAt == null,
        _ => Compose(TextColumn(column), s => s == null),
    };

    private static Expression<Func<Customer, long>> Whole(Column column) => column switch
    {
        Column.VisitCount => c => c.VisitCount,
        Column.OrderCount => c => c.OrderCount,
        Column.TotalSpent => c => c.TotalSpentMinor,
        Column.DonationCount => c => c.DonationCount,
        Column.DonationTotal => c => c.DonationTotalMinor,
        Column.ActiveMemberships => c => c.ActiveMembershipCount,
        Column.LoyaltyPoints => c => c.LoyaltyPoints,
        _ => throw Unknown(column),
    };

    private static Expression<Func<Customer, bool>> MomentTest(BoundMoment m)
    {
        Expression<Func<Customer, DateTime?>> selector = m.Column switch
        {
            Column.CreatedAt => c => c.CreatedAt,
            Column.FirstVisitAt => c => c.FirstVisitAt,
            Column.LastVisitAt => c => c.LastVisitAt,
            Column.FirstOrderAt => c => c.FirstOrderAt,
            Column.LastOrderAt => c => c.LastOrderAt,
            Column.LastDonationAt => c => c.LastDonationAt,
            _ => throw Unknown(m.Column),
        };
        var (from, to) = (m.From, m.To);
        Expression<Func<DateTime?, bool>> test = (from, to) switch
        {
            (null, null) => v => v != null,
            ({ } f, null) => v => v != null && v >= f,
            (null, { } t) => v => v != null && v < t,
            ({ } f, { } t) => v => v != null && v >= f && v < t,
        };
        return Compose(selector, test);
    }

    private static Expression<Func<Customer, bool>> EnumIn(BoundEnumIn e)
    {
        // An OR of equalities: a handful of values, and it translates through the enum-to-string conversions as is.
        var c = Expression.Parameter(typeof(Customer), "c");
        Expression member = e.Column switch
        {
            Column.Source => Expression.Property(c, nameof(Customer.Source)),
            Column.EmailConsent => Expression.Property(Expression.Property(c, nameof(Customer.EmailConsent)), nameof(ChannelConsent.Status)),
            Column.SmsConsent => Expression.Property(Expression.Property(c, nameof(Customer.SmsConsent)), nameof(ChannelConsent.Status)),
            _ => throw Unknown(e.Column),
        };
        Expression body = Expression.Constant(false);
        foreach (var value in e.Values)
        {
            var test = Expression.Equal(member, Expression.Constant(Enum.ToObject(member.Type, value), member.Type));
            body = body is ConstantExpression ? test : Expression.OrElse(body, test);
        }

        return Expression.Lambda<Func<Customer, bool>>(body, c);
    }

    private static Expression<Func<Customer, bool>> SetTest(BoundSet s, DirectoryDbContext db)
    {
        IQueryable<CustomerTag> tags = db.CustomerTags;
        IQueryable<ListSubscription> lists = db.ListSubscriptions;
        IQueryable<Membership> memberships = db.Memberships;
        var ids = s.Ids.ToArray();
        var names = s.Names.ToArray();
        var count = s.Kind == SetKind.MembershipPlans ? names.Length : ids.Length;
        var statuses = ids.Select(i => (MembershipStatus)i).ToArray();
        if (count == 0)
        {
            return s.Kind switch
            {
                SetKind.Tags => c => tags.Any(t => t.CustomerId == c.Id),
                SetKind.Lists => c => lists.Any(l => l.CustomerId == c.Id),
                _ => c => memberships.Any(m => m.CustomerId == c.Id),
            };
        }

        if (!s.All || count == 1)
        {
            return s.Kind switch
            {
                SetKind.Tags => c => tags.Any(t => t.CustomerId == c.Id && ids.Contains(t.TagId)),
                SetKind.Lists => c => lists.Any(l => l.CustomerId == c.Id && ids.Contains(l.ListId)),
                SetKind.MembershipPlans => c => memberships.Any(m => m.CustomerId == c.Id && names.Contains(m.Plan)),
                _ => c => memberships.Any(m => m.CustomerId == c.Id && statuses.Contains(m.Status)),
            };
        }

        // Has all: as many distinct matches as values (the binder removed duplicates).
        return s.Kind switch
        {
            SetKind.Tags => c => tags.Count(t => t.CustomerId == c.Id && ids.Contains(t.TagId)) == count,
            SetKind.Lists => c => lists.Count(l => l.CustomerId == c.Id && ids.Contains(l.ListId)) == count,
            SetKind.MembershipPlans => c => memberships.Where(m => m.CustomerId == c.Id && names.Contains(m.Plan)).Select(m => m.Plan).Distinct().Count() == count,
            _ => c => memberships.Where(m => m.CustomerId == c.Id && statuses.Contains(m.Status)).Select(m => m.Status).Distinct().Count() == count,
        };
    }

    /// <summary>A current member (open ledger interval) of any, or all, of the groups.</summary>
    private static Expression<Func<Customer, bool>> GroupTest(BoundSet s, DirectoryDbContext db)
    {
        IQueryable<Groups.GroupMember> stays = db.GroupMembers;
        var ids = s.Ids.ToArray();
        var count = ids.Length;
        if (count == 0)
        {
            return c => stays.Any(m => m.CustomerId == c.Id && m.LeftAt == null);
        }

        return !s.All || count == 1
            ? c => stays.Any(m => m.CustomerId == c.Id && m.LeftAt == null && ids.Contains(m.GroupId))
            : c => stays.Count(m => m.CustomerId == c.Id && m.LeftAt == null && ids.Contains(m.GroupId)) == count;
    }

    private static Expression<Func<Customer, bool>> ActivityTest(BoundActivity a, DirectoryDbContext db)
    {
        IQueryable<Visit> visits = db.Visits;
        IQueryable<Order> orders = db.Orders;
        IQueryable<Donation> donations = db.Donations;
        var (since, threshold) = (a.Since, a.Threshold);
        if (threshold <= 0)
        {
            return c => true;
        }

        return a.Kind switch
        {
            ActivityKind.Visits => c => visits.Count(v => v.CustomerId == c.Id && v.VisitedAt >= since) >= threshold,
            ActivityKind.Orders => c => orders.Count(o => o.CustomerId == c.Id && o.OrderedAt >= since) >= threshold,
            ActivityKind.Donations => c => donations.Count(d => d.CustomerId == c.Id && d.DonatedAt >= since) >= threshold,
            _ => c => orders.Where(o => o.CustomerId == c.Id && o.OrderedAt >= since).Sum(o => o.AmountMinor) >= threshold,
        };
    }

    private static Expression<Func<Customer, bool>> CustomTest(Bound bound, IQueryable<CustomFieldValue> values)
    {
        switch (bound)
        {
            case BoundCustomHasValue h:
                var hid = h.FieldId;
                return c => values.Any(v => v.CustomerId == c.Id && v.FieldId == hid);
            case BoundCustomFlag f:
                var fid = f.FieldId;
                return c => values.Any(v => v.CustomerId == c.Id && v.FieldId == fid && v.Flag == true);
            case BoundCustomOptions o:
                var (oid, options, count) = (o.FieldId, o.OptionIds.ToArray(), o.OptionIds.Count);
                return o.All && count > 1
                    ? c => values.Count(v => v.CustomerId == c.Id && v.FieldId == oid && v.OptionId != null && options.Contains(v.OptionId.Value)) == count
                    : c => values.Any(v => v.CustomerId == c.Id && v.FieldId == oid && v.OptionId != null && options.Contains(v.OptionId.Value));
            case BoundCustomText t:
                var (tid, text) = (t.FieldId, t.Value);
                return t.Match switch
                {
                    TextMatch.Equals => c => values.Any(v => v.CustomerId == c.Id && v.FieldId == tid && v.Text != null && DirectoryDbFunctions.Fold(v.Text) == text),
                    TextMatch.Contains => c => values.Any(v => v.CustomerId == c.Id && v.FieldId == tid && v.Text != null && DirectoryDbFunctions.Fold(v.Text).Contains(text)),
                    _ => c => values.Any(v => v.CustomerId == c.Id && v.FieldId == tid && v.Text != null && DirectoryDbFunctions.Fold(v.Text).StartsWith(text)),
                };
            case BoundCustomNumber n:
                var nid = n.FieldId;
                var (lo, hi) = (n.Min ?? double.NegativeInfinity, n.Max ?? double.PositiveInfinity);
                return (n.MinInclusive || n.Min is null, n.MaxInclusive || n.Max is null) switch
                {
                    (true, true) => c => values.Any(v => v.CustomerId == c.Id && v.FieldId == nid && v.Number != null && v.Number >= lo && v.Number <= hi),
                    (true, false) => c => values.Any(v => v.CustomerId == c.Id && v.FieldId == nid && v.Number != null && v.Number >= lo && v.Number < hi),
                    (false, true) => c => values.Any(v => v.CustomerId == c.Id && v.FieldId == nid && v.Number != null && v.Number > lo && v.Number <= hi),
                    _ => c => values.Any(v => v.CustomerId == c.Id && v.FieldId == nid && v.Number != null && v.Number > lo && v.Number < hi),
                };
            case BoundCustomDate d:
                var (did, from, to) = (d.FieldId, d.From ?? DateOnly.MinValue, d.To ?? DateOnly.MaxValue);
                return c => values.Any(v => v.CustomerId == c.Id && v.FieldId == did && v.Date != null && v.Date >= from && v.Date <= to);
            default:
                throw new InvalidOperationException($"No SQL for {bound.GetType().Name}.");
        }
    }

    private static Expression<Func<Customer, bool>> Compose<T>(Expression<Func<Customer, T>> selector, Expression<Func<T, bool>> test) =>
        Expression.Lambda<Func<Customer, bool>>(new Replace(test.Parameters[0], selector.Body).Visit(test.Body), selector.Parameters);

    private static Expression Inline(Expression<Func<Customer, bool>> lambda, ParameterExpression c) =>
        new Replace(lambda.Parameters[0], c).Visit(lambda.Body);

    private static InvalidOperationException Unknown(Column column) => new($"No SQL for column {column}.");

    private sealed class Replace(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
