namespace Replica.Core.Runs;

public sealed partial class RunStore
{
    /// <summary>Resets a target's expiry clock (POST /api/targets/{t}/extend).</summary>
    public void Extend(string target, DateTimeOffset at, string by) => Write(c => Execute(c,
        "INSERT INTO target_extensions (target, at, by) VALUES ($t, $a, $b)", ("$t", target), ("$a", Time(at)), ("$b", by)));

    public DateTimeOffset? LastExtension(string target) =>
        Query("SELECT MAX(at) FROM target_extensions WHERE target = $t", r => r.IsDBNull(0) ? (DateTimeOffset?)null : ParseTime(r.GetString(0)), ("$t", target))
            .FirstOrDefault();

    /// <summary>When the target's newest successful start (full or db-only) ended.</summary>
    public DateTimeOffset? LastSuccessfulStart(string target) =>
        Query("SELECT MAX(ended) FROM runs WHERE target = $t AND status = 'succeeded' AND workflow LIKE 'start%'",
            r => r.IsDBNull(0) ? (DateTimeOffset?)null : ParseTime(r.GetString(0)), ("$t", target)).FirstOrDefault();
}
