using System.Text.RegularExpressions;
using Replica.Core.Access;

namespace Replica.Core.Notifications;

/// <summary>What a notification is about.</summary>
public static class NotificationEvents
{
    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Expiring = "expiring";

    public static readonly IReadOnlyList<string> All = [Failed, Succeeded, Cancelled, Started, Expiring];
}

public enum NotificationFormat { Slack, Json }

/// <summary>
/// `notifications.NAME`: where to post (a webhook URL, possibly `${ENV_NAME}`), in which format,
/// for which events and targets, signed with an optional secret. The URL and the secret are
/// secrets: they are resolved only when a message is sent and never written anywhere.
/// </summary>
/// <param name="ExpiringLeadHours">how long before a target expires the `expiring` message goes out.</param>
/// <param name="UrlLine">the line of its url in replica.yaml, for errors about the value; <paramref name="SecretLine"/> likewise.</param>
public sealed record NotificationConfig(
    string Name,
    string UrlText,
    NotificationFormat Format,
    IReadOnlySet<string> On,
    IReadOnlyList<string> TargetGlobs,
    string? SecretText,
    int ExpiringLeadHours,
    string ConfigPath,
    int UrlLine,
    int SecretLine = 0)
{
    public const int DefaultExpiringLeadHours = 12;

    public bool Wants(string @event, string target) =>
        On.Contains(@event) && TargetGlobs.Any(g => Grant.Matches(g, target));

    /// <summary>The webhook URL, with ${ENV_NAME} taken from the environment.</summary>
    /// <exception cref="RefusedException">a variable it names is not set, or the result is not an http(s) URL.</exception>
    public Uri Url()
    {
        var text = Expand(UrlText, "url", UrlLine);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new RefusedException($"{ConfigPath}, line {UrlLine}: 'notifications.{Name}.url' is not an http(s) URL once expanded; give https://… or ${{ENV_NAME}} holding one.");
        return uri;
    }

    public string? Secret() => SecretText is null ? null : Expand(SecretText, "secret", SecretLine);

    private static readonly Regex Variable = new(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant);

    private string Expand(string text, string key, int line) => Variable.Replace(text, m =>
        Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } v ? v
            : throw new RefusedException($"{ConfigPath}, line {line}: 'notifications.{Name}.{key}' names ${{{m.Groups[1].Value}}}, which is not set; set it in the server's environment."));
}
