using System.Text.RegularExpressions;

namespace Replica.Core.Access;

/// <summary>
/// Who a caller is and what they may do: a role and, for an operator, the targets its globs
/// match (`dev-*`, `dev-alan`; no globs means every target). Protected targets stay refused
/// for everyone by the workflow guards, whatever the grant.
/// </summary>
/// <param name="Caller">as recorded on the runs it launches: token:NAME, user:NAME.</param>
public sealed record Grant(string Caller, Role Role, IReadOnlyList<string> TargetGlobs)
{
    public bool CanOperate(string target) => Role switch
    {
        Role.Admin => true,
        Role.Operator => TargetGlobs.Count == 0 || TargetGlobs.Any(g => Matches(g, target)),
        _ => false,
    };

    /// <summary>Passwords (the database URL's) only to callers allowed to operate the target.</summary>
    public bool SeesSecretsOf(string target) => CanOperate(target);

    public bool IsAdmin => Role == Role.Admin;

    public static bool Matches(string glob, string target) =>
        Regex.IsMatch(target, "^" + Regex.Escape(glob).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant);

    /// <summary>Checks globs given by a person (`--targets`): letters, digits, dashes, * and ?.</summary>
    public static IReadOnlyList<string> ParseGlobs(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var globs = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var g in globs)
            if (!Regex.IsMatch(g, "^[a-z0-9*?-]+$"))
                throw new RefusedException($"{what} '{g}' is not a target glob; use target names with * and ?, separated by commas (e.g. dev-alan,dev-*).");
        return globs;
    }
}
