using System.Diagnostics;
using Npgsql;
using Replica.Postgres.Instances;
using Replica.Postgres.Restore;

// Restores one generated backup with each method into a fresh PostgreSQL instance, checks row
// counts against the source, and prints median seconds and the ratio to the original method.
var opts = BenchOptions.Parse(args);
var backups = await BackupSet.EnsureAsync(opts);
Console.Error.WriteLine($"bench: backup {backups.Cluster} ({new FileInfo(backups.Cluster).Length / 1048576.0:0.0} MiB), custom {backups.Custom}; {opts.Rounds} rounds, --jobs {opts.Jobs}");

var asWritten = await Methods.OriginalAsWrittenAsync(opts, backups);
// --masking: the masking comparison only — replica unmasked, masked in the stream, and restore-then-UPDATE (replica's and the original's).
// --filler: replica unmasked, pgbench_accounts.filler masked in the stream, and restored then UPDATEd (the stress case).
// --kubernetes: the original, replica in process as the local platform runs it, and the restore Job's worker process with the pod's hand-over.
var methods = Methods.All(opts, backups).Where(m => opts.Masking ? Methods.InMaskingComparison(m.Name) && !(opts.MaskingReplicaOnly && m.Name.StartsWith("original", StringComparison.Ordinal))
    : opts.Kubernetes ? Methods.InKubernetesComparison(m.Name)
    : opts.Filler ? Methods.InFillerComparison(m.Name)
    : opts.Only is null || opts.Only.Any(o => m.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToList();
var times = methods.ToDictionary(m => m.Name, _ => new List<double>());
for (int round = 1; round <= opts.Rounds; round++)
{
    // Every other round runs the methods in reverse order, so that none always runs after the same one
    // (each leaves the disk busy deleting its instance); an even number of rounds balances the order.
    foreach (var m in round % 2 == 1 ? methods : Enumerable.Reverse(methods))
    {
        var seconds = await m.RunAsync(opts, backups);
        times[m.Name].Add(seconds);
        Console.Error.WriteLine($"bench: round {round} {m.Name}: {seconds:0.00} s");
    }
}

double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
var original = times.TryGetValue(Methods.Original, out var o) ? Median(o) : double.NaN;
Console.WriteLine($"| scale {opts.Scale}: {new FileInfo(backups.Cluster).Length / 1048576.0:0} MiB .sql.gz, {opts.Rounds} rounds, {Environment.ProcessorCount} cores | median s | runs | vs original |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| original as written: gunzip -c | psql -v ON_ERROR_STOP=1 template1 | {asWritten} | | — |");
foreach (var m in methods)
{
    var med = Median(times[m.Name]);
    var ratio = m.Name == Methods.Floor || double.IsNaN(original) ? "" : $"{original / med:0.00}×";
    Console.WriteLine($"| {m.Name} | {med:0.00} | {string.Join(" ", times[m.Name].Select(t => t.ToString("0.0")))} | {ratio} |");
}

// The masking goals, from the medians above: what masking in the stream adds to replica's own restore, against restore-then-UPDATE.
var plain = methods.FirstOrDefault(m => m.Name.StartsWith("replica restore, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs", StringComparison.Ordinal));
var inStream = methods.FirstOrDefault(m => m.Name.StartsWith("replica restore + masking", StringComparison.Ordinal));
var thenUpdate = methods.FirstOrDefault(m => m.Name.StartsWith("replica restore, then UPDATE", StringComparison.Ordinal));
var originalThenUpdate = methods.FirstOrDefault(m => m.Name.StartsWith("original, then UPDATE", StringComparison.Ordinal));
if (plain is not null && inStream is not null)
{
    double p = Median(times[plain.Name]), s = Median(times[inStream.Name]);
    Console.WriteLine();
    Console.WriteLine($"masking in the stream adds {(s / p - 1) * 100:0.0} % to replica's unmasked restore ({s:0.00} s against {p:0.00} s)");
    if (thenUpdate is not null)
    {
        double u = Median(times[thenUpdate.Name]);
        Console.WriteLine($"replica restore then UPDATE: {u:0.00} s, {u / s:0.00}× the masked restore's time; the UPDATE adds {u - p:0.00} s where masking in the stream adds {s - p:0.00} s");
    }
    if (originalThenUpdate is not null)
    {
        double u = Median(times[originalThenUpdate.Name]);
        Console.WriteLine($"original restore then UPDATE: {u:0.00} s, {u / s:0.00}× the masked restore's time");
    }
}
