using CustomerDirectory.Domain.CustomFields;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class CustomFieldServiceTests : DatabaseTest
{
    private CustomFieldService Fields => Db.Get<CustomFieldService>();

    [Fact]
    public async Task Create_ListsFieldsInOrder_WithTheirOptions_AndAnnouncesTheChange()
    {
        var announced = 0;
        using var subscription = Db.Get<Changes.ChangeFeed>().Subscribe(e => announced += e.Kind == Changes.ChangeKind.DefinitionsChanged ? 1 : 0);

        await Fields.CreateAsync("Referral?", CustomFieldType.Toggle, null);
        await Fields.CreateAsync("Preferred stylist", CustomFieldType.Select, ["Camille", " Jordan ", "", "Sam"]);

        var list = await Fields.ListAsync();
        Assert.Equal(["Referral?", "Preferred stylist"], list.Select(f => f.Name));
        Assert.Equal(["Camille", "Jordan", "Sam"], list[1].Options.Select(o => o.Label));
        Assert.Equal(2, announced);
    }

    [Theory]
    [InlineData("", CustomFieldType.Text, "Give the field a name.")]
    [InlineData("Stylist", CustomFieldType.Select, "A choice field needs at least one option.")]
    public async Task Create_RefusesIncompleteDefinitions(string name, CustomFieldType type, string message)
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => Fields.CreateAsync(name, type, null));

        Assert.Equal(message, e.Message);
        Assert.Empty(await Fields.ListAsync());
    }

    [Fact]
    public async Task Create_RefusesADuplicateName_OrDuplicateOptions()
    {
        await Fields.CreateAsync("Allergies", CustomFieldType.Text, null);

        var name = await Assert.ThrowsAsync<DomainException>(() => Fields.CreateAsync("ALLERGIES", CustomFieldType.Text, null));
        var options = await Assert.ThrowsAsync<DomainException>(() => Fields.CreateAsync("Size", CustomFieldType.Select, ["S", "s"]));

        Assert.Equal("A field called \"ALLERGIES\" already exists.", name.Message);
        Assert.Equal("\"s\" is listed twice.", options.Message);
    }

    [Fact]
    public async Task Values_OfEveryType_RoundTrip_AndEmptyClears()
    {
        var id = await Db.AddAsync(ACustomer());
        var toggle = await Fields.CreateAsync("Referral?", CustomFieldType.Toggle, null);
        var select = await Fields.CreateAsync("Stylist", CustomFieldType.Select, ["Camille", "Sam"]);
        var multi = await Fields.CreateAsync("Interests", CustomFieldType.MultiSelect, ["Colour", "Cut", "Care"]);
        var text = await Fields.CreateAsync("Allergies", CustomFieldType.Text, null);
        var number = await Fields.CreateAsync("Shoe size", CustomFieldType.Number, null);
        var date = await Fields.CreateAsync("Member since", CustomFieldType.Date, null);
        var defs = (await Fields.ListAsync()).ToDictionary(f => f.Id);

        await Fields.SetValueAsync(id, toggle, new CustomFieldInput { Flag = true });
        await Fields.SetValueAsync(id, select, new CustomFieldInput { OptionId = defs[select].Options[1].Id });
        await Fields.SetValueAsync(id, multi, new CustomFieldInput { OptionIds = [defs[multi].Options[0].Id, defs[multi].Options[2].Id] });
        await Fields.SetValueAsync(id, text, new CustomFieldInput { Text = "  Latex 🧤 <b>!</b> " });
        await Fields.SetValueAsync(id, number, new CustomFieldInput { Number = 38.5m });
        await Fields.SetValueAsync(id, date, new CustomFieldInput { Date = new DateOnly(2020, 5, 1) });

        var values = (await Fields.ValuesAsync(id)).ToDictionary(v => v.FieldId);
        Assert.True(values[toggle].Flag);
        Assert.Equal([defs[select].Options[1].Id], values[select].OptionIds);
        Assert.Equal([defs[multi].Options[0].Id, defs[multi].Options[2].Id], values[multi].OptionIds);
        Assert.Equal("Latex 🧤 <b>!</b>", values[text].Text);
        Assert.Equal(38.5m, values[number].Number);
        Assert.Equal(new DateOnly(2020, 5, 1), values[date].Date);

        await Fields.SetValueAsync(id, text, new CustomFieldInput { Text = "   " });
        await Fields.SetValueAsync(id, multi, new CustomFieldInput { OptionIds = [] });
        values = (await Fields.ValuesAsync(id)).ToDictionary(v => v.FieldId);
        Assert.False(values.ContainsKey(text));
        Assert.False(values.ContainsKey(multi));
    }

    [Fact]
    public async Task Values_OutOfBounds_AreRefused_AndTheOldValueStays()
    {
        var id = await Db.AddAsync(ACustomer());
        var text = await Fields.CreateAsync("Allergies", CustomFieldType.Text, null);
        var number = await Fields.CreateAsync("Points", CustomFieldType.Number, null);
        var select = await Fields.CreateAsync("Stylist", CustomFieldType.Select, ["Camille"]);
        await Fields.SetValueAsync(id, text, new CustomFieldInput { Text = "Nuts" });

        var tooLong = await Assert.ThrowsAsync<DomainException>(() => Fields.SetValueAsync(id, text, new CustomFieldInput { Text = new string('x', 501) }));
        await Assert.ThrowsAsync<DomainException>(() => Fields.SetValueAsync(id, number, new CustomFieldInput { Number = 1e13m }));
        await Assert.ThrowsAsync<DomainException>(() => Fields.SetValueAsync(id, select, new CustomFieldInput { OptionId = 9999 }));

        Assert.Equal("Allergies can be at most 500 characters.", tooLong.Message);
        Assert.Equal("Nuts", Assert.Single(await Fields.ValuesAsync(id)).Text);
    }

    [Fact]
    public async Task RenamingTheFieldOrAnOption_KeepsEveryValue()
    {
        var id = await Db.AddAsync(ACustomer());
        var field = await Fields.CreateAsync("Stylist", CustomFieldType.Select, ["Camille", "Sam"]);
        var sam = (await Fields.ListAsync())[0].Options[1].Id;
        await Fields.SetValueAsync(id, field, new CustomFieldInput { OptionId = sam });

        await Fields.RenameAsync(field, "Preferred stylist");
        await Fields.RenameOptionAsync(field, sam, "Samuel");

        var definition = Assert.Single(await Fields.ListAsync());
        Assert.Equal("Preferred stylist", definition.Name);
        Assert.Equal("Samuel", definition.Options.Single(o => o.Id == sam).Label);
        Assert.Equal([sam], Assert.Single(await Fields.ValuesAsync(id)).OptionIds);
    }

    [Fact]
    public async Task Delete_SaysHowManyProfilesHeldAValue_AndRemovesThem()
    {
        var field = await Fields.CreateAsync("Referral?", CustomFieldType.Toggle, null);
        for (var i = 0; i < 3; i++)
        {
            await Fields.SetValueAsync(await Db.AddAsync(ACustomer()), field, new CustomFieldInput { Flag = i % 2 == 0 });
        }

        Assert.Equal(3, await Fields.CountHoldersAsync(field));
        Assert.Equal(3, await Fields.DeleteAsync(field));
        Assert.Empty(await Fields.ListAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => Fields.DeleteAsync(field));
    }

    [Fact]
    public async Task DeleteOption_RemovesOnlyThatChoice_AndNeverTheLastOption()
    {
        var id = await Db.AddAsync(ACustomer());
        var field = await Fields.CreateAsync("Interests", CustomFieldType.MultiSelect, ["Colour", "Cut"]);
        var options = (await Fields.ListAsync())[0].Options;
        await Fields.SetValueAsync(id, field, new CustomFieldInput { OptionIds = [options[0].Id, options[1].Id] });

        Assert.Equal(1, await Fields.DeleteOptionAsync(field, options[0].Id));
        var last = await Assert.ThrowsAsync<DomainException>(() => Fields.DeleteOptionAsync(field, options[1].Id));

        Assert.Equal([options[1].Id], Assert.Single(await Fields.ValuesAsync(id)).OptionIds);
        Assert.Equal("A choice field needs at least one option; delete the field instead.", last.Message);
    }

    [Fact]
    public async Task ChangeType_IsAllowedOnlyWhenNoValueWouldBeLost()
    {
        var id = await Db.AddAsync(ACustomer());
        var empty = await Fields.CreateAsync("Unused", CustomFieldType.Text, null);
        var text = await Fields.CreateAsync("Allergies", CustomFieldType.Text, null);
        var select = await Fields.CreateAsync("Stylist", CustomFieldType.Select, ["Camille", "Sam"]);
        var defs = (await Fields.ListAsync()).ToDictionary(f => f.Id);
        await Fields.SetValueAsync(id, text, new CustomFieldInput { Text = "Nuts" });
        await Fields.SetValueAsync(id, select, new CustomFieldInput { OptionId = defs[select].Options[0].Id });

        await Fields.ChangeTypeAsync(empty, CustomFieldType.Number);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Fields.ChangeTypeAsync(text, CustomFieldType.Toggle));
        await Fields.ChangeTypeAsync(select, CustomFieldType.MultiSelect);
        await Fields.SetValueAsync(id, select, new CustomFieldInput { OptionIds = [defs[select].Options[0].Id, defs[select].Options[1].Id] });
        await Assert.ThrowsAsync<DomainException>(() => Fields.ChangeTypeAsync(select, CustomFieldType.Select));

        Assert.Equal("1 profile has a value that a yes/no field cannot keep, so the type stays text.", refused.Message);
        var after = (await Fields.ListAsync()).ToDictionary(f => f.Id);
        Assert.Equal((CustomFieldType.Number, CustomFieldType.Text, CustomFieldType.MultiSelect), (after[empty].Type, after[text].Type, after[select].Type));
        Assert.Equal("Nuts", (await Fields.ValuesAsync(id)).Single(v => v.FieldId == text).Text);
    }

    [Fact]
    public async Task Move_ReordersFields()
    {
        var a = await Fields.CreateAsync("A", CustomFieldType.Text, null);
        var b = await Fields.CreateAsync("B", CustomFieldType.Text, null);
        var c = await Fields.CreateAsync("C", CustomFieldType.Text, null);

        await Fields.MoveAsync(c, -1);
        await Fields.MoveAsync(a, -1); // already first: stays

        Assert.Equal([a, c, b], (await Fields.ListAsync()).Select(f => f.Id));
    }
}
