using System.Globalization;

namespace CustomerDirectory.Domain.Transfer.Csv;

/// <summary>Makes a header's names usable as keys: cleaned, never blank, unique ignoring case.</summary>
internal static class CsvHeader
{
    public static (IReadOnlyList<string> Names, IReadOnlyList<string> Problems) MakeUnique(IReadOnlyList<string> raw)
    {
        var names = new string[raw.Count];
        var problems = new List<string>();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < raw.Count; i++)
        {
            var name = CsvValues.Clean(raw[i]);
            if (name is null)
            {
                name = string.Create(CultureInfo.InvariantCulture, $"Column {i + 1}");
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"Column {i + 1} has no name: it is called “{name}”."));
            }
            names[i] = name;
            taken.Add(name);
        }

        // Every original name is reserved first, so a generated "Email (2)" never collides with a real one further on.
        var seen = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        for (var i = 0; i < names.Length; i++)
        {
            if (!seen.TryGetValue(names[i], out var renamed))
            {
                seen[names[i]] = [];
                order.Add(names[i]);
                continue;
            }
            var n = renamed.Count + 2;
            string candidate;
            while (!taken.Add(candidate = string.Create(CultureInfo.InvariantCulture, $"{names[i]} ({n})")))
            {
                n++;
            }
            renamed.Add(candidate);
            names[i] = candidate;
        }
        foreach (var name in order)
        {
            var renamed = seen[name];
            if (renamed.Count == 1)
            {
                problems.Add($"“{name}” appears twice: the second is named “{renamed[0]}”.");
            }
            else if (renamed.Count > 1)
            {
                var list = string.Join(", ", renamed.Take(renamed.Count - 1).Select(r => $"“{r}”")) + $" and “{renamed[^1]}”";
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"“{name}” appears {renamed.Count + 1} times: the others are named {list}."));
            }
        }
        return (names, problems);
    }
}
