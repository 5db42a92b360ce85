using System.Text.Json;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Groups;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Transfer.Import;

public sealed partial class ImportService
{
    /// <summary>
    /// Header names (folded: case, accents and punctuation ignored) that say where a column goes, in English and
    /// French (the merchants' languages), plus the names Directory's own export writes. Columns such as Id, Total
    /// spent or Created at are deliberately absent: an import never writes them.
    /// </summary>
    private static readonly Dictionary<string, ImportTarget> KnownHeaders = Build(new()
    {
        [ImportTarget.FirstName] = ["first name", "firstname", "given name", "forename", "prenom"],
        [ImportTarget.LastName] = ["last name", "lastname", "surname", "family name", "nom de famille", "nom"],
        [ImportTarget.FullName] = ["name", "full name", "customer name", "client", "nom complet"],
        [ImportTarget.Email] = ["email", "e mail", "email address", "e mail address", "mail", "courriel", "adresse email", "adresse e mail"],
        [ImportTarget.Phone] = ["phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "cell", "portable", "numero de telephone"],
        [ImportTarget.AddressLine] = ["address", "address line", "address 1", "street", "street address", "adresse", "rue"],
        [ImportTarget.PostalCode] = ["postal code", "postcode", "zip", "zip code", "code postal", "cp"],
        [ImportTarget.City] = ["city", "town", "ville", "localite"],
        [ImportTarget.Country] = ["country", "pays"],
        [ImportTarget.Birthday] = ["birthday", "birth date", "date of birth", "dob", "birthdate", "anniversaire", "date de naissance"],
        [ImportTarget.Tags] = ["tags", "tag", "labels", "etiquettes"],
        [ImportTarget.EmailConsent] = ["email consent", "email marketing", "accepts email marketing", "accepts marketing", "newsletter", "email opt in", "consentement email"],
        [ImportTarget.SmsConsent] = ["sms consent", "sms marketing", "accepts sms marketing", "sms opt in", "consentement sms"],
    });

    private static Dictionary<string, ImportTarget> Build(Dictionary<ImportTarget, string[]> names) =>
        names.SelectMany(p => p.Value.Select(n => (Name: n, Target: p.Key))).ToDictionary(p => HeaderKey(p.Name), p => p.Target);

    /// <summary>"E-mail Address " → "e mail address": case, accents, punctuation and spacing ignored.</summary>
    internal static string HeaderKey(string header)
    {
        var folded = ContactRules.Fold(header);
        var chars = folded.Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray();
        return string.Join(' ', new string(chars).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// The mapping to start from: the last import's choice for a header seen before, else a custom field of that name,
    /// else a known header; anything else is not imported. Each target is suggested once (the first column wins).
    /// </summary>
    internal static IReadOnlyList<ImportColumn> Suggest(IReadOnlyList<string> header, IReadOnlyList<CustomField> fields, IReadOnlyDictionary<string, ImportColumn> remembered)
    {
        var byName = fields.GroupBy(f => HeaderKey(f.Name)).ToDictionary(g => g.Key, g => g.First().Id);
        var taken = new HashSet<(ImportTarget, int?)>();
        var columns = new List<ImportColumn>(header.Count);
        for (var i = 0; i < header.Count; i++)
        {
            var key = HeaderKey(header[i]);
            ImportColumn? choice = null;
            if (remembered.TryGetValue(key, out var last) && (last.Target != ImportTarget.CustomField || fields.Any(f => f.Id == last.CustomFieldId)))
            {
                choice = last with { Column = i };
            }
            else if (byName.TryGetValue(key, out var fieldId))
            {
                choice = new ImportColumn(i, ImportTarget.CustomField, fieldId);
            }
            else if (KnownHeaders.TryGetValue(key, out var target))
            {
                choice = new ImportColumn(i, target);
            }

            columns.Add(choice is not null && (choice.Target == ImportTarget.Tags || taken.Add((choice.Target, choice.CustomFieldId)))
                ? choice
                : new ImportColumn(i, ImportTarget.Ignore));
        }

        // A full name beside first and last names would be refused: the separate ones win.
        if (columns.Any(c => c.Target is ImportTarget.FirstName or ImportTarget.LastName))
        {
            columns = [.. columns.Select(c => c.Target == ImportTarget.FullName ? c with { Target = ImportTarget.Ignore } : c)];
        }

        return columns;
    }

    private static async Task<IReadOnlyDictionary<string, ImportColumn>> RememberedAsync(DirectoryDbContext db, CancellationToken ct)
    {
        var json = await db.MerchantSettings.AsNoTracking().Where(s => s.Key == LastMappingKey).Select(s => s.Value).SingleOrDefaultAsync(ct);
        if (json is null)
        {
            return new Dictionary<string, ImportColumn>();
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, ImportColumn>>(json, Json) ?? [];
        }
        catch (JsonException)
        {
            return new Dictionary<string, ImportColumn>(); // written by an older version: start afresh
        }
    }

    /// <summary>Keeps this import's choices by header name for the next import (as many as the setting holds).</summary>
    private async Task RememberAsync(DirectoryDbContext db, ImportRun run, ImportSettings settings, CancellationToken ct)
    {
        IReadOnlyList<string> header;
        await using (var stream = File.OpenRead(FileOf(run)))
        {
            using var source = Open(stream, settings.Format);
            header = source.Header;
        }

        var json = RememberJson(header, settings);
        var setting = await db.MerchantSettings.SingleOrDefaultAsync(s => s.Key == LastMappingKey, ct);
        if (setting is null)
        {
            db.MerchantSettings.Add(new MerchantSetting { Key = LastMappingKey, Value = json });
        }
        else
        {
            setting.Value = json;
        }
    }

    private static string RememberJson(IReadOnlyList<string> header, ImportSettings settings)
    {
        var remembered = new Dictionary<string, ImportColumn>();
        foreach (var column in settings.Columns.Where(c => c.Column < header.Count))
        {
            remembered.TryAdd(HeaderKey(header[column.Column]), column with { Column = 0 });
            if (JsonSerializer.Serialize(remembered, Json).Length > MerchantSetting.ValueMaxLength)
            {
                remembered.Remove(HeaderKey(header[column.Column]));
                break;
            }
        }

        return JsonSerializer.Serialize(remembered, Json);
    }
}
