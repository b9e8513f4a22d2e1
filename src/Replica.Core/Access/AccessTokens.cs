using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Replica.Core.Runs;

namespace Replica.Core.Access;

/// <summary>
/// API tokens: made here, shown once, stored only as a SHA-256 hash (a token is 256 random
/// bits, so a fast hash is enough: there is nothing to guess). `replica tokens` and the
/// server's sign-in both come through here.
/// </summary>
public sealed class AccessTokens(RunStore store)
{
    private const string Prefix = "rpl_";

    /// <summary>Creates a token and returns it: the only time it exists outside the caller's hands.</summary>
    public string Create(string name, Role role, IReadOnlyList<string> targets)
    {
        if (!Regex.IsMatch(name, "^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"))
            throw new RefusedException($"Token name '{name}' is not allowed; use letters, digits, dots, dashes, @ (up to 64).");
        if (targets.Count > 0 && role != Role.Operator)
            throw new RefusedException($"--targets applies to the operator role only; a {role.ToWire()} token covers every target, so drop --targets or use --role operator.");
        var token = Prefix + Base64UrlNoPadding(RandomNumberGenerator.GetBytes(32));
        if (!store.AddToken(name, Hash(token), role.ToWire(), targets))
            throw new RefusedException($"A token named '{name}' exists already; revoke it first (replica tokens revoke {name}) or choose another name.");
        return token;
    }

    /// <summary>The grant of a presented token, or null when it is unknown or revoked.</summary>
    public Grant? Verify(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200) return null;
        var record = store.FindTokenByHash(Hash(presented));
        return record is null ? null : new Grant($"token:{record.Name}", Roles.Parse(record.Role, "stored role"), record.Targets);
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlNoPadding(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
