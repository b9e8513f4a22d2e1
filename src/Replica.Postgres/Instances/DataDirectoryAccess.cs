using System.Diagnostics;

namespace Replica.Postgres.Instances;

/// <summary>Checks that the server's account can reach a data directory, before initdb or pg_ctl fail obscurely.</summary>
internal static class DataDirectoryAccess
{
    /// <summary>Fails naming the first parent folder the account cannot traverse.</summary>
    public static async Task CheckParentsAsync(string dataDirectory, UnixAccount account, CancellationToken ct)
    {
        var parents = new List<string>();
        for (var d = Path.GetDirectoryName(Path.GetFullPath(dataDirectory)); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
            parents.Insert(0, d);

        // The kernel's own answer (test -x as the account) beats re-implementing permission rules (ACLs, groups).
        var psi = new ProcessStartInfo("runuser") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-u", account.Name, "--", "sh", "-c", "for d in \"$@\"; do [ -x \"$d\" ] || { printf '%s' \"$d\"; exit 1; }; done", "sh" })
            psi.ArgumentList.Add(a);
        foreach (var p in parents) psi.ArgumentList.Add(p);
        using var proc = Process.Start(psi)!;
        var blocked = await proc.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        await proc.WaitForExitAsync(ct).ConfigureAwait(false);
        if (proc.ExitCode != 0)
        {
            var where = blocked.Length > 0 ? blocked : Path.GetDirectoryName(Path.GetFullPath(dataDirectory));
            throw new PostgresInstanceException(
                $"The account '{account.Name}' cannot enter {where}, a parent of the data directory {dataDirectory}; choose a data directory under a folder it can traverse (e.g. /var/tmp) or run 'chmod o+x {where}'.");
        }
    }
}
