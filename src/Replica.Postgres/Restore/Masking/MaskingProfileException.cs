namespace Replica.Postgres.Restore.Masking;

/// <summary>A masking profile that cannot be used; the message is one sentence naming the table.column (or the key) and the fix.</summary>
public sealed class MaskingProfileException(string message) : Exception(message);
