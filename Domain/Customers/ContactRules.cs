using System.Globalization;
using System.Net.Mail;
using System.Text;
using PhoneNumbers;

namespace CustomerDirectory.Domain.Customers;

/// <summary>
/// The one place where names, emails and phones are validated and normalised. The entity, the
/// service and the forms all call it, so the rules cannot drift apart.
/// </summary>
public static class ContactRules
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 254;
    public const int PhoneMaxLength = 32;
    public const int MinPhoneDigits = 6;
    public const int MaxPhoneDigits = 15; // E.164
    public const int AddressLineMaxLength = 200;
    public const int PostalCodeMaxLength = 20;
    public const int CityMaxLength = 100;
    public const int CountryMaxLength = 100;

    /// <summary>Trims and checks a required name; returns the error message or null.</summary>
    public static string? NameError(string label, string? value)
    {
        var trimmed = Clean(value);
        if (trimmed is null)
        {
            return $"{label} is required.";
        }

        if (trimmed.Length > NameMaxLength)
        {
            return $"{label} can be at most {NameMaxLength} characters.";
        }

        return HasControlCharacters(trimmed) ? $"{label} contains characters that are not allowed." : null;
    }

    /// <summary>Checks optional free text (address lines, city…): a length limit, no control characters.</summary>
    public static string? TextError(string label, string? value, int maxLength)
    {
        var trimmed = Clean(value);
        if (trimmed is null)
        {
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            return $"{label} can be at most {maxLength} characters.";
        }

        return HasControlCharacters(trimmed) ? $"{label} contains characters that are not allowed." : null;
    }

    /// <summary>Today somewhere on Earth: UTC today plus a day, since the merchant may be ahead of UTC.</summary>
    public static DateOnly LatestBirthday() => DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1));

    /// <summary>A birthday is a real past date of someone plausibly alive.</summary>
    public static string? BirthdayError(DateOnly? birthday, DateOnly latest) => birthday switch
    {
        null => null,
        { } b when b > latest => "The birthday cannot be in the future.",
        { Year: < 1900 } => "Enter a birthday after 1900.",
        _ => null,
    };

    public static string? EmailError(string? value)
    {
        var email = Clean(value);
        if (email is null)
        {
            return null;
        }

        if (email.Length > EmailMaxLength)
        {
            return $"Email can be at most {EmailMaxLength} characters.";
        }

        // MailAddress also accepts "Name <a@b.c>"; we want the bare address and a dotted domain.
        if (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email
            || email.Contains(' ', StringComparison.Ordinal)
            || !parsed.Host.Contains('.', StringComparison.Ordinal) || parsed.Host.EndsWith('.'))
        {
            return "Enter an email address like name@example.com.";
        }

        return null;
    }

    public static string? PhoneError(string? value)
    {
        var phone = Clean(value);
        if (phone is null)
        {
            return null;
        }

        if (phone.Length > PhoneMaxLength)
        {
            return $"Phone can be at most {PhoneMaxLength} characters.";
        }

        for (var i = 0; i < phone.Length; i++)
        {
            var c = phone[i];
            var allowed = char.IsAsciiDigit(c) || c is ' ' or '-' or '.' or '(' or ')' || (c == '+' && i == 0);
            if (!allowed)
            {
                return "A phone number may contain digits, spaces, dashes, dots, brackets and a leading +.";
            }
        }

        var digits = phone.Count(char.IsAsciiDigit);
        return digits is < MinPhoneDigits or > MaxPhoneDigits
            ? $"A phone number has between {MinPhoneDigits} and {MaxPhoneDigits} digits."
            : null;
    }

    /// <summary>Trims, normalises to Unicode form C, and turns blank into null.</summary>
    public static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        return trimmed.IsNormalized(NormalizationForm.FormC) ? trimmed : trimmed.Normalize(NormalizationForm.FormC);
    }

    /// <summary>The key duplicate emails are found by: trimmed, Unicode form C, lower case.</summary>
    public static string? NormalizeEmail(string? value) => Clean(value)?.ToLowerInvariant();

    /// <summary>What numbers written without a country code are read as, when the configuration does not say (Merchant:Country).</summary>
    public const string DefaultPhoneRegion = "FR";

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// The country (ISO 3166 code) whose numbers people write without its country code: a national "06 12 34 56 78" is
    /// then the same number as "+33 6 12 34 56 78". The merchant's (<see cref="MerchantOptions.Country"/>), set at start-up.
    /// </summary>
    public static string PhoneRegion { get; private set; } = DefaultPhoneRegion;

    internal static void UsePhoneRegion(string region) => PhoneRegion = region;

    /// <summary>True when phone numbers of <paramref name="region"/> (an ISO 3166 code such as FR) can be read.</summary>
    public static bool IsPhoneRegion(string region) => Phones.GetSupportedRegions().Contains(region);

    /// <summary>
    /// The key phones are matched by: the number in its international form (E.164) without the "+", as Google's
    /// libphonenumber reads it, numbers written nationally being of <see cref="PhoneRegion"/>. "+33 6 12 34 56 78",
    /// "0033 612345678", "+33 (0)6 12 34 56 78" and, in France, "06.12.34.56.78" all give "33612345678". What cannot be
    /// read as a number keeps its digits (<see cref="PhoneDigits"/>).
    /// </summary>
    public static string? PhoneKey(string? value)
    {
        var phone = Clean(value);
        if (phone is null)
        {
            return null;
        }

        try
        {
            // "00" is how most of the world dials out; libphonenumber only knows it from a European region.
            var number = Phones.Parse(phone.StartsWith("00", StringComparison.Ordinal) ? "+" + phone[2..] : phone, PhoneRegion);
            return Phones.Format(number, PhoneNumberFormat.E164)[1..];
        }
        catch (NumberParseException)
        {
            return PhoneDigits(phone);
        }
    }

    /// <summary>
    /// The digits of a number or of part of one, without a leading international "00" or "+" marker and without a
    /// national trunk "0": "+33 6 12", "0033 6 12" and "06 12" give "33612", "33612" and "612". Every stored
    /// <see cref="Customer.PhoneKey"/> of a number so written holds them: what a search or a "contains" filter looks for.
    /// </summary>
    public static string? PhoneDigits(string? value)
    {
        var phone = Clean(value);
        if (phone is null)
        {
            return null;
        }

        var key = Digits(phone);
        if (key.StartsWith("00", StringComparison.Ordinal))
        {
            key = key[2..];
        }
        else if (key.StartsWith('0'))
        {
            key = key[1..];
        }

        return key.Length == 0 ? null : key;
    }

    /// <summary>
    /// How the keys of numbers beginning so begin: "06" (in France) and "+33 6" give "336". A "starts with" filter
    /// looks for it.
    /// </summary>
    public static string? PhonePrefixKey(string? value)
    {
        var phone = Clean(value);
        var digits = PhoneDigits(phone);
        if (phone is null || digits is null || phone.StartsWith('+') || phone.StartsWith("00", StringComparison.Ordinal))
        {
            return digits;
        }

        // Written nationally: the merchant's country code, and the digits without the trunk prefix where it has one.
        var national = Digits(phone);
        var trunk = Phones.GetNddPrefixForRegion(PhoneRegion, true);
        if (!string.IsNullOrEmpty(trunk) && national.StartsWith(trunk, StringComparison.Ordinal))
        {
            national = national[trunk.Length..];
        }

        return Phones.GetCountryCodeForRegion(PhoneRegion).ToString(CultureInfo.InvariantCulture) + national;
    }

    private static string Digits(string phone) => string.Concat(phone.Where(char.IsAsciiDigit));

    /// <summary>
    /// The substrings a phone search looks for in <see cref="Customer.PhoneKey"/>: the query's digits
    /// (<see cref="PhoneDigits"/>), which every key of a matching number contains, written with a country code or not.
    /// </summary>
    public static IReadOnlyList<string> PhoneSearchKeys(string query) => PhoneDigits(query) is { } key ? [key] : [];

    /// <summary>True when the query is made only of what a phone number is written with, and has at least 3 digits.</summary>
    public static bool LooksLikePhone(string query)
    {
        var digits = 0;
        foreach (var c in query.Trim())
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')' or '+'))
            {
                return false;
            }
        }

        return digits >= 3;
    }

    /// <summary>Lower case without accents, for accent-insensitive search and sorting ("Élodie" → "elodie").</summary>
    public static string Fold(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (System.Text.Ascii.IsValid(value))
        {
            // Plain ASCII has no accents to strip and nothing to normalise: lower case is all folding does.
            return value.ToLowerInvariant();
        }

        var decomposed = value.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(char.ToLowerInvariant(c));
            }
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    private static bool HasControlCharacters(string value) => value.Any(char.IsControl);
}
