using System.Diagnostics;

/// <summary>The generated backup (make-db-backup), reused across runs of the same scale, and the row counts it carries.</summary>
internal sealed record BackupSet(string Cluster, string Custom, IReadOnlyDictionary<string, long> Rows)
{
    public static async Task<BackupSet> EnsureAsync(BenchOptions o)
    {
        var dir = Path.Combine(o.Work, $"backup-scale{o.Scale}");
        var manifest = Path.Combine(dir, "manifest.txt");
        if (!File.Exists(manifest))
        {
            Directory.CreateDirectory(o.Work);
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            var tool = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/bench/make-db-backup"));
            if (!File.Exists(tool)) tool = "/work/shared/bench/make-db-backup";
            Console.Error.WriteLine($"bench: generating the backup with {tool} --scale {o.Scale}");
            var psi = new ProcessStartInfo(tool) { UseShellExecute = false };
            foreach (var a in new[] { "--scale", o.Scale.ToString(), "--pgbin", o.Bin, "--workdir", o.Work, dir }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            await p.WaitForExitAsync();
            if (p.ExitCode != 0) throw new InvalidOperationException("make-db-backup failed");
        }
        var rows = File.ReadLines(manifest)
            .Select(l => l.Split('='))
            .Where(kv => kv.Length == 2 && (kv[0].StartsWith("pgbench_") || kv[0].StartsWith("viewer_")))
            .ToDictionary(kv => kv[0], kv => long.Parse(kv[1]));
        var cluster = Directory.GetFiles(Path.Combine(dir, "hourly"), "*-dumpall.sql.gz").Single();
        return new BackupSet(cluster, Path.Combine(dir, "frag.dump"), rows);
    }
}
