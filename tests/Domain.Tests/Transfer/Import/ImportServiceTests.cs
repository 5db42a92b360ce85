using System.Text;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Tags;
using CustomerDirectory.Domain.Transfer.Import;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests.Transfer.Import;

public sealed partial class ImportServiceTests : DatabaseTest
{
    private ImportService Imports => Db.Get<ImportService>();

    private async Task<ImportDraft> UploadAsync(string csv, string name = "customers.csv", Encoding? encoding = null)
    {
        await using var stream = new MemoryStream((encoding ?? new UTF8Encoding(false)).GetBytes(csv));
        return await Imports.UploadAsync(stream, name);
    }

    /// <summary>Upload, preview, start and run (as the background job would), with the suggested settings adjusted.</summary>
    private async Task<(ImportPreview Preview, ImportRunView Run)> ImportAsync(string csv, Func<ImportSettings, ImportSettings>? adjust = null)
    {
        var draft = await UploadAsync(csv);
        var settings = adjust?.Invoke(draft.Suggested) ?? draft.Suggested;
        var preview = await Imports.PreviewAsync(draft.Id, settings);
        await Imports.StartAsync(draft.Id, settings);
        Assert.Contains(draft.Id, Db.Get<RecordingImportLauncher>().Started);
        await Imports.RunAsync(draft.Id);
        return (preview, await Imports.GetAsync(draft.Id));
    }

    private async Task<List<Customer>> AllAsync()
    {
        await using var db = Db.NewContext();
        return await db.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
    }

    [Fact]
    public async Task The_mapping_is_suggested_from_the_header_and_ids_totals_and_dates_are_never_mapped()
    {
        var draft = await UploadAsync("Id,Prénom,Nom,E-mail Address,Téléphone,TotalSpent,CreatedAt,Ville,Tags,Favourite colour\n1,Ada,Lovelace,ada@example.com,0601020304,99,2020-01-01,Lyon,vip,red\n");

        var targets = draft.Suggested.Columns.Select(c => c.Target).ToList();
        Assert.Equal(
            [ImportTarget.Ignore, ImportTarget.FirstName, ImportTarget.LastName, ImportTarget.Email, ImportTarget.Phone, ImportTarget.Ignore, ImportTarget.Ignore, ImportTarget.City, ImportTarget.Tags, ImportTarget.Ignore],
            targets);
        Assert.Equal("Favourite colour", draft.Header[^1]);
        Assert.Equal("Ada", draft.Sample.Single()[1]);
    }

    [Fact]
    public async Task The_preview_says_exactly_what_the_run_then_does_and_the_report_lists_every_rejected_row()
    {
        await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com"));
        const string Csv = """
            First name,Last name,Email,City
            Ada,Lovelace,ada@example.com,London
            Grace,Hopper, GRACE@Example.com ,Arlington
            Ada,Lovelace,ADA@example.com,Paris
            Alan,,alan@example.com,Wilmslow
            Bad,Email,not-an-email,Nowhere
            Linus,Torvalds,linus@example.com,Portland
            """;

        var (preview, run) = await ImportAsync(Csv, s => s with { Duplicates = DuplicatePolicy.Skip });

        Assert.Equal((6L, 2, 0, 2, 2), (preview.Rows, preview.ToCreate, preview.ToUpdate, preview.ToSkip, preview.ToReject));
        Assert.Equal((2, 0, 2, 2), (run.Created, run.Updated, run.Skipped, run.Rejected));
        Assert.Equal(ImportStatus.Completed, run.Status);
        var people = await AllAsync();
        Assert.Equal(["Hopper", "Lovelace", "Torvalds"], people.Select(p => p.LastName).Order());
        Assert.Equal("London", people.Single(p => p.LastName == "Lovelace").City); // the later duplicate line was skipped
        Assert.Equal(CustomerSource.Imported, people.Single(p => p.LastName == "Torvalds").Source);
        Assert.Null(people.Single(p => p.LastName == "Hopper").City); // skipped: left as it was
        var history = await Db.Get<Domain.Audit.AuditLog>().ForCustomerAsync(people.Single(p => p.LastName == "Torvalds").Id);
        var created = Assert.Single(history.Rows, h => h.Action == "profile.created");
        Assert.Contains("customers.csv", created.Summary, StringComparison.Ordinal);
        Assert.Contains(created.Changes, c => c.Field == "City" && c.After == "Portland");

        Assert.Equal([3L, 4L, 5L, 6L], preview.Problems.Select(p => p.Line));
        Assert.Contains("Last name is required", preview.Problems.Single(p => p.Line == 5).Reason, StringComparison.Ordinal);
        Assert.Contains("line 2 of this file", preview.Problems.Single(p => p.Line == 4).Reason, StringComparison.Ordinal);

        using var report = new MemoryStream();
        await Imports.WriteReportAsync(run.Id, report);
        var text = Encoding.UTF8.GetString(report.ToArray());
        Assert.StartsWith("\uFEFFLine,Outcome,Reason,Original row", text, StringComparison.Ordinal);
        Assert.Contains("6,rejected,", text, StringComparison.Ordinal);
        Assert.Contains("Bad,Email,not-an-email,Nowhere", text, StringComparison.Ordinal);
        Assert.Equal(5, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task An_update_fills_in_but_never_blanks_a_value_unless_asked()
    {
        var id = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com").WithPhone("+33 6 11 22 33 44"));
        const string Csv = "Email,Phone,City\ngrace@example.com,,Arlington\n";

        var (_, run) = await ImportAsync(Csv, s => s with { Duplicates = DuplicatePolicy.Update });
        var grace = await Db.Customers.GetAsync(id);
        Assert.Equal((1, 0), (run.Updated, run.Created));
        Assert.Equal("Arlington", grace.City);
        Assert.Equal("+33 6 11 22 33 44", grace.Phone);

        await ImportAsync(Csv, s => s with { Duplicates = DuplicatePolicy.Update, BlanksErase = true });
        Assert.Null((await Db.Customers.GetAsync(id)).Phone);
    }

    [Fact]
    public async Task A_phone_written_nationally_finds_the_profile_that_has_it_internationally_and_the_other_way_round()
    {
        var grace = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithPhone("+33 6 11 22 33 44"));
        var ada = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Ada", "Lovelace").WithPhone("06.55.66.77.88"));
        const string Csv = "First name,Last name,Phone,City\nGrace,Hopper,06 11 22 33 44,Arlington\nAda,Lovelace,0033 655 667 788,London\nAlan,Turing,+44 20 7946 0958,Wilmslow\n";

        var (preview, run) = await ImportAsync(Csv, s => s with { Duplicates = DuplicatePolicy.Update });

        Assert.Equal((1, 2), (preview.ToCreate, preview.ToUpdate));
        Assert.Equal((1, 2, 0), (run.Created, run.Updated, run.Rejected));
        Assert.Equal(("Arlington", "London"), ((await Db.Customers.GetAsync(grace)).City, (await Db.Customers.GetAsync(ada)).City));
    }

    [Fact]
    public async Task An_import_never_resubscribes_someone_who_unsubscribed_and_marks_new_consent_as_imported()
    {
        var id = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com"));
        await Db.Get<ConsentService>().SetByStaffAsync(id, ConsentChannel.Email, ConsentStatus.Unsubscribed, Domain.Staff.StaffActor.System);
        const string Csv = "First name,Last name,Email,Email consent\nGrace,Hopper,grace@example.com,yes\nAda,Lovelace,ada@example.com,yes\n";

        await ImportAsync(Csv, s => s with { Duplicates = DuplicatePolicy.Update });

        var people = await AllAsync();
        Assert.Equal(ConsentStatus.Unsubscribed, people.Single(p => p.Id == id).EmailConsent.Status);
        var ada = people.Single(p => p.LastName == "Lovelace").EmailConsent;
        Assert.Equal((ConsentStatus.Subscribed, ConsentOrigin.Imported), (ada.Status, ada.Origin));
    }

    [Fact]
    public async Task Tags_and_custom_fields_are_imported_and_an_unknown_choice_rejects_only_its_row()
    {
        var fields = Db.Get<CustomFieldService>();
        var tier = await fields.CreateAsync("Tier", CustomFieldType.Select, ["Gold", "Silver"]);
        var vegan = await fields.CreateAsync("Vegan", CustomFieldType.Toggle, null);
        const string Csv = "First name,Last name,Tier,Vegan,Tags\nAda,Lovelace,gold,oui,\"vip; Lyon\"\nBob,Bobson,Bronze,no,\nCy,Cyson,,,vip\n";

        var (preview, run) = await ImportAsync(Csv);

        Assert.Equal((2, 1), (run.Created, run.Rejected));
        Assert.Equal(["Lyon", "vip"], preview.NewTags.Order(StringComparer.Ordinal));
        Assert.Contains("“Bronze” is not one of the choices of Tier", preview.Problems.Single().Reason, StringComparison.Ordinal);
        var ada = (await AllAsync()).Single(p => p.FirstName == "Ada");
        var values = await fields.ValuesAsync(ada.Id);
        var gold = (await fields.ListAsync()).Single(f => f.Id == tier).Options.Single(o => o.Label == "Gold").Id;
        Assert.Equal([gold], values.Single(v => v.FieldId == tier).OptionIds);
        Assert.True(values.Single(v => v.FieldId == vegan).Flag);
        Assert.Equal(["Lyon", "vip"], (await Db.Get<TagService>().ForCustomerAsync(ada.Id)).Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await Db.Get<TagService>().ListAsync()).Single(t => t.Name == "vip").CustomerCount);
    }

    [Fact]
    public async Task An_exported_tag_or_choice_with_a_comma_or_semicolon_in_its_name_comes_back_whole_on_reimport()
    {
        var fields = Db.Get<CustomFieldService>();
        var contact = await fields.CreateAsync("Contact", CustomFieldType.MultiSelect, ["Yes; by email", "No", "Phone"]);
        var ada = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Ada", "Lovelace").WithEmail("ada@example.com"));
        await Db.Get<TagService>().AddToCustomerAsync(ada, "Wine, cheese");
        await Db.Get<TagService>().AddToCustomerAsync(ada, "vip");
        var options = (await fields.ListAsync()).Single(f => f.Id == contact).Options;
        await fields.SetValueAsync(ada, contact, new CustomFieldInput { OptionIds = [.. options.Where(o => o.Label != "No").Select(o => o.Id)] });
        using var exported = new MemoryStream();
        await Db.Get<CustomerDirectory.Domain.Transfer.ExportService>().WriteCsvAsync(
            CustomerDirectory.Domain.Transfer.ExportScope.Everyone, ["first_name", "last_name", "email", "tags", $"cf:{contact}"], exported);
        var csv = Encoding.UTF8.GetString(exported.ToArray()).TrimStart('\uFEFF');
        Assert.Contains("Wine, cheese", csv, StringComparison.Ordinal); // written as it is: the reader must know the name

        // Re-imported as a new person (the email changed): the same two tags and two choices, nothing new invented.
        var (preview, run) = await ImportAsync(csv.Replace("ada@example.com", "ada.twin@example.com", StringComparison.Ordinal));

        Assert.Equal((1, 0), (run.Created, run.Rejected));
        Assert.Empty(preview.NewTags);
        var twin = (await AllAsync()).Single(p => p.Email == "ada.twin@example.com").Id;
        Assert.Equal(["Wine, cheese", "vip"], (await Db.Get<TagService>().ForCustomerAsync(twin)).Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["Phone", "Yes; by email"],
            (await fields.ValuesAsync(twin)).Single(v => v.FieldId == contact).OptionIds!.Select(id => options.Single(o => o.Id == id).Label).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Wine, cheese, vip", "Wine, cheese|vip")]
    [InlineData("vip;Wine,cheese", "vip|Wine,cheese")] // the name as it exists, whatever the spacing in the file
    [InlineData("Wine | cheese", "Wine|cheese")] // not the existing name: its separator is a comma
    [InlineData("Wine, cheese, and more", "Wine, cheese, and more")] // the longest existing name wins
    [InlineData(" a ,, b ;", "a|b")]
    [InlineData("", "")]
    public void A_list_cell_splits_on_separators_except_inside_a_name_that_exists(string cell, string expected)
    {
        string[] existing = ["Wine, cheese", "Wine,cheese", "Wine, cheese, and more", "vip"];

        var values = ImportRowReader.SplitList(cell, existing.Contains, ImportRowReader.LongestJoined(existing));

        Assert.Equal(expected, string.Join('|', values));
    }

    [Fact]
    public void Joining_is_tried_only_as_far_as_the_longest_name_with_a_separator_reaches()
    {
        var tried = new List<string>();
        var huge = string.Join(',', Enumerable.Repeat("ab", 100_000));

        Assert.Equal(100_000, ImportRowReader.SplitList(huge, n => { tried.Add(n); return false; }, longestJoined: 3).Count);
        Assert.Equal(100_000 - 1, tried.Count); // "ab,ab" from each value but the last; "ab,ab,ab" is longer than twice 3
        Assert.Empty(ImportRowReader.SplitList(new string(',', 1_000_000), _ => throw new InvalidOperationException("no name starts with a separator"), 50));
        Assert.Equal(["ab", "ab"], ImportRowReader.SplitList("ab,ab", _ => throw new InvalidOperationException("no name holds a separator"), longestJoined: 0));
    }

    [Fact]
    public async Task Undo_removes_what_was_created_restores_what_was_updated_and_keeps_what_was_edited_since()
    {
        var grace = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com"));
        var alan = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Alan", "Turing").WithEmail("alan@example.com"));
        const string Csv = "First name,Last name,Email,City,Tags\nGrace,Hopper,grace@example.com,Arlington,navy\nAlan,Turing,alan@example.com,Wilmslow,\nAda,Lovelace,ada@example.com,London,\nLinus,Torvalds,linus@example.com,Portland,\n";
        var (_, run) = await ImportAsync(Csv, s => s with { Duplicates = DuplicatePolicy.Update });
        Assert.Equal((2, 2), (run.Created, run.Updated));

        // Someone edits Alan (updated by the import) and records a visit for Linus (created by it).
        var alanNow = await Db.Customers.GetAsync(alan);
        await Db.Customers.UpdateAsync(alan, new CustomerInput { FirstName = "Alan", LastName = "Turing", Email = "alan@example.com", City = "Manchester" }, alanNow.Version);
        var linus = (await AllAsync()).Single(p => p.LastName == "Torvalds").Id;
        await Db.Get<Activity.ActivityService>().RecordVisitAsync(linus, new Activity.VisitInput { At = Db.Clock.GetUtcNow().UtcDateTime });

        var result = await Imports.UndoAsync(run.Id);

        Assert.Equal((1, 1), (result.Removed, result.Restored));
        Assert.Equal(2, result.Kept.Count);
        Assert.Contains(result.Kept, k => k.StartsWith("Alan Turing", StringComparison.Ordinal) && k.Contains("edited since", StringComparison.Ordinal));
        Assert.Contains(result.Kept, k => k.StartsWith("Linus Torvalds", StringComparison.Ordinal) && k.Contains("visits", StringComparison.Ordinal));
        var people = await AllAsync();
        Assert.DoesNotContain(people, p => p.LastName == "Lovelace");
        Assert.Null(people.Single(p => p.Id == grace).City);
        Assert.Empty(await Db.Get<TagService>().ForCustomerAsync(grace));
        Assert.Equal("Manchester", people.Single(p => p.Id == alan).City);
        Assert.Equal(ImportStatus.Undone, (await Imports.GetAsync(run.Id)).Status);
        await Assert.ThrowsAsync<DomainException>(() => Imports.UndoAsync(run.Id));
    }

    [Fact]
    public async Task A_run_cut_off_mid_file_resumes_after_its_last_whole_batch_and_loses_or_doubles_nothing()
    {
        var rows = ImportProcessor.BatchSize * 2 + 17;
        var csv = new StringBuilder("First name,Last name,Email\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append("Person,").Append(i).Append(",p").Append(i).Append("@example.com\n");
        }

        var draft = await UploadAsync(csv.ToString());
        await Imports.StartAsync(draft.Id, draft.Suggested);
        using (var crash = new CancellationTokenSource())
        {
            // The "crash": the run stops as soon as its first batch is committed.
            var progress = new SynchronousProgress(_ => crash.Cancel());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Imports.RunAsync(draft.Id, progress, crash.Token));
        }

        var cut = await Imports.GetAsync(draft.Id);
        Assert.Equal((ImportStatus.Running, ImportProcessor.BatchSize), (cut.Status, cut.Created));
        Assert.Equal(ImportProcessor.BatchSize, (await AllAsync()).Count);

        await Imports.RunAsync(draft.Id); // what Quartz does at start-up for a job that was running
        var done = await Imports.GetAsync(draft.Id);
        Assert.Equal((ImportStatus.Completed, rows), (done.Status, done.Created));
        var people = await AllAsync();
        Assert.Equal(rows, people.Count);
        Assert.Equal(rows, people.Select(p => p.Email).Distinct().Count());
    }

    [Fact]
    public async Task Profiles_can_be_imported_into_a_manual_group_and_their_groups_move_with_the_import_as_the_cause()
    {
        var existing = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com"));
        var groups = Db.Get<GroupService>();
        var manual = await groups.CreateAsync(new GroupInput("Fair visitors", null, GroupKind.Manual), "test");
        const string Csv = "First name,Last name,Email\nGrace,Hopper,grace@example.com\nAda,Lovelace,ada@example.com\n";

        var (_, run) = await ImportAsync(Csv, s => s with { GroupId = manual, Duplicates = DuplicatePolicy.Skip });

        Assert.Equal(2, run.AddedToGroup);
        var members = await groups.MembersAsync(manual, new GroupMemberQuery());
        Assert.Equal(2, members.Total);
        Assert.Contains(members.Rows, m => m.CustomerId == existing);
        var history = await groups.HistoryAsync(manual, null);
        Assert.All(history, h => Assert.Equal(MembershipCause.Import, h.EnterCause));
    }

    [Fact]
    public async Task Settings_that_cannot_work_are_refused_before_anything_is_read_and_nothing_is_written()
    {
        var draft = await UploadAsync("First name,Last name,Email\nAda,Lovelace,ada@example.com\n");
        var onlyCity = draft.Suggested with { Columns = [new ImportColumn(0, ImportTarget.City)] };
        var twice = draft.Suggested with { Columns = [new ImportColumn(0, ImportTarget.Email), new ImportColumn(2, ImportTarget.Email)] };
        var deletedField = draft.Suggested with { Columns = [.. draft.Suggested.Columns, new ImportColumn(1, ImportTarget.CustomField, 999)] };

        foreach (var bad in new[] { onlyCity, twice, deletedField, draft.Suggested with { Delimiter = 'x' } })
        {
            await Assert.ThrowsAsync<DomainException>(() => Imports.PreviewAsync(draft.Id, bad));
            await Assert.ThrowsAsync<DomainException>(() => Imports.StartAsync(draft.Id, bad));
        }

        Assert.Empty(await AllAsync());
        Assert.Equal(ImportStatus.Uploaded, (await Imports.GetAsync(draft.Id)).Status);
        await Assert.ThrowsAsync<DomainException>(() => UploadAsync(""));
        await Assert.ThrowsAsync<NotFoundException>(() => Imports.GetAsync(424242));
    }

    [Fact]
    public async Task The_next_import_remembers_the_last_mapping()
    {
        var first = await UploadAsync("Surnom,Courriel\nAda,ada@example.com\n");
        var settings = first.Suggested with { Columns = [new ImportColumn(0, ImportTarget.FullName), new ImportColumn(1, ImportTarget.Email)] };
        await Imports.StartAsync(first.Id, settings);

        var second = await UploadAsync("Courriel,Surnom\nbob@example.com,Bob Bobson\n");

        Assert.Equal([ImportTarget.Email, ImportTarget.FullName], second.Suggested.Columns.Select(c => c.Target));
    }

    [Fact]
    public async Task The_built_index_follows_an_import_and_its_undo_batch_by_batch()
    {
        var grace = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com"));
        var index = Db.Get<ProfileIndex>();
        await index.BuildAsync();
        const string Csv = "First name,Last name,Email,City,Tags\nGrace,Hopper,grace@example.com,Lyon,vip\nAda,Lovelace,ada@example.com,Lyon,vip\nAlan,Turing,alan@example.com,Paris,\n";

        var (_, run) = await ImportAsync(Csv, s => s with { Duplicates = DuplicatePolicy.Update });

        var catalog = await Db.Get<FilterCatalogService>().GetAsync();
        var vip = catalog.Find(FilterFields.Tags)!.Options.Single().Value;
        var inLyon = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "lyon")) };
        var tagged = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.Tags, FilterOperator.HasAny, vip)) };
        async Task<string[]> NamesAsync(FilterDefinition filter) =>
            [.. (await Db.Customers.SearchAsync(new CustomerSearch(Filter: filter))).Rows.Select(r => r.LastName).Order(StringComparer.Ordinal)];

        Assert.True(index.IsReady);
        Assert.Equal(["Hopper", "Lovelace"], await NamesAsync(inLyon));
        Assert.Equal(["Hopper", "Lovelace"], await NamesAsync(tagged));
        Assert.Equal(3, (await Db.Customers.SearchAsync(new CustomerSearch())).Total);

        await Imports.UndoAsync(run.Id);

        Assert.Empty(await NamesAsync(inLyon));
        Assert.Empty(await NamesAsync(tagged));
        Assert.Equal([grace], (await Db.Customers.SearchAsync(new CustomerSearch())).Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task A_stop_waits_for_the_running_batch_and_no_undo_starts_before_it_has()
    {
        var draft = await UploadAsync("First name,Last name,Email\nAda,Lovelace,ada@example.com\n");
        await Imports.StartAsync(draft.Id, draft.Suggested);
        await using (var db = Db.NewContext())
        {
            // The job has picked it up.
            await db.ImportRuns.Where(r => r.Id == draft.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatus.Running));
        }

        await Imports.CancelAsync(draft.Id);

        Assert.Equal(ImportStatus.Stopping, (await Imports.GetAsync(draft.Id)).Status);
        await Assert.ThrowsAsync<DomainException>(() => Imports.UndoAsync(draft.Id));
        await Imports.RunAsync(draft.Id); // the job, after its batch (or at start-up after a crash)
        Assert.Equal(ImportStatus.Cancelled, (await Imports.GetAsync(draft.Id)).Status);
        await Imports.UndoAsync(draft.Id);
        Assert.Equal(ImportStatus.Undone, (await Imports.GetAsync(draft.Id)).Status);
    }

    [Fact]
    public async Task An_upload_nobody_started_is_forgotten_with_its_file_after_a_day()
    {
        var abandoned = await UploadAsync("First name,Last name\nAda,Lovelace\n");
        var files = Path.Combine(Db.Folder, "imports");
        Assert.Single(Directory.GetFiles(files));

        Db.Clock.Advance(ImportService.AbandonedAfter + TimeSpan.FromMinutes(1));
        var next = await UploadAsync("First name,Last name\nBob,Bobson\n");

        await Assert.ThrowsAsync<NotFoundException>(() => Imports.GetAsync(abandoned.Id));
        Assert.Equal(ImportStatus.Uploaded, (await Imports.GetAsync(next.Id)).Status);
        Assert.Single(Directory.GetFiles(files));
    }

    [Fact]
    public async Task A_new_choice_field_can_take_its_options_from_every_value_the_draft_read_not_only_the_sample()
    {
        var csv = new System.Text.StringBuilder("First name,Last name,Tier\n");
        foreach (var tier in new[] { "Gold", "gold", "Silver", "", "Gold", "Silver", "Bronze", "Platinum" })
        {
            csv.Append("A,B,").Append(tier).Append('\n');
        }

        var draft = await UploadAsync(csv.ToString());

        Assert.Equal(5, draft.Sample.Count);
        Assert.Equal(["Gold", "Silver", "Bronze", "Platinum"], draft.ColumnValues[2]);
        Assert.Equal(["A"], draft.ColumnValues[0]);
    }

    [Fact]
    public async Task An_undo_a_stopped_app_left_half_done_can_be_finished()
    {
        var (_, run) = await ImportAsync("First name,Last name,Email\nAda,Lovelace,ada@example.com\n");
        await using (var db = Db.NewContext())
        {
            await db.ImportRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatus.Undoing));
        }

        Assert.True((await Imports.GetAsync(run.Id)).CanUndo);
        var result = await Imports.UndoAsync(run.Id);

        Assert.Equal(1, result.Removed);
        Assert.Equal(ImportStatus.Undone, (await Imports.GetAsync(run.Id)).Status);
        Assert.Empty(await AllAsync());
    }

    [Fact]
    public async Task An_update_writes_the_audit_lines_and_version_a_save_through_EF_writes_and_its_undo_puts_everything_back()
    {
        var fields = Db.Get<CustomFieldService>();
        var tier = await fields.CreateAsync("Tier", CustomFieldType.Select, ["Gold", "Silver"]);
        var options = (await fields.ListAsync()).Single(f => f.Id == tier).Options;
        var (gold, silver) = (options.Single(o => o.Label == "Gold").Id, options.Single(o => o.Label == "Silver").Id);
        // Twins: one updated by the import, the other by the same changes saved through EF (as the import did before).
        var grace = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com").WithPhone("+33 6 11 22 33 44"));
        var twin = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("twin@example.com").WithPhone("+33 6 11 22 33 45"));
        await using (var db = Db.NewContext())
        {
            db.CustomFieldValues.AddRange(new CustomFieldValue { CustomerId = grace, FieldId = tier, OptionId = silver }, new CustomFieldValue { CustomerId = twin, FieldId = tier, OptionId = silver });
            await db.SaveChangesAsync();
        }

        var before = (await AllAsync()).Single(p => p.Id == grace);
        long marker;
        await using (var db = Db.NewContext())
        {
            marker = await db.AuditEntries.MaxAsync(a => a.Id);
        }

        var (_, run) = await ImportAsync("Email,City,Tier,Tags,Email consent\ngrace@example.com,Arlington,Gold,navy,yes\n", s => s with { Duplicates = DuplicatePolicy.Update });

        Assert.Equal((0, 1), (run.Created, run.Updated));
        var navy = (await Db.Get<TagService>().ListAsync()).Single(t => t.Name == "navy").Id;
        await using (var db = Db.NewContext())
        {
            var reference = await db.Customers.SingleAsync(c => c.Id == twin);
            reference.Update(new CustomerInput
            {
                FirstName = reference.FirstName, LastName = reference.LastName, Email = reference.Email, Phone = reference.Phone, City = "Arlington",
            }, Db.Clock.GetUtcNow().UtcDateTime);
            reference.SetConsent(ConsentChannel.Email, ConsentStatus.Subscribed, ConsentOrigin.Imported, "Test", Db.Clock.GetUtcNow().UtcDateTime);
            db.CustomerTags.Add(new CustomerTag { CustomerId = twin, TagId = navy, AddedAt = Db.Clock.GetUtcNow().UtcDateTime });
            db.CustomFieldValues.RemoveRange(await db.CustomFieldValues.Where(v => v.CustomerId == twin).ToListAsync());
            db.CustomFieldValues.Add(new CustomFieldValue { CustomerId = twin, FieldId = tier, OptionId = gold });
            await db.SaveChangesAsync();
        }

        async Task<List<string>> LinesAsync(int customer)
        {
            await using var db = Db.NewContext();
            var lines = await db.AuditEntries.AsNoTracking().Where(a => a.CustomerId == customer && a.Id > marker).ToListAsync();
            return [.. lines.Select(a => $"{a.Action} | {a.RecordType} {a.RecordId?.Length > 0} | {a.Summary} | {a.Changes}").Order(StringComparer.Ordinal)];
        }

        var imported = await LinesAsync(grace);
        Assert.Equal(3, imported.Count); // the profile's fields and consent, the tag, the custom field
        Assert.Equal(await LinesAsync(twin), imported);
        Assert.Contains(imported, l => l.StartsWith("profile.updated | profile True | Updated profile “Grace Hopper”: City, EmailConsent.Status, EmailConsent.Origin", StringComparison.Ordinal));
        var after = await Db.Customers.GetAsync(grace);
        Assert.Equal((before.Version + 1, "Arlington"), (after.Version, after.City));
        Assert.Equal(after.Version, (await Db.Customers.GetAsync(twin)).Version);
        await using (var db = Db.NewContext())
        {
            var change = await db.ImportChanges.AsNoTracking().SingleAsync(c => c.ImportRunId == run.Id);
            Assert.Equal((grace, after.Version), (change.CustomerId, change.VersionAfter));
        }

        var undone = await Imports.UndoAsync(run.Id);

        Assert.Equal((0, 1), (undone.Removed, undone.Restored));
        var restored = (await AllAsync()).Single(p => p.Id == grace);
        Assert.Equal((before.City, before.Phone, before.EmailConsent.Status), (restored.City, restored.Phone, restored.EmailConsent.Status));
        Assert.Empty(await Db.Get<TagService>().ForCustomerAsync(grace));
        Assert.Equal([silver], (await fields.ValuesAsync(grace)).Single(v => v.FieldId == tier).OptionIds);
    }

    [Fact]
    public async Task A_profile_edited_between_the_batch_reading_it_and_writing_it_keeps_the_edit_and_the_row_is_rejected()
    {
        var grace = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Grace", "Hopper").WithEmail("grace@example.com"));
        var before = await Db.Customers.GetAsync(grace);
        await using (var db = Db.NewContext())
        {
            // Someone saves Grace in the browser after the batch read her: inside the batch's write, once the new
            // profile of the first line is in, and before the import's UPDATE of her (as CustomerService saves: version + 1).
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER "EditMeanwhile" AFTER INSERT ON "Customers" WHEN NEW."EmailKey" = 'ada@example.com'
                BEGIN UPDATE "Customers" SET "City" = 'Manchester', "Version" = "Version" + 1 WHERE "EmailKey" = 'grace@example.com'; END
                """);
        }

        var (preview, run) = await ImportAsync("First name,Last name,Email,City,Tags\nAda,Lovelace,ada@example.com,London,\nGrace,Hopper,grace@example.com,Arlington,navy\n",
            s => s with { Duplicates = DuplicatePolicy.Update });

        Assert.Equal((1, 1), (preview.ToCreate, preview.ToUpdate));
        Assert.Equal((ImportStatus.Completed, 1, 0, 1), (run.Status, run.Created, run.Updated, run.Rejected));
        var now = await Db.Customers.GetAsync(grace);
        Assert.Equal(("Manchester", before.Version + 1), (now.City, now.Version));
        Assert.Empty(await Db.Get<TagService>().ForCustomerAsync(grace));
        using var report = new MemoryStream();
        await Imports.WriteReportAsync(run.Id, report);
        Assert.Contains("3,rejected,The matching profile (profile #", Encoding.UTF8.GetString(report.ToArray()), StringComparison.Ordinal);
        await using (var db = Db.NewContext())
        {
            Assert.False(await db.AuditEntries.AnyAsync(a => a.CustomerId == grace && a.Action == "profile.updated"));
            Assert.False(await db.ImportChanges.AnyAsync(c => c.CustomerId == grace));
        }
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
