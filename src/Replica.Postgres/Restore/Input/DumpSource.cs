using System.Diagnostics;
using System.IO.Compression;
using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Input;

/// <summary>
/// A backup file as a stream of plain SQL, decompressed on the fly and never written to disk.
/// Custom-format dumps are decoded to SQL by pg_restore (it is the reference reader of that format).
/// </summary>
internal sealed class DumpSource : IDisposable
{
    private readonly CountingStream _file;
    private readonly Process? _decoder;
    private readonly Task? _feeder;
    private readonly Task<string>? _decoderErrors;

    public DumpInfo Info { get; }
    public string Path { get; }
    public long CompressedBytesTotal { get; }
    public long CompressedBytesRead => _file.BytesRead;

    /// <summary>The plain SQL, read ahead on its own thread.</summary>
    public Stream Sql { get; }

    private DumpSource(string path, DumpInfo info, CountingStream file, long total, Stream sql, Process? decoder, Task? feeder, Task<string>? decoderErrors)
    {
        Path = path; Info = info; _file = file; CompressedBytesTotal = total; Sql = sql;
        _decoder = decoder; _feeder = feeder; _decoderErrors = decoderErrors;
    }

    /// <param name="postDataOnly">for custom dumps: decode only the post-data section (indexes, constraints, grants …).</param>
    /// <param name="schemaOnly">for custom dumps: decode everything but the data (for reading the schema at plan time).</param>
    public static DumpSource Open(string path, string binDirectory, bool postDataOnly = false, bool schemaOnly = false)
    {
        DumpInfo info;
        try { info = DumpSniffer.Inspect(path); }
        catch (DumpFormatException e) { throw new RestoreException(e.Message, e); }
        var file = new CountingStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
        var total = new FileInfo(path).Length;
        Stream decoded = info.Gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
        if (info.Flavour != DumpFlavour.CustomDump)
            return new DumpSource(path, info, file, total, new ReadAheadStream(decoded), null, null, null);

        var psi = new ProcessStartInfo(System.IO.Path.Combine(binDirectory, "pg_restore"))
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // Script output to stdout: pg_restore only decodes here, it never connects.
        foreach (var a in new[] { "--file=-", "--exit-on-error" }) psi.ArgumentList.Add(a);
        // A gzipped custom dump must come through stdin, decompressed here; then pg_restore reads past the data instead of seeking.
        bool direct = postDataOnly || (schemaOnly && !info.Gzipped);
        if (schemaOnly) psi.ArgumentList.Add("--schema-only");
        if (direct)
        {
            // pg_restore skips the data blocks of a seekable file, so the post-data arrives in a moment.
            if (postDataOnly) psi.ArgumentList.Add("--section=post-data");
            psi.ArgumentList.Add(path);
            psi.RedirectStandardInput = false;
        }
        psi.Environment.Remove("PGPASSWORD");
        Process decoder;
        try { decoder = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            decoded.Dispose();
            throw new RestoreException($"Cannot run pg_restore from {binDirectory} to read the custom-format dump {path} ({e.Message}); install the PostgreSQL client package.", e);
        }
        var errors = decoder.StandardError.ReadToEndAsync();
        if (direct)
        {
            decoded.Dispose();
            return new DumpSource(path, info, file, total, new ReadAheadStream(decoder.StandardOutput.BaseStream), decoder, Task.CompletedTask, errors);
        }
        var feeder = Task.Run(async () =>
        {
            try
            {
                await using (decoded) await decoded.CopyToAsync(decoder.StandardInput.BaseStream, 1 << 20).ConfigureAwait(false);
            }
            finally
            {
                try { decoder.StandardInput.Close(); } catch (IOException) { }
            }
        });
        return new DumpSource(path, info, file, total, new ReadAheadStream(decoder.StandardOutput.BaseStream), decoder, feeder, errors);
    }

    /// <summary>For custom dumps: fails when pg_restore reported an error or the file could not be fed to it.</summary>
    public async Task CheckDecoderAsync(CancellationToken ct)
    {
        if (_decoder is null) return;
        try { await _feeder!.ConfigureAwait(false); }
        catch (InvalidDataException e) { throw new RestoreException($"The backup file {Path} is not a valid gzip stream ({e.Message.TrimEnd('.')}); it is truncated or corrupt, choose another backup.", e); }
        catch (IOException) { /* pg_restore stopped reading; its own error below says why */ }
        await _decoder.WaitForExitAsync(ct).ConfigureAwait(false);
        if (_decoder.ExitCode != 0)
        {
            var lines = (await _decoderErrors!.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var why = lines.Length > 0 ? lines[^1] : $"exit code {_decoder.ExitCode}";
            throw new RestoreException($"pg_restore could not read the custom-format dump {Path}: {why.TrimEnd('.')}.");
        }
    }

    /// <summary>For custom dumps: pg_restore's own error, if it has failed (waits briefly for it to exit); else null.</summary>
    public async Task<RestoreException?> DecoderFailureAsync()
    {
        if (_decoder is null) return null;
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _decoder.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            await CheckDecoderAsync(wait.Token).ConfigureAwait(false);
            return null;
        }
        catch (RestoreException e) { return e; }
        catch (OperationCanceledException) { return null; }
    }

    public void Dispose()
    {
        Sql.Dispose();
        if (_decoder is { HasExited: false })
        {
            try { _decoder.Kill(); } catch (InvalidOperationException) { }
        }
        _decoder?.Dispose();
        _file.Dispose();
    }
}
