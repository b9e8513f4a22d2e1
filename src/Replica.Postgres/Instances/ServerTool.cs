using System.Diagnostics;
using System.Text;

namespace Replica.Postgres.Instances;

/// <summary>Runs a PostgreSQL server program (initdb, pg_ctl) as the instance's account.</summary>
internal sealed class ServerTool(string binDirectory, UnixAccount account, bool switchUser)
{
    public UnixAccount Account => account;

    /// <summary>Runs the tool; a non-zero exit becomes a one-sentence exception carrying its last error line.</summary>
    public async Task<string> RunAsync(string tool, IReadOnlyList<string> args, string what, CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var path = Path.Combine(binDirectory, tool);
        if (switchUser)
        {
            // PostgreSQL refuses to run as root; runuser keeps the environment and drops privileges.
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", account.Name, "--", path }) psi.ArgumentList.Add(a);
        }
        else psi.FileName = path;
        foreach (var a in args) psi.ArgumentList.Add(a);
        // A server started by pg_ctl inherits this environment; keep client settings out of it.
        foreach (var k in new[] { "PGPASSWORD", "PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGDATABASE" }) psi.Environment.Remove(k);
        psi.Environment["LC_ALL"] = "C";

        using var p = new Process { StartInfo = psi };
        try { p.Start(); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new PostgresInstanceException($"Cannot run {path} to {what} ({e.Message}); install the PostgreSQL 15 server package or set BinDirectory.", e);
        }
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
        // pg_ctl start leaves the postmaster holding inherited pipes only if it is not given -l; we always pass -l.
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            var reason = LastMeaningfulLine(errors) ?? LastMeaningfulLine(output) ?? $"exit code {p.ExitCode}";
            throw new PostgresInstanceException($"{tool} failed to {what}: {reason.TrimEnd('.')}.");
        }
        return output;
    }

    /// <summary>The tool's own error line ("initdb: error: could not write …: No space left on device"), else its last line; its clean-up chatter after the error is not the reason.</summary>
    private static string? LastMeaningfulLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0) return null;
        return lines.LastOrDefault(l => l.Contains("error:", StringComparison.Ordinal) || l.Contains("FATAL:", StringComparison.Ordinal)
                                        || l.Contains("PANIC:", StringComparison.Ordinal)) ?? lines[^1];
    }
}
