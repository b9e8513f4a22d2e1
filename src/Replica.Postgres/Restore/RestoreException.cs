namespace Replica.Postgres.Restore;

/// <summary>A restore that failed; the message is one sentence: the error, the object, the position in the dump, the file.</summary>
public class RestoreException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The dump line where the failing statement or COPY row starts, when known.</summary>
    public long? Line { get; init; }

    /// <summary>The object being restored (e.g. "TABLE DATA public.orders"), when known.</summary>
    public string? Object { get; init; }
}
