using System.Globalization;
using CsvHelper;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Lists;
using CustomerDirectory.Domain.Notes;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using CustomerDirectory.Domain.Transfer;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests.Transfer;

/// <summary>CSV exports: the right people, the right columns, values as stored, masked where they must be, audited.</summary>
public sealed class ExportServiceTests : DatabaseTest
{
    private ExportService Export => Db.Get<ExportService>();

    private async Task<byte[]> ExportAsync(ExportScope scope, IReadOnlyCollection<string>? columns = null)
    {
        using var output = new MemoryStream();
        await Export.WriteCsvAsync(scope, columns, output);
        return output.ToArray();
    }

    /// <summary>The file as rows of cells, header first, read back with CsvHelper.</summary>
    internal static List<string[]> Parse(byte[] file)
    {
        using var reader = CsvReader.Create(file, CsvReaderOptions.Default with { HasHeader = false });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? "")]);
        }

        return rows;
    }

    private static Dictionary<string, string> Row(List<string[]> rows, int id)
    {
        var header = rows[0];
        var row = rows.Skip(1).Single(r => r[0] == id.ToString(CultureInfo.InvariantCulture));
        return header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => row[x.i]);
    }

    private sealed record Person(int Id, int TextField, int NumberField);

    /// <summary>A profile with something in every column, and a second one with almost nothing.</summary>
    private async Task<Person> FullProfileAsync()
    {
        var id = await Db.Customers.CreateAsync(new CustomerInput
        {
            FirstName = "Inès", LastName = "Moreau", Email = "ines@example.com", Phone = "+33 6 12 34 56 78",
            AddressLine = "12 rue des Lilas", PostalCode = "69001", City = "Lyon", Country = "France", Birthday = new DateOnly(1990, 4, 3),
        });
        var tags = Db.Get<TagService>();
        await tags.AddToCustomerAsync(id, "VIP");
        await tags.AddToCustomerAsync(id, "Gluten-free");
        var owner = new StaffActor("owner", "Olivia Owner");
        await Db.Get<ConsentService>().SetByStaffAsync(id, ConsentChannel.Email, ConsentStatus.Subscribed, owner);
        await Db.Get<ConsentService>().SetByStaffAsync(id, ConsentChannel.Sms, ConsentStatus.Unsubscribed, owner);
        var lists = Db.Get<MailingListService>();
        await lists.SubscribeAsync(id, await lists.CreateAsync("Newsletter"));

        var fields = Db.Get<CustomFieldService>();
        var toggle = await fields.CreateAsync("Referral", CustomFieldType.Toggle, null);
        var select = await fields.CreateAsync("Stylist", CustomFieldType.Select, ["Anna", "Bo"]);
        var multi = await fields.CreateAsync("Allergies", CustomFieldType.MultiSelect, ["Nuts", "Milk", "Eggs"]);
        var text = await fields.CreateAsync("Note for the till", CustomFieldType.Text, null);
        var number = await fields.CreateAsync("Shoe size", CustomFieldType.Number, null);
        var date = await fields.CreateAsync("Wedding", CustomFieldType.Date, null);
        var views = await fields.ListAsync();
        int Option(int field, string label) => views.Single(f => f.Id == field).Options.Single(o => o.Label == label).Id;
        await fields.SetValueAsync(id, toggle, new CustomFieldInput { Flag = true });
        await fields.SetValueAsync(id, select, new CustomFieldInput { OptionId = Option(select, "Bo") });
        await fields.SetValueAsync(id, multi, new CustomFieldInput { OptionIds = [Option(multi, "Eggs"), Option(multi, "Nuts")] });
        await fields.SetValueAsync(id, text, new CustomFieldInput { Text = "Likes oat milk" });
        await fields.SetValueAsync(id, number, new CustomFieldInput { Number = 38.5m });
        await fields.SetValueAsync(id, date, new CustomFieldInput { Date = new DateOnly(2027, 6, 12) });

        var activity = Db.Get<ActivityService>();
        var old = await activity.AddMembershipAsync(id, new MembershipInput { Plan = "Basic", StartedAt = new DateTime(2024, 1, 15, 9, 0, 0, DateTimeKind.Utc), Rate = 19m });
        await activity.SetMembershipStatusAsync(id, old, MembershipStatus.Cancelled);
        await activity.AddMembershipAsync(id, new MembershipInput { Plan = "Gold", StartedAt = new DateTime(2025, 3, 1, 9, 0, 0, DateTimeKind.Utc), Rate = 49.9m });
        await activity.RecordOrderAsync(id, new OrderInput { Amount = 123.45m, At = new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc) });
        await activity.RecordVisitAsync(id, new VisitInput { At = new DateTime(2026, 11, 20, 8, 30, 0, DateTimeKind.Utc) });
        await Db.Get<NoteService>().AddAsync(id, owner, "Secret: owes us a favour");
        return new Person(id, text, number);
    }

    [Fact]
    public async Task Everyone_with_every_column_gives_each_value_as_stored_and_never_a_note()
    {
        var person = await FullProfileAsync();
        var bare = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Bob", "Bare").WithEmail(null).WithPhone(null));
        var columns = await Export.ColumnsAsync();

        var file = await ExportAsync(ExportScope.Everyone, [.. columns.Select(c => c.Key)]);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, file[..3]); // UTF-8 BOM, for Excel
        var rows = Parse(file);
        Assert.Equal(columns.Select(c => c.Header), rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(columns.Count, r.Length));
        var ines = Row(rows, person.Id);
        Assert.Equal("Inès", ines["First name"]);
        Assert.Equal("Moreau", ines["Last name"]);
        Assert.Equal("ines@example.com", ines["Email"]);
        Assert.Equal("'+33 6 12 34 56 78", ines["Phone"]); // neutralised; CsvFormula.Restore gives it back
        Assert.Equal("12 rue des Lilas", ines["Address"]);
        Assert.Equal("69001", ines["Postal code"]);
        Assert.Equal("Lyon", ines["City"]);
        Assert.Equal("France", ines["Country"]);
        Assert.Equal("1990-04-03", ines["Birthday"]);
        Assert.Equal("2026-11-22T10:00:00Z", ines["Client since"]);
        Assert.Equal("added by hand", ines["Source"]);
        Assert.Equal("no", ines["Photo uploaded"]);
        Assert.Equal("subscribed", ines["Email consent"]);
        Assert.Equal("2026-11-22T10:00:00Z", ines["Email consent date"]);
        Assert.Equal("unsubscribed", ines["SMS consent"]);
        Assert.Equal("Newsletter", ines["Lists"]);
        Assert.Equal("Gluten-free, VIP", ines["Tags"]);
        Assert.Equal("2", ines["Memberships"]);
        Assert.Equal("1", ines["Active memberships"]);
        Assert.Equal("Gold", ines["Membership plan"]);
        Assert.Equal("active", ines["Membership status"]);
        Assert.Equal("49.90", ines["Membership rate (EUR)"]);
        Assert.Equal("2024-01-15T09:00:00Z", ines["Member since"]);
        Assert.Equal("1", ines["Visits"]);
        Assert.Equal("2026-11-20T08:30:00Z", ines["Last visit"]);
        Assert.Equal("1", ines["Orders"]);
        Assert.Equal("123.45", ines["Total spent (EUR)"]);
        Assert.Equal("2026-11-01T12:00:00Z", ines["Last order"]);
        Assert.Equal("yes", ines["Referral"]);
        Assert.Equal("Bo", ines["Stylist"]);
        Assert.Equal("Nuts, Eggs", ines["Allergies"]); // in the field's option order
        Assert.Equal("Likes oat milk", ines["Note for the till"]);
        Assert.Equal("38.5", ines["Shoe size"]);
        Assert.Equal("2027-06-12", ines["Wedding"]);

        var bob = Row(rows, bare);
        Assert.Equal("", bob["Email"]);
        Assert.Equal("", bob["Tags"]);
        Assert.Equal("0", bob["Memberships"]);
        Assert.Equal("", bob["Membership plan"]);
        Assert.Equal("never asked", bob["Email consent"]);
        Assert.Equal("", bob["Referral"]);

        var text = System.Text.Encoding.UTF8.GetString(file);
        Assert.DoesNotContain("favour", text, StringComparison.Ordinal);
        Assert.DoesNotContain(columns, c => c.Header.Contains("note", StringComparison.OrdinalIgnoreCase) && !c.Key.StartsWith("cf:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_choice_the_default_columns_are_written()
    {
        await FullProfileAsync();
        var columns = await Export.ColumnsAsync();

        var rows = Parse(await ExportAsync(ExportScope.Everyone));

        Assert.Equal(columns.Where(c => c.IsDefault).Select(c => c.Header), rows[0]);
        Assert.Contains("Email", rows[0]);
        Assert.Contains("Tags", rows[0]);
        Assert.Contains("Wedding", rows[0]);
        Assert.DoesNotContain("Total spent (EUR)", rows[0]);
        await Assert.ThrowsAsync<DomainException>(() => ExportAsync(ExportScope.Everyone, ["no-such-column"]));
    }

    [Fact]
    public async Task A_filter_and_search_export_exactly_whom_the_directory_shows()
    {
        foreach (var (first, last, city) in new[] { ("Ada", "Lovelace", "Lyon"), ("Ada", "Byron", "Paris"), ("Ben", "Lovelace", "Lyon"), ("Cy", "Other", "Lyon"), ("Ada", "Lyonnais", "Nice") })
        {
            await Db.Customers.CreateAsync(new CustomerInput { FirstName = first, LastName = last, City = city });
        }

        var filter = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon")) };
        var shown = await Db.Customers.SearchAsync(new CustomerSearch("ada", Filter: filter, Take: 100));
        var everyoneInLyon = await Db.Customers.SearchAsync(new CustomerSearch(Filter: filter, Take: 100));

        var rows = Parse(await ExportAsync(ExportScope.Directory(filter, "ada"), ["id", "first_name", "city"]));
        var all = Parse(await ExportAsync(ExportScope.Directory(filter, null), ["id"]));

        Assert.Equal(["Id", "First name", "City"], rows[0]);
        Assert.Equal(shown.Rows.Select(r => r.Id).Order(), rows.Skip(1).Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)));
        Assert.Equal(["Ada", "Lyon"], Assert.Single(rows.Skip(1))[1..]);
        Assert.Equal(everyoneInLyon.Rows.Select(r => r.Id).Order(), all.Skip(1).Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)));
        Assert.Equal(3, await Export.CountAsync(ExportScope.Directory(filter, null)));
        Assert.Equal(1, await Export.CountAsync(ExportScope.Directory(filter, "ada")));
        Assert.Equal(5, await Export.CountAsync(ExportScope.Everyone));
    }

    [Fact]
    public async Task A_group_exports_its_members_and_nobody_else()
    {
        var ids = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await Db.AddAsync(CustomerBuilder.ACustomer().Named($"P{i}", "Member")));
        }

        var groups = Db.Get<GroupService>();
        var group = await groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "Olivia");
        await groups.AddMembersAsync(group, [ids[1], ids[3]], "Olivia");

        var rows = Parse(await ExportAsync(ExportScope.Group(group), ["id", "first_name"]));

        Assert.Equal([ids[1], ids[3]], rows.Skip(1).Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)));
        Assert.Equal(2, await Export.CountAsync(ExportScope.Group(group)));
        await Assert.ThrowsAsync<NotFoundException>(() => ExportAsync(ExportScope.Group(group + 100)));
        await using var db = Db.NewContext();
        var line = await db.AuditEntries.SingleAsync(a => a.Action == "export.customers");
        Assert.Equal("group", line.RecordType);
        Assert.Equal(group.ToString(CultureInfo.InvariantCulture), line.RecordId);
        Assert.Contains("2 profiles", line.Summary, StringComparison.Ordinal);
        Assert.Contains("VIPs", line.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Formula_like_values_are_neutralised_and_a_reimport_gets_them_back_exactly()
    {
        var tricky = new[] { "=HYPERLINK(\"http://evil\",\"x\")", "+33 6 12 34 56 78", "-5", "@SUM(A1)", "'=already quoted", "''+two quotes", "'just a quote", "a,b \"quoted\"\nsecond line", "lone\rreturn", "plain" };
        var field = await Db.Get<CustomFieldService>().CreateAsync("=Label", CustomFieldType.Text, null);
        var ids = new List<int>();
        foreach (var value in tricky)
        {
            var id = await Db.AddAsync(CustomerBuilder.ACustomer().Named("=cmd|' /C calc'!A0", "-Last").WithPhone("+44 20 7946 0000"));
            await Db.Get<CustomFieldService>().SetValueAsync(id, field, new CustomFieldInput { Text = value });
            ids.Add(id);
        }

        var file = await ExportAsync(ExportScope.Everyone, ["id", "first_name", "last_name", "phone", $"cf:{field}"]);
        var rows = Parse(file);

        Assert.Equal(["Id", "First name", "Last name", "Phone", "'=Label"], rows[0]);
        Assert.All(rows.Skip(1), r => Assert.DoesNotContain(r, cell => cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal)));
        var restored = rows.Skip(1).Select(r => r.Select(c => CsvFormula.Restore(c)!).ToArray()).ToList();
        Assert.Equal(tricky, restored.Select(r => r[4]));
        Assert.All(restored, r => Assert.Equal(["=cmd|' /C calc'!A0", "-Last", "+44 20 7946 0000"], r[1..4]));
    }

    [Fact]
    public async Task Front_desk_with_export_gets_neither_contact_details_nor_money_columns_or_values()
    {
        var person = await FullProfileAsync();
        var frontDesk = await Db.StaffWithRoleAsync("Front desk + export", new HashSet<Permission>(DefaultRoles.Sets[StaffRoles.FrontDesk]) { Permission.Export });
        using var _ = StaffAccess.As(frontDesk);

        var columns = (await Export.ColumnsAsync()).Select(c => c.Key).ToList();
        var file = await ExportAsync(ExportScope.Everyone, [.. columns, "email", "phone", "city", "total_spent", "orders", "membership_rate"]);

        foreach (var hidden in new[] { "email", "phone", "address_line", "postal_code", "city", "country", "orders", "total_spent", "last_order", "donations", "donation_total", "membership_rate" })
        {
            Assert.DoesNotContain(hidden, columns);
        }

        Assert.Contains("visits", columns);
        Assert.Contains("tags", columns);
        var rows = Parse(file);
        Assert.Equal(columns.Count, rows[0].Length);
        Assert.Equal("Inès", Row(rows, person.Id)["First name"]);
        var text = System.Text.Encoding.UTF8.GetString(file);
        foreach (var secret in new[] { "ines@example.com", "12 34 56", "rue des Lilas", "69001", "Lyon", "123.45", "49.90" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        // Nor can a filter or a search find people by what this person cannot see.
        var byEmail = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.Email, FilterOperator.Contains, "ines")) };
        await Assert.ThrowsAsync<ForbiddenException>(() => ExportAsync(ExportScope.Directory(byEmail, null)));
        Assert.Equal(0, await Export.CountAsync(ExportScope.Directory(null, "ines@example.com")));
        Assert.Equal(1, await Export.CountAsync(ExportScope.Directory(null, "Moreau")));
    }

    [Fact]
    public async Task Without_contact_details_the_money_stays_but_no_email_or_phone()
    {
        var person = await FullProfileAsync();
        var marketer = await Db.StaffWithRoleAsync("No contact", new HashSet<Permission> { Permission.ViewProfiles, Permission.ViewFinancials, Permission.Export });
        using var _ = StaffAccess.As(marketer);

        var rows = Parse(await ExportAsync(ExportScope.Everyone, ["id", "email", "phone", "total_spent", "membership_rate"]));

        Assert.Equal(["Id", "Membership rate (EUR)", "Total spent (EUR)"], rows[0]); // the catalogue's order, not the request's
        Assert.Equal(["49.90", "123.45"], Row(rows, person.Id).Values.Skip(1));
    }

    [Fact]
    public async Task Read_only_without_export_is_refused_before_a_byte_and_the_refusal_is_audited()
    {
        await FullProfileAsync();
        var readOnly = await Db.StaffWithRoleAsync(StaffRoles.ReadOnly, DefaultRoles.Sets[StaffRoles.ReadOnly]);
        using var output = new MemoryStream();

        using (StaffAccess.As(readOnly))
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => Export.WriteCsvAsync(ExportScope.Everyone, null, output));
            await Assert.ThrowsAsync<ForbiddenException>(() => Export.CountAsync(ExportScope.Everyone));
        }

        Assert.Equal(0, output.Length);
        await using var db = Db.NewContext();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "access.denied" && a.ActorId == readOnly.Id && a.RecordId == "WriteCsvAsync"));
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "export.customers"));
    }

    [Fact]
    public async Task Each_export_writes_one_audit_line_with_who_what_columns_and_rows()
    {
        await FullProfileAsync();
        await Db.AddAsync(CustomerBuilder.ACustomer().Named("Bob", "Bare"));
        var owner = await Db.StaffWithRoleAsync(StaffRoles.Owner, DefaultRoles.Sets[StaffRoles.Owner]);
        var filter = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.LastName, FilterOperator.Is, "Moreau")) };

        using (StaffAccess.As(owner))
        {
            await ExportAsync(ExportScope.Directory(filter, "ines"), ["id", "first_name", "tags"]);
        }

        await using var db = Db.NewContext();
        var line = await db.AuditEntries.SingleAsync(a => a.Action == "export.customers");
        Assert.Equal(owner.Id, line.ActorId);
        Assert.Contains("Exported 1 profile", line.Summary, StringComparison.Ordinal);
        Assert.Contains("Last name is \"Moreau\"", line.Summary, StringComparison.Ordinal);
        var details = Domain.Audit.AuditText.FromJson(line.Changes).ToDictionary(c => c.Field, c => c.After);
        Assert.Equal("Id, First name, Tags", details["Columns"]);
        Assert.Equal("1", details["Rows"]);
        Assert.Equal("ines", details["Search"]);
        Assert.Equal(filter.ToJson(), details["Filter"]);
    }

    [Fact]
    public async Task A_value_holding_the_row_separator_is_still_exported_whole()
    {
        var odd = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "Odd", LastName = "Value", City = "Lyon" });
        var plain = await Db.Customers.CreateAsync(new CustomerInput { FirstName = "Plain", LastName = "Value", City = "Paris" });
        await using (var db = Db.NewContext())
        {
            // Not possible through the services (the contact rules refuse control characters); an older import might.
            await db.Database.ExecuteSqlAsync($"UPDATE \"Customers\" SET \"City\" = {"Ly\u001Fon"} WHERE \"Id\" = {odd}");
        }

        var rows = Parse(await ExportAsync(ExportScope.Everyone, ["id", "first_name", "city", "email_consent"]));

        Assert.Equal(["Odd", "Ly\u001Fon", "never asked"], Row(rows, odd).Values.Skip(1));
        Assert.Equal(["Plain", "Paris", "never asked"], Row(rows, plain).Values.Skip(1));
    }
}
