using System.Text.RegularExpressions;
using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// The drift gate's test: does a column's name or type look personal? Names are split into words (snake_case,
/// camelCase); short words must match whole (name, ip, dob, zip …), long ones anywhere (useremail, postcode …).
/// It errs on the side of listing: a listed column that is not personal is marked <c>keep</c> in the profile.
/// </summary>
public static partial class PiiColumns
{
    private static readonly HashSet<string> Words =
    [
        "name", "names", "surname", "mail", "phone", "mobile", "tel", "fax", "address", "addr", "street", "city", "zip", "postal",
        "ip", "birth", "dob", "token", "password", "passwd", "pwd", "secret", "ssn", "iban", "bic", "username", "login", "nickname", "passport",
        "salary", "gender", "latitude", "longitude",
    ];

    private static readonly string[] Fragments =
    [
        "email", "e_mail", "phone", "password", "passwd", "address", "street", "birth", "secret", "token", "iban", "postcode", "zipcode",
        "surname", "username", "firstname", "lastname", "fullname", "creditcard", "card_number", "apikey", "api_key",
    ];

    /// <summary>Why the column looks personal ("its name has 'phone'", "its type is inet"), or null.</summary>
    public static string? Reason(DumpColumn column)
    {
        if (column.Kind == ColumnKind.Network) return $"its type is {column.Type}";
        var lower = column.Name.ToLowerInvariant();
        foreach (var word in WordSplit().Split(column.Name).Where(w => w.Length > 0).Select(w => w.ToLowerInvariant()))
            if (Words.Contains(word)) return $"its name has '{word}'";
        foreach (var f in Fragments)
            if (lower.Contains(f, StringComparison.Ordinal)) return $"its name has '{f}'";
        return null;
    }

    // Breaks at anything not a letter or digit, and before an upper-case letter that follows a lower-case one.
    [GeneratedRegex(@"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordSplit();
}
