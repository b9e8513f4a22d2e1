using System.Text.Json;
using Replica.Kubernetes.Workers;
using Replica.Kubernetes.Workers.Protocol;
using Replica.Postgres.Dumps;
using Replica.Postgres.Restore;
using Replica.Postgres.Restore.Masking;

namespace Replica.Cli.Worker;

/// <summary>
/// `restore-db --masking-profile-file F`: reads the profile (a <see cref="MaskingProfileDocument"/>, key included, as
/// the kubernetes platform mounts it from a Secret) and checks it against the backup's own schema before anything is
/// loaded, as `plan start` does for a backup it can read: a table or column the dump lacks, a transformer that cannot
/// write its column, and under pii_columns: refuse, personal-looking columns left uncovered are refused in one sentence.
/// For a plain dump this reads the file once more (its COPY data is skipped, not loaded); a custom dump's schema is cheap.
/// </summary>
public static class MaskingGate
{
    public sealed class RefusedException(string message) : Exception(message);

    public static async Task<MaskingProfile> CheckAsync(string file, RestoreOptions options, WorkerOutput output, CancellationToken ct)
    {
        MaskingProfileDocument? document;
        try { document = JsonSerializer.Deserialize(await File.ReadAllTextAsync(file, ct), WorkerJson.Default.MaskingProfileDocument); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RefusedException($"the masking profile file {file} cannot be read ({e.Message.TrimEnd('.')}); mount the profile's Secret there.");
        }
        catch (JsonException)
        {
            // Not the document's text: it may hold the key, so none of it is quoted.
            throw new RefusedException($"the masking profile file {file} is not a masking profile document; hand it over as replica writes it.");
        }
        if (document is null) throw new RefusedException($"the masking profile file {file} is empty; hand the profile over as replica writes it.");
        MaskingProfile profile;
        try { profile = MaskingProfiles.Profile(document); }
        catch (MaskingProfileException e) { throw new RefusedException(e.Message); }

        DumpSchema schema;
        try { schema = await DumpSchemaReader.ReadAsync(options.BackupPath, options.Database ?? "postgres", options.BinDirectory, ct); }
        catch (RestoreException e) { throw new RefusedException(e.Message); }
        var plan = MaskingPlans.For(profile, schema, Path.GetFileName(options.BackupPath));
        if (plan.Refused) throw new RefusedException(plan.Refusal!);
        foreach (var m in plan.Masked)
            output.Message($"masking {m.Database}.{m.Table}.{m.Column} ({m.Type}) with {m.Transformer}");
        foreach (var pii in plan.UncoveredPii)
            output.Message($"warning: column {pii.Database}.{pii.Table}.{pii.Column} looks personal ({pii.Reason}) and is not masked (pii_columns: warn)");
        return profile;
    }
}
