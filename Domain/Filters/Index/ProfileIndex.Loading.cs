using System.Data.Common;
using System.Globalization;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;

namespace CustomerDirectory.Domain.Filters.Index;

// Reading profiles from the database: the same statements serve the start-up load (all rows, streamed in id order)
// and the refresh of one profile (WHERE id = $id).
public sealed partial class ProfileIndex
{
    private const string CustomerColumns =
        "Id, FirstName, LastName, Email, EmailKey, PhoneKey, AddressLine, PostalCode, City, Country, Birthday, CreatedAt, Source, " +
        "HasAccount, PhotoUploaded, VisitCount, FirstVisitAt, LastVisitAt, OrderCount, TotalSpentMinor, FirstOrderAt, LastOrderAt, " +
        "DonationCount, DonationTotalMinor, LastDonationAt, ActiveMembershipCount, EmailConsent_Status, SmsConsent_Status, " +
        "EmailConsent_SubscribedAt, LoyaltyEnrolled, LoyaltyPoints, LoyaltyRewardThreshold, Phone";

    private static class Sql
    {
        public static string Customers(string where) => $"SELECT {CustomerColumns} FROM Customers {where} ORDER BY Id";

        public static string Visits(string where) => $"SELECT CustomerId, VisitedAt FROM Visits {where} ORDER BY CustomerId, VisitedAt";

        public static string Orders(string where) => $"SELECT CustomerId, OrderedAt, AmountMinor FROM Orders {where} ORDER BY CustomerId, OrderedAt";

        public static string Donations(string where) => $"SELECT CustomerId, DonatedAt, 0 FROM Donations {where} ORDER BY CustomerId, DonatedAt";

        public static string Tags(string where) => $"SELECT CustomerId, TagId FROM CustomerTags {where} ORDER BY CustomerId";

        public static string Lists(string where) => $"SELECT CustomerId, ListId FROM ListSubscriptions {where} ORDER BY CustomerId";

        public static string Memberships(string where) => $"SELECT CustomerId, Plan, Status FROM Memberships {where} ORDER BY CustomerId";

        public const string CustomFields = "SELECT Id, Type FROM CustomFields";

        public static string CustomValues(string where) => $"SELECT CustomerId, FieldId, Flag, OptionId, Text, Number, Date FROM CustomFieldValues {where} ORDER BY CustomerId";
    }

    /// <summary>How long each part of the last build took, for the benchmark.</summary>
    internal string BuildPhases { get; private set; } = "";

    /// <summary>
    /// Slots first (ids in order), then the customer columns, the activity and the sets on separate connections in
    /// parallel: each writes its own arrays.
    /// </summary>
    private void LoadAll(Func<DbConnection> connect, CancellationToken ct)
    {
        var phases = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Timed(string name, Action<DbConnection> load)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var connection = connect();
            load(connection);
            phases.Enqueue($"{name} {watch.Elapsed.TotalSeconds:F1} s");
        }

        Timed("ids", connection =>
        {
            // No ORDER BY: SQLite reads the ids from its smallest index instead of walking every row's page.
            var ids = new List<int>();
            using (var reader = Command(connection, "SELECT Id FROM Customers").ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetInt32(0));
                }
            }

            ids.Sort();
            Grow(Math.Max(1024, ids.Count + (ids.Count / 8)));
            foreach (var id in ids)
            {
                NewSlot(id);
            }
        });

        Parallel.Invoke(
            new ParallelOptions { CancellationToken = ct },
            () => Timed("customers", connection =>
            {
                using var reader = Command(connection, Sql.Customers("")).ExecuteReader();
                while (reader.Read())
                {
                    ct.ThrowIfCancellationRequested();
                    var record = CustomerRecord.Read(reader);
                    if (SlotOf(record.Id) is { } slot)
                    {
                        StoreCustomer(slot, record);
                    }
                }
            }),
            () => Timed("visits", connection => LoadActivity(connection, Sql.Visits(""), _visits, ct)),
            () => Timed("orders+donations", connection =>
            {
                LoadActivity(connection, Sql.Orders(""), _orders, ct);
                LoadActivity(connection, Sql.Donations(""), _donations, ct);
            }),
            () => Timed("tags+lists+memberships+custom", connection => LoadSets(connection, ct)));

        var sortWatch = System.Diagnostics.Stopwatch.StartNew();
        SortAll();
        phases.Enqueue($"sorting {sortWatch.Elapsed.TotalSeconds:F1} s");
        BuildPhases = string.Join(", ", phases);
    }

    private void LoadSets(DbConnection connection, CancellationToken ct)
    {
        LoadPairs(connection, Sql.Tags(""), (slot, reader) => _tags.Append(slot, reader.GetInt32(1)), ct);
        LoadPairs(connection, Sql.Lists(""), (slot, reader) => _lists.Append(slot, reader.GetInt32(1)), ct);
        LoadPairs(connection, Sql.Memberships(""), (slot, reader) =>
        {
            _plans.Append(slot, PlanId(reader.GetString(1)));
            _statuses.Append(slot, (int)Enum.Parse<MembershipStatus>(reader.GetString(2)));
        }, ct);

        using (var reader = Command(connection, Sql.CustomFields).ExecuteReader())
        {
            while (reader.Read())
            {
                var column = new CustomColumn(Enum.Parse<CustomFieldType>(reader.GetString(1)));
                column.Resize(_capacity);
                _custom[reader.GetInt32(0)] = column;
            }
        }

        LoadPairs(connection, Sql.CustomValues(""), (slot, reader) =>
        {
            if (_custom.TryGetValue(reader.GetInt32(1), out var column))
            {
                StoreCustom(column, slot, CustomValue.Read(reader), bulk: true);
            }
        }, ct);

        foreach (var set in new[] { _tags, _lists, _plans, _statuses }.Concat(_custom.Values.Select(c => c.Options)))
        {
            set.Seal();
        }
    }

    private void LoadActivity(DbConnection connection, string sql, ActivityColumn column, CancellationToken ct)
    {
        using var reader = Command(connection, sql).ExecuteReader();
        var withAmount = reader.FieldCount > 2;
        for (var row = 0; reader.Read(); row++)
        {
            if (SlotOf(reader.GetInt32(0)) is { } slot)
            {
                column.Append(slot, ReadMoment(reader, 1), withAmount ? reader.GetInt64(2) : 0);
            }

            if ((row & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }

        column.Seal();
    }

    private void LoadPairs(DbConnection connection, string sql, Action<int, DbDataReader> store, CancellationToken ct)
    {
        using var reader = Command(connection, sql).ExecuteReader();
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            if (SlotOf(reader.GetInt32(0)) is { } slot)
            {
                store(slot, reader);
            }
        }
    }

    private int NewSlot(int id)
    {
        if (_count == _capacity)
        {
            Grow(Math.Max(1024, _capacity * 2));
        }

        if (id >= _slotById.Length)
        {
            Array.Resize(ref _slotById, Math.Max(id + 1, _slotById.Length * 2));
        }

        var slot = _count++;
        _ids[slot] = id;
        _slotById[id] = slot + 1;
        _live.Set(slot);
        return slot;
    }

    private void Grow(int capacity)
    {
        _capacity = capacity;
        Array.Resize(ref _ids, capacity);
        _live = ColumnArrays.Grow(_live, capacity);
        foreach (var text in new[] { _firstName, _lastName, _email, _emailKey, _phone, _address, _postalCode, _city, _country })
        {
            text.Resize(capacity);
        }

        _birthday = ColumnArrays.Grow(_birthday, capacity, int.MinValue);
        _createdAt = ColumnArrays.Grow(_createdAt, capacity, Moments.Null);
        _firstVisitAt = ColumnArrays.Grow(_firstVisitAt, capacity, Moments.Null);
        _lastVisitAt = ColumnArrays.Grow(_lastVisitAt, capacity, Moments.Null);
        _firstOrderAt = ColumnArrays.Grow(_firstOrderAt, capacity, Moments.Null);
        _lastOrderAt = ColumnArrays.Grow(_lastOrderAt, capacity, Moments.Null);
        _lastDonationAt = ColumnArrays.Grow(_lastDonationAt, capacity, Moments.Null);
        _subscribedAt = ColumnArrays.Grow(_subscribedAt, capacity, Moments.Null);
        _visitCount = ColumnArrays.Grow(_visitCount, capacity, 0);
        _orderCount = ColumnArrays.Grow(_orderCount, capacity, 0);
        _donationCount = ColumnArrays.Grow(_donationCount, capacity, 0);
        _activeMemberships = ColumnArrays.Grow(_activeMemberships, capacity, 0);
        _loyaltyPoints = ColumnArrays.Grow(_loyaltyPoints, capacity, 0);
        _totalSpent = ColumnArrays.Grow(_totalSpent, capacity, 0L);
        _donationTotal = ColumnArrays.Grow(_donationTotal, capacity, 0L);
        _source = ColumnArrays.Grow(_source, capacity, (byte)0);
        _emailConsent = ColumnArrays.Grow(_emailConsent, capacity, (byte)0);
        _smsConsent = ColumnArrays.Grow(_smsConsent, capacity, (byte)0);
        _hasAccount = ColumnArrays.Grow(_hasAccount, capacity, (byte)0);
        _photoUploaded = ColumnArrays.Grow(_photoUploaded, capacity, (byte)0);
        _loyaltyEnrolled = ColumnArrays.Grow(_loyaltyEnrolled, capacity, (byte)0);
        _rewardInSight = ColumnArrays.Grow(_rewardInSight, capacity, (byte)0);
        _emailState = ColumnArrays.Grow(_emailState, capacity, Audiences.AudienceRules.Missing);
        _phoneState = ColumnArrays.Grow(_phoneState, capacity, Audiences.AudienceRules.Missing);
        _tags.Resize(capacity);
        _lists.Resize(capacity);
        _plans.Resize(capacity);
        _statuses.Resize(capacity);
        _visits.Resize(capacity);
        _orders.Resize(capacity);
        _donations.Resize(capacity);
        foreach (var column in _custom.Values)
        {
            column.Resize(capacity);
        }
    }

    private void StoreCustomer(int slot, in CustomerRecord r)
    {
        _firstName.Set(slot, ContactRules.Fold(r.FirstName));
        _lastName.Set(slot, ContactRules.Fold(r.LastName));
        var folded = r.Email is null ? null : ContactRules.Fold(r.Email);
        _email.Set(slot, folded);
        _emailKey.Set(slot, r.EmailKey == folded ? null : r.EmailKey); // kept only where it differs (non-ASCII)
        _phone.Set(slot, r.PhoneKey);
        _address.Set(slot, r.AddressLine is null ? null : ContactRules.Fold(r.AddressLine));
        _postalCode.Set(slot, r.PostalCode is null ? null : ContactRules.Fold(r.PostalCode));
        _city.Set(slot, r.City is null ? null : ContactRules.Fold(r.City));
        _country.Set(slot, r.Country is null ? null : ContactRules.Fold(r.Country));
        _birthday[slot] = r.Birthday;
        _createdAt[slot] = r.CreatedAt;
        _source[slot] = r.Source;
        _hasAccount[slot] = r.HasAccount ? (byte)1 : (byte)0;
        _photoUploaded[slot] = r.PhotoUploaded ? (byte)1 : (byte)0;
        _visitCount[slot] = r.VisitCount;
        _firstVisitAt[slot] = r.FirstVisitAt;
        _lastVisitAt[slot] = r.LastVisitAt;
        _orderCount[slot] = r.OrderCount;
        _totalSpent[slot] = r.TotalSpent;
        _firstOrderAt[slot] = r.FirstOrderAt;
        _lastOrderAt[slot] = r.LastOrderAt;
        _donationCount[slot] = r.DonationCount;
        _donationTotal[slot] = r.DonationTotal;
        _lastDonationAt[slot] = r.LastDonationAt;
        _activeMemberships[slot] = r.ActiveMemberships;
        _emailConsent[slot] = r.EmailConsent;
        _smsConsent[slot] = r.SmsConsent;
        _subscribedAt[slot] = r.SubscribedAt;
        _loyaltyEnrolled[slot] = r.LoyaltyEnrolled ? (byte)1 : (byte)0;
        _loyaltyPoints[slot] = r.LoyaltyPoints;
        _rewardInSight[slot] = Customers.Customer.RewardInSight(r.LoyaltyEnrolled, r.LoyaltyPoints, r.RewardThreshold) ? (byte)1 : (byte)0;
        _emailState[slot] = Audiences.AudienceRules.EmailState(r.Email);
        _phoneState[slot] = Audiences.AudienceRules.PhoneState(r.Phone);
    }

    private static void StoreCustom(CustomColumn column, int slot, in CustomValue value, bool bulk)
    {
        switch (column.Type)
        {
            case CustomFieldType.Toggle:
                column.Flags[slot] = value.Flag switch { true => 2, false => 1, null => 0 };
                break;
            case CustomFieldType.Select or CustomFieldType.MultiSelect when value.OptionId is { } option:
                if (bulk)
                {
                    column.Options.Append(slot, option);
                }
                else
                {
                    column.Options.Replace(slot, [.. column.Options.Of(slot), option]);
                }

                break;
            case CustomFieldType.Number:
                column.Numbers[slot] = value.Number ?? double.NaN;
                break;
            case CustomFieldType.Date:
                column.Dates[slot] = value.Date ?? int.MinValue;
                break;
            case CustomFieldType.Text:
                column.Text.Set(slot, value.Text is null ? null : ContactRules.Fold(value.Text));
                break;
        }
    }

    /// <summary>Swaps one profile's values in (under the write lock); a profile that is gone leaves the index.</summary>
    private void Store(int customerId, ProfileRow? row)
    {
        var existing = SlotOf(customerId);
        if (row is null)
        {
            if (existing is { } gone)
            {
                Unsort(gone);
                _live.Words[gone >> 6] &= ~(1UL << gone);
                _slotById[customerId] = 0;
            }

            return;
        }

        var slot = existing ?? NewSlot(customerId);
        var positions = existing is null ? null : Locate(slot);
        StoreValues(slot, row);
        Resort(slot, positions);
    }

    /// <summary>
    /// Swaps many profiles' values in at once (an import's batch): the sorted orders are rebuilt in one merge each
    /// instead of one shift of the whole order per profile, which at a million profiles cost about 0.4 ms each.
    /// </summary>
    private void StoreMany(IReadOnlyDictionary<int, ProfileRow?> rows)
    {
        var leaving = new List<int>();
        var entering = new List<int>();
        foreach (var (customerId, row) in rows)
        {
            var existing = SlotOf(customerId);
            if (existing is { } slot)
            {
                leaving.Add(slot);
            }

            if (row is null)
            {
                if (existing is { } gone)
                {
                    _live.Words[gone >> 6] &= ~(1UL << gone);
                    _slotById[customerId] = 0;
                }

                continue;
            }

            var stored = existing ?? NewSlot(customerId);
            StoreValues(stored, row);
            entering.Add(stored);
        }

        ResortMany(leaving, entering);
    }

    private void StoreValues(int slot, ProfileRow row)
    {
        StoreCustomer(slot, row.Customer);
        _visits.Replace(slot, [.. row.Visits.Select(v => v.Moment)], null);
        _orders.Replace(slot, [.. row.Orders.Select(o => o.Moment)], [.. row.Orders.Select(o => o.Amount)]);
        _donations.Replace(slot, [.. row.Donations.Select(d => d.Moment)], null);
        _tags.Replace(slot, row.Tags);
        _lists.Replace(slot, row.Lists);
        _plans.Replace(slot, [.. row.Memberships.Select(m => PlanId(m.Plan))]);
        _statuses.Replace(slot, [.. row.Memberships.Select(m => (int)m.Status)]);
        foreach (var (fieldId, column) in _custom)
        {
            column.Clear(slot);
            foreach (var value in row.CustomValues.Where(v => v.FieldId == fieldId))
            {
                StoreCustom(column, slot, value, bulk: false);
            }
        }
    }

    private int PlanId(string plan)
    {
        if (!_planIds.TryGetValue(plan, out var id))
        {
            id = _planIds.Count;
            _planIds.Add(plan, id);
        }

        return id;
    }

    private static DbCommand Command(DbConnection connection, string sql, int? customerId = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        if (customerId is { } id)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "$id";
            parameter.Value = id;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>"yyyy-MM-dd" as a day number, without the culture machinery.</summary>
    private static int DayNumber(string s) => s.Length == 10 && s[4] == '-' && s[7] == '-'
        ? new DateOnly(((s[0] - '0') * 1000) + ((s[1] - '0') * 100) + ((s[2] - '0') * 10) + (s[3] - '0'), ((s[5] - '0') * 10) + (s[6] - '0'), ((s[8] - '0') * 10) + (s[9] - '0')).DayNumber
        : DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber;

    private static int ReadMoment(DbDataReader reader, int i) => reader.IsDBNull(i)
        ? Moments.Null
        : reader.GetFieldType(i) == typeof(string) ? Moments.Parse(reader.GetString(i)) : Moments.From(reader.GetDateTime(i).ToUniversalTime());

    private static readonly Dictionary<string, byte> SourceCodes = Enum.GetValues<CustomerSource>().ToDictionary(v => v.ToString(), v => (byte)v, StringComparer.Ordinal);
    private static readonly Dictionary<string, byte> ConsentCodes = Enum.GetValues<ConsentStatus>().ToDictionary(v => v.ToString(), v => (byte)v, StringComparer.Ordinal);

    /// <summary>The customer's own columns, as read from one row.</summary>
    private readonly record struct CustomerRecord(
        int Id, string FirstName, string LastName, string? Email, string? EmailKey, string? PhoneKey, string? AddressLine,
        string? PostalCode, string? City, string? Country, int Birthday, int CreatedAt, byte Source, bool HasAccount, bool PhotoUploaded,
        int VisitCount, int FirstVisitAt, int LastVisitAt, int OrderCount, long TotalSpent, int FirstOrderAt, int LastOrderAt,
        int DonationCount, long DonationTotal, int LastDonationAt, int ActiveMemberships, byte EmailConsent, byte SmsConsent,
        int SubscribedAt, bool LoyaltyEnrolled, int LoyaltyPoints, int? RewardThreshold, string? Phone)
    {
        public static CustomerRecord Read(DbDataReader r)
        {
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            return new CustomerRecord(
                r.GetInt32(0), r.GetString(1), r.GetString(2), S(3), S(4), S(5), S(6), S(7), S(8), S(9),
                r.IsDBNull(10) ? int.MinValue : DayNumber(r.GetString(10)),
                ReadMoment(r, 11), SourceCodes[r.GetString(12)], r.GetBoolean(13), r.GetBoolean(14),
                r.GetInt32(15), ReadMoment(r, 16), ReadMoment(r, 17), r.GetInt32(18), r.GetInt64(19), ReadMoment(r, 20), ReadMoment(r, 21),
                r.GetInt32(22), r.GetInt64(23), ReadMoment(r, 24), r.GetInt32(25),
                ConsentCodes[r.GetString(26)], ConsentCodes[r.GetString(27)], ReadMoment(r, 28),
                r.GetBoolean(29), r.GetInt32(30), r.IsDBNull(31) ? null : r.GetInt32(31), S(32));
        }
    }

    private readonly record struct CustomValue(int CustomerId, int FieldId, bool? Flag, int? OptionId, string? Text, double? Number, int? Date)
    {
        public static CustomValue Read(DbDataReader r) => new(
            r.GetInt32(0), r.GetInt32(1),
            r.IsDBNull(2) ? null : r.GetBoolean(2),
            r.IsDBNull(3) ? null : r.GetInt32(3),
            r.IsDBNull(4) ? null : r.GetString(4),
            r.IsDBNull(5) ? null : r.GetDouble(5),
            r.IsDBNull(6) ? null : DayNumber(r.GetString(6)));
    }

    private static class CustomValues
    {
        public static List<CustomValue> Read(DbConnection connection, int fieldId)
        {
            using var command = Command(connection, Sql.CustomValues("WHERE FieldId = $id"), fieldId);
            using var reader = command.ExecuteReader();
            var values = new List<CustomValue>();
            while (reader.Read())
            {
                values.Add(CustomValue.Read(reader));
            }

            return values;
        }
    }

    /// <summary>One profile and everything about it the index keeps; null when the profile does not exist.</summary>
    private sealed class ProfileRow
    {
        public CustomerRecord Customer { get; private init; }

        public List<(int Moment, long Amount)> Visits { get; } = [];

        public List<(int Moment, long Amount)> Orders { get; } = [];

        public List<(int Moment, long Amount)> Donations { get; } = [];

        public List<int> Tags { get; } = [];

        public List<int> Lists { get; } = [];

        public List<(string Plan, MembershipStatus Status)> Memberships { get; } = [];

        public List<CustomValue> CustomValues { get; } = [];

        public static ProfileRow? Read(DbConnection connection, int id)
        {
            ProfileRow row;
            using (var command = Command(connection, Sql.Customers("WHERE Id = $id"), id))
            using (var reader = command.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                row = new ProfileRow { Customer = CustomerRecord.Read(reader) };
            }

            const string where = "WHERE CustomerId = $id";
            Each(connection, Sql.Visits(where), id, r => row.Visits.Add((ReadMoment(r, 1), 0)));
            Each(connection, Sql.Orders(where), id, r => row.Orders.Add((ReadMoment(r, 1), r.GetInt64(2))));
            Each(connection, Sql.Donations(where), id, r => row.Donations.Add((ReadMoment(r, 1), 0)));
            Each(connection, Sql.Tags(where), id, r => row.Tags.Add(r.GetInt32(1)));
            Each(connection, Sql.Lists(where), id, r => row.Lists.Add(r.GetInt32(1)));
            Each(connection, Sql.Memberships(where), id, r => row.Memberships.Add((r.GetString(1), Enum.Parse<MembershipStatus>(r.GetString(2)))));
            Each(connection, Sql.CustomValues(where), id, r => row.CustomValues.Add(CustomValue.Read(r)));
            return row;
        }

        /// <summary>
        /// Several profiles in eight queries in all (not eight each): an import's batch. Ids with no profile (deleted)
        /// come back as null.
        /// </summary>
        public static Dictionary<int, ProfileRow?> ReadMany(DbConnection connection, IReadOnlyCollection<int> ids)
        {
            var rows = ids.Distinct().ToDictionary(id => id, _ => (ProfileRow?)null);
            var json = System.Text.Json.JsonSerializer.Serialize(rows.Keys);
            using (var command = Many(connection, Sql.Customers("WHERE Id IN (SELECT value FROM json_each($ids))"), json))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var customer = CustomerRecord.Read(reader);
                    rows[customer.Id] = new ProfileRow { Customer = customer };
                }
            }

            const string where = "WHERE CustomerId IN (SELECT value FROM json_each($ids))";
            void Each(string sql, Action<ProfileRow, DbDataReader> read)
            {
                using var command = Many(connection, sql, json);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    if (rows.GetValueOrDefault(reader.GetInt32(0)) is { } row)
                    {
                        read(row, reader);
                    }
                }
            }

            Each(Sql.Visits(where), (row, r) => row.Visits.Add((ReadMoment(r, 1), 0)));
            Each(Sql.Orders(where), (row, r) => row.Orders.Add((ReadMoment(r, 1), r.GetInt64(2))));
            Each(Sql.Donations(where), (row, r) => row.Donations.Add((ReadMoment(r, 1), 0)));
            Each(Sql.Tags(where), (row, r) => row.Tags.Add(r.GetInt32(1)));
            Each(Sql.Lists(where), (row, r) => row.Lists.Add(r.GetInt32(1)));
            Each(Sql.Memberships(where), (row, r) => row.Memberships.Add((r.GetString(1), Enum.Parse<MembershipStatus>(r.GetString(2)))));
            Each(Sql.CustomValues(where), (row, r) => row.CustomValues.Add(CustomValue.Read(r)));
            return rows;
        }

        private static DbCommand Many(DbConnection connection, string sql, string idsJson)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "$ids";
            parameter.Value = idsJson;
            command.Parameters.Add(parameter);
            return command;
        }

        private static void Each(DbConnection connection, string sql, int id, Action<DbDataReader> read)
        {
            using var command = Command(connection, sql, id);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                read(reader);
            }
        }
    }
}
