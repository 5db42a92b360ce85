using System.Globalization;
using CustomerDirectory.Domain.Audiences;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tests.Transfer;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CustomerDirectory.Domain.Tests.Audiences;

/// <summary>
/// Audiences: counts equal a naive oracle over the same data (both channels, in memory and from the database), reasons
/// follow their precedence, snapshots never change, and their export flags people who opted out since.
/// </summary>
public sealed class AudienceServiceTests(ITestOutputHelper output) : DatabaseTest
{
    private static readonly StaffActor Staff = new("1", "Tester");
    private static readonly string[] Cities = ["Lyon", "Paris", "Nice"];

    /// <summary>A merchant far from UTC, so a day written in UTC instead of theirs shows (13 hours ahead in November).</summary>
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Merchant:TimeZone"] = "Pacific/Auckland" };

    private AudienceService Audiences => Db.Get<AudienceService>();

    private ConsentService Consent => Db.Get<ConsentService>();

    private async Task<int> GroupAsync(string name, List<int> members)
    {
        var groups = Db.Get<GroupService>();
        var id = await groups.CreateAsync(new GroupInput(name, null, GroupKind.Manual), "test");
        if (members.Count > 0)
        {
            await groups.AddMembersAsync(id, members, "test");
        }

        return id;
    }

    private async Task SetConsentAsync(int id, ConsentChannel channel, ConsentStatus status)
    {
        if (status != ConsentStatus.NeverAsked)
        {
            await Consent.SetByStaffAsync(id, channel, status, Staff);
        }
    }

    [Fact]
    public async Task CountAsync_RandomData_EqualsNaiveOracleForBothChannelsInMemoryAndFromDatabase()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("DIRECTORY_AUDIENCE_SEED"), out var s) ? s : Environment.TickCount;
        output.WriteLine($"DIRECTORY_AUDIENCE_SEED={seed}");
        var random = new Random(seed);
        var statuses = Enum.GetValues<ConsentStatus>();
        // A small pool of phones written in different ways: "06 12…" and "06.12…" are one number, so duplicates happen.
        string Phone(int n) => random.Next(2) == 0 ? $"06 12 34 56 {n:00}" : $"06.12.34.56.{n:00}";
        var people = new List<int>();
        for (var i = 0; i < 150; i++)
        {
            var email = random.Next(5) == 0 ? null : $"person{i}@example.com";
            var phone = random.Next(5) == 0 ? null : Phone(random.Next(30));
            var id = await Db.Customers.CreateAsync(new CustomerInput
            {
                FirstName = "P", LastName = i.ToString(CultureInfo.InvariantCulture), Email = email, Phone = phone, City = Cities[random.Next(Cities.Length)],
            });
            people.Add(id);
            await SetConsentAsync(id, ConsentChannel.Email, email is null ? ConsentStatus.NeverAsked : statuses[random.Next(statuses.Length)]);
            await SetConsentAsync(id, ConsentChannel.Sms, phone is null ? ConsentStatus.NeverAsked : statuses[random.Next(statuses.Length)]);
        }

        // Addresses no form would accept, as an old database or a raw import might hold them.
        await using (var db = Db.NewContext())
        {
            foreach (var id in people.Where(_ => random.Next(12) == 0))
            {
                await db.Database.ExecuteSqlAsync($"UPDATE Customers SET Email = 'broken@nowhere', EmailKey = {"broken" + id + "@nowhere"} WHERE Id = {id}");
            }

            foreach (var id in people.Where(_ => random.Next(12) == 0))
            {
                await db.Database.ExecuteSqlAsync($"UPDATE Customers SET Phone = '12', PhoneKey = '12' WHERE Id = {id}");
            }
        }

        // Two subscribed people with one number written two ways, in A and never in X, so every seed has a duplicate
        // that counts (random data alone has none about one time in ten).
        var twins = new List<int>();
        foreach (var phone in new[] { "06 12 34 56 99", "06.12.34.56.99" })
        {
            var id = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "Twin", LastName = phone, Phone = phone, City = Cities[0] });
            await SetConsentAsync(id, ConsentChannel.Email, ConsentStatus.NeverAsked);
            await SetConsentAsync(id, ConsentChannel.Sms, ConsentStatus.Subscribed);
            twins.Add(id);
        }

        var a = await GroupAsync("A", [.. people.Where(_ => random.Next(2) == 0), .. twins]);
        var b = await GroupAsync("B", [.. people.Where(_ => random.Next(3) == 0)]);
        var x = await GroupAsync("X", [.. people.Where(_ => random.Next(4) == 0)]);
        var city = Cities[random.Next(Cities.Length)];
        var rules = new[]
        {
            new AudienceRule { Include = [a, b], Exclude = [x] },
            new AudienceRule { Include = [a], Exclude = [x], Filter = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, city)) } },
            new AudienceRule { Exclude = [b] },
        };

        // The database path (the index is not built yet), then the index.
        var fromDatabase = new List<AudienceCounts>();
        foreach (var rule in rules)
        {
            fromDatabase.Add(await Audiences.CountAsync(rule));
        }

        await Db.Get<ProfileIndex>().BuildAsync();
        for (var i = 0; i < rules.Length; i++)
        {
            var expected = await OracleAsync(rules[i], city);
            var inMemory = await Audiences.CountAsync(rules[i]);
            foreach (var channel in new[] { ConsentChannel.Email, ConsentChannel.Sms })
            {
                Assert.Equal(Describe(expected.For(channel)), Describe(inMemory.For(channel)));
                Assert.Equal(Describe(expected.For(channel)), Describe(fromDatabase[i].For(channel)));
                Assert.Equal(inMemory.Taken, inMemory.For(channel).Sendable + inMemory.For(channel).Out.Sum());
            }

            Assert.Equal(expected.Taken, inMemory.Taken);
        }

        Assert.True(rules.Sum(r => 1) == 3 && (await Audiences.CountAsync(rules[0])).Sms.OutFor(AudienceReason.Duplicate) > 0, "the data should hold duplicate phones");
    }

    private static string Describe(ChannelReach reach) =>
        $"{reach.Channel}: sendable {reach.Sendable}, " + string.Join(", ", Enum.GetValues<AudienceReason>().Select(r => $"{r} {reach.OutFor(r)}"));

    /// <summary>The rules read straight from the specification, over rows read with EF: no index, no bit sets, no shared code but ContactRules.</summary>
    private async Task<AudienceCounts> OracleAsync(AudienceRule rule, string city)
    {
        await using var db = Db.NewContext();
        var people = await db.Customers.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Email, c.Phone, c.City, Email_ = c.EmailConsent.Status, Sms = c.SmsConsent.Status }).ToListAsync();
        var members = await db.GroupMembers.AsNoTracking().Where(m => m.LeftAt == null).Select(m => new { m.GroupId, m.CustomerId }).ToListAsync();
        bool In(int customerId, IEnumerable<int> groups) => members.Any(m => m.CustomerId == customerId && groups.Contains(m.GroupId));

        var taken = people.Where(p => (rule.Include.Count == 0 || In(p.Id, rule.Include)) && (!rule.HasFilter || p.City == city)).ToList();
        ChannelReach Reach(ConsentChannel channel)
        {
            var outs = new int[6];
            var seen = new HashSet<string>();
            var sendable = 0;
            foreach (var p in taken)
            {
                var address = channel == ConsentChannel.Email ? p.Email : p.Phone;
                var valid = address is not null && (channel == ConsentChannel.Email ? ContactRules.EmailError(address) : ContactRules.PhoneError(address)) is null;
                var status = channel == ConsentChannel.Email ? p.Email_ : p.Sms;
                if (In(p.Id, rule.Exclude))
                {
                    outs[0]++;
                }
                else if (!valid)
                {
                    outs[1]++;
                }
                else if (status == ConsentStatus.Unsubscribed)
                {
                    outs[2]++;
                }
                else if (status == ConsentStatus.Bounced)
                {
                    outs[3]++;
                }
                else if (status == ConsentStatus.NeverAsked)
                {
                    outs[4]++;
                }
                else if (!seen.Add(channel == ConsentChannel.Email ? address!.Trim().ToLowerInvariant() : ContactRules.PhoneKey(address)!))
                {
                    outs[5]++;
                }
                else
                {
                    sendable++;
                }
            }

            return new ChannelReach(channel, sendable, outs);
        }

        return new AudienceCounts(taken.Count, taken.Count, Reach(ConsentChannel.Email), Reach(ConsentChannel.Sms));
    }

    [Fact]
    public async Task CountAsync_SeveralReasonsAtOnce_CountsEachPersonOnceUnderTheFirstReason()
    {
        await Db.Get<ProfileIndex>().BuildAsync();
        // Excluded, with no email and unsubscribed by SMS: only "excluded group".
        var excluded = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "E", LastName = "X", Phone = "06 11 11 11 11" });
        await SetConsentAsync(excluded, ConsentChannel.Sms, ConsentStatus.Unsubscribed);
        // No email and never asked: "no address" (by email); a phone subscribed then unsubscribed: "unsubscribed" (by SMS).
        var noEmail = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "N", LastName = "E", Phone = "06 22 22 22 22" });
        await SetConsentAsync(noEmail, ConsentChannel.Sms, ConsentStatus.Unsubscribed);
        // Bounced email; SMS never asked.
        var bounced = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "B", LastName = "O", Email = "b@example.com", Phone = "06 33 33 33 33" });
        await SetConsentAsync(bounced, ConsentChannel.Email, ConsentStatus.Bounced);
        // Two people sharing one phone, both subscribed: the first counts, the second is a duplicate.
        var first = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "F", LastName = "1", Email = "f1@example.com", Phone = "06 44 44 44 44" });
        var second = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "F", LastName = "2", Email = "f2@example.com", Phone = "+33 6 44 44 44 44" });
        var third = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "F", LastName = "3", Email = "f3@example.com", Phone = "06.44.44.44.44" });
        foreach (var id in new[] { first, second, third })
        {
            await SetConsentAsync(id, ConsentChannel.Email, ConsentStatus.Subscribed);
            await SetConsentAsync(id, ConsentChannel.Sms, ConsentStatus.Subscribed);
        }

        var all = await GroupAsync("All", [excluded, noEmail, bounced, first, second, third]);
        var out_ = await GroupAsync("Out", [excluded]);

        var counts = await Audiences.CountAsync(new AudienceRule { Include = [all], Exclude = [out_] });

        Assert.Equal(6, counts.Taken);
        Assert.Equal([1, 1, 0, 1, 0, 0], counts.Email.Out);
        Assert.Equal(3, counts.Email.Sendable);
        // "+33 6 44…" and "06.44…" are "06 44…" written otherwise (the merchant is in France): one number, sent to once.
        Assert.Equal([1, 0, 1, 0, 1, 2], counts.Sms.Out);
        Assert.Equal(1, counts.Sms.Sendable);
    }

    [Fact]
    public async Task CountAsync_AfterConsentChange_IsCurrentImmediately()
    {
        await Db.Get<ProfileIndex>().BuildAsync();
        var id = await Db.AddAsync(CustomerBuilder.ACustomer());
        var group = await GroupAsync("G", [id]);
        var rule = new AudienceRule { Include = [group] };
        Assert.Equal(0, (await Audiences.CountAsync(rule)).Email.Sendable);

        await SetConsentAsync(id, ConsentChannel.Email, ConsentStatus.Subscribed);

        Assert.Equal(1, (await Audiences.CountAsync(rule)).Email.Sendable);
    }

    private async Task<(int Audience, int[] People)> SubscribedAudienceAsync(int people)
    {
        var ids = new List<int>();
        for (var i = 0; i < people; i++)
        {
            var id = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "=cmd", LastName = $"L{i}", Email = $"s{i}@example.com" });
            await SetConsentAsync(id, ConsentChannel.Email, ConsentStatus.Subscribed);
            ids.Add(id);
        }

        var group = await GroupAsync("Snap", ids);
        var audience = await Audiences.SaveAsync(null, new AudienceInput("Newsletter", new AudienceRule { Include = [group] }));
        return (audience, [.. ids]);
    }

    [Fact]
    public async Task FreezeAsync_RecordsPeopleAddressesAuthorAndRule_AndTheDatabaseRefusesAnyChange()
    {
        await Db.Get<ProfileIndex>().BuildAsync();
        var (audience, people) = await SubscribedAudienceAsync(3);

        var marketer = await Db.StaffWithRoleAsync(StaffRoles.Marketer, DefaultRoles.Sets[StaffRoles.Marketer]);
        SnapshotSummary snapshot;
        using (StaffAccess.As(marketer))
        {
            snapshot = await Audiences.FreezeAsync(audience);
        }

        Assert.Equal(3, snapshot.Size);
        Assert.Equal(StaffRoles.Marketer, snapshot.TakenBy);
        Assert.Contains("\"name\":\"Snap\"", snapshot.RuleJson, StringComparison.Ordinal);
        var members = await Audiences.SnapshotMembersAsync(snapshot.Id);
        Assert.Equal(people, members.Select(m => m.CustomerId));
        Assert.Equal("s0@example.com", members[0].Address);

        // No way to change it through the service…
        var writes = typeof(AudienceService).GetMethods().Where(m => m.Name.Contains("Snapshot", StringComparison.Ordinal)
            && (m.Name.StartsWith("Update", StringComparison.Ordinal) || m.Name.StartsWith("Delete", StringComparison.Ordinal) || m.Name.StartsWith("Edit", StringComparison.Ordinal)));
        Assert.Empty(writes);

        // …nor underneath it.
        await using var db = Db.NewContext();
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE AudienceSnapshots SET Size = 0"));
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM AudienceSnapshots"));
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE AudienceSnapshotMembers SET Address = 'x@example.com'"));
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM AudienceSnapshotMembers"));

        // Deleting the audience, or changing the people, leaves the snapshot as it was.
        await Audiences.DeleteAsync(audience);
        await Db.Customers.UpdateAsync(people[0], new CustomerInput { FirstName = "X", LastName = "Y", Email = "new@example.com" }, (await Db.Customers.GetAsync(people[0])).Version);
        Assert.Equal("s0@example.com", (await Audiences.SnapshotMembersAsync(snapshot.Id))[0].Address);
        Assert.Equal(3, (await Audiences.SnapshotsAsync()).Single().Size);
    }

    [Fact]
    public async Task WriteSnapshotCsvAsync_PersonUnsubscribedAfterSnapshot_IsFlaggedOrLeftOut()
    {
        await Db.Get<ProfileIndex>().BuildAsync();
        var (audience, people) = await SubscribedAudienceAsync(3);
        var snapshot = await Audiences.FreezeAsync(audience);
        Db.Clock.Advance(TimeSpan.FromHours(60)); // 2026-11-24 22:00 UTC, the 25th in Auckland
        await SetConsentAsync(people[1], ConsentChannel.Email, ConsentStatus.Unsubscribed);
        await SetConsentAsync(people[2], ConsentChannel.Email, ConsentStatus.Bounced);

        using var flaggedFile = new MemoryStream();
        var flagged = await Audiences.WriteSnapshotCsvAsync(snapshot.Id, false, flaggedFile);
        using var leftOutFile = new MemoryStream();
        var leftOut = await Audiences.WriteSnapshotCsvAsync(snapshot.Id, true, leftOutFile);

        var rows = ExportServiceTests.Parse(flaggedFile.ToArray());
        Assert.Equal(["customer_id", "first_name", "last_name", "email", "may_contact", "reason"], rows[0]);
        Assert.Equal(["yes", "no", "no"], rows.Skip(1).Select(r => r[4]));
        Assert.Equal("unsubscribed 2026-11-25", rows[2][5]); // the merchant's day
        Assert.StartsWith("bounced", rows[3][5], StringComparison.Ordinal);
        Assert.Equal("'=cmd", rows[1][1]); // formula-safe
        Assert.Equal((3, 2, 0), (flagged.Rows, flagged.Flagged, flagged.LeftOut));
        Assert.Equal((1, 2, 2), (leftOut.Rows, leftOut.Flagged, leftOut.LeftOut));
        Assert.Equal(2, ExportServiceTests.Parse(leftOutFile.ToArray()).Count);
        await using var db = Db.NewContext();
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "export.audience-snapshot"));
    }

    [Fact]
    public async Task WriteSnapshotCsvAsync_WithoutContactDetails_IsRefusedBeforeAnythingIsWritten()
    {
        await Db.Get<ProfileIndex>().BuildAsync();
        var (audience, _) = await SubscribedAudienceAsync(1);
        var snapshot = await Audiences.FreezeAsync(audience);
        var marketer = await Db.StaffWithRoleAsync("Marketer without contacts", new HashSet<Permission> { Permission.BuildAudiences, Permission.Export, Permission.ViewProfiles });
        using var _ = StaffAccess.As(marketer);
        using var file = new MemoryStream();

        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => Audiences.WriteSnapshotCsvAsync(snapshot.Id, false, file));

        Assert.Contains("View contact details", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, file.Length);
    }

    [Fact]
    public async Task SaveAsync_BadInput_IsRefusedWithAClearMessageAndSavesNothing()
    {
        var group = await GroupAsync("G", []);
        await Audiences.SaveAsync(null, new AudienceInput("Spring sale", new AudienceRule { Include = [group] }));

        Assert.Equal("Name the audience.", (await Assert.ThrowsAsync<DomainException>(() => Audiences.SaveAsync(null, new AudienceInput(" ", new AudienceRule())))).Message);
        Assert.Contains("already called", (await Assert.ThrowsAsync<DomainException>(() => Audiences.SaveAsync(null, new AudienceInput("SPRING SALE", new AudienceRule())))).Message, StringComparison.Ordinal);
        Assert.Contains("both included and excluded", (await Assert.ThrowsAsync<DomainException>(() => Audiences.SaveAsync(null, new AudienceInput("Other", new AudienceRule { Include = [group], Exclude = [group] })))).Message, StringComparison.Ordinal);
        Assert.Contains("no longer exists", (await Assert.ThrowsAsync<DomainException>(() => Audiences.SaveAsync(null, new AudienceInput("Other", new AudienceRule { Include = [group + 99] })))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<FilterException>(() => Audiences.SaveAsync(null, new AudienceInput("Other", new AudienceRule
        {
            Filter = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition("no-such-field", FilterOperator.Is, "x")) },
        })));
        Assert.Single(await Audiences.ListAsync());
    }
}
