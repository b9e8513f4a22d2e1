using System.Security.Cryptography;

namespace Replica.Core.Notifications;

/// <summary>`X-Replica-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;`: the receiver recomputes it with the shared secret.</summary>
public static class Signature
{
    public const string Header = "X-Replica-Signature";

    public static string Of(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();
}
