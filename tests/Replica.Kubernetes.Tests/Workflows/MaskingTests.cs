using System.Text;
using k8s;
using Npgsql;
using Replica.Core.Backups;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>
/// A kubernetes target with a masking profile (simulated cluster, real restore worker and PostgreSQL): the profile,
/// key included, reaches the restore Job only through a Secret of the run mounted as a file; the worker checks it
/// against the backup's schema before it loads anything and masks in the stream; the counts come back in its summary.
/// These call the platform's steps directly: the start workflow's plan reads a masked backup's schema itself, which it
/// cannot for a backup only the cluster can mount (see the report to the lead / docs/kubernetes.md).
/// </summary>
public sealed class MaskingTests : IAsyncLifetime
{
    private const string Key = "k8s-masking-test-key-0123456789";
    private const string Ns = SimulatedStaging.Namespace;
    private SimulatedStaging _s = null!;

    private static string Profile(string columns, string piiColumns = "refuse") => $$"""
        masking:
          developer:
            key: "{{Key}}"
            pii_columns: {{piiColumns}}
            tables:
              public.auth_user:
        {{string.Join('\n', columns.Trim('\n').Split('\n').Select(l => "        " + l))}}
              public.django_migrations:
                name: keep
        """;

    private const string Covered = """
        email: email
        first_name: first_name
        username: { hash: { length: 16 } }
        """;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync(staging: "masking: developer", topLevel: Profile(Covered));
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<(RunContext Run, Backup Backup)> PrepareAsync(CollectedProgress progress, string runId)
    {
        var target = _s.Config.Target("staging");
        var run = new RunContext(_s.Config, target, runId, progress, CancellationToken.None);
        var platform = _s.Platform();
        var backups = (await platform.ListBackupsAsync(target, _s.Config.Source.DatabaseBackups, false, CancellationToken.None)).Backups!;
        await platform.CreateDatabaseAsync(run, runId);
        return (run, backups.First(b => b.Name == "backup-2026-11-24T02:04:07Z-dumpall.sql.gz"));
    }

    [Fact]
    public async Task The_restore_job_masks_in_the_stream_and_the_key_lives_only_in_the_runs_secret()
    {
        string? secretSeen = null;
        IList<string>? restoreArgs = null;
        var progress = new CollectedProgress
        {
            OnLog = line =>
            {
                if (secretSeen is not null || !line.StartsWith("restore: ", StringComparison.Ordinal)) return;
                var secret = _s.Client.CoreV1.ReadNamespacedSecret(ObjectNames.MaskingSecret("20261201T000000-mask"), Ns);
                secretSeen = Encoding.UTF8.GetString(secret.Data[MaskingManifests.Key]);
                restoreArgs = _s.Client.BatchV1.ReadNamespacedJob(ObjectNames.RestoreJob("20261201T000000-mask"), Ns).Spec.Template.Spec.Containers[0].Args;
            },
        };
        var (run, backup) = await PrepareAsync(progress, "20261201T000000-mask");
        var summary = await _s.Platform().RestoreDatabaseAsync(run, backup, run.RunId);
        Assert.True(summary.Rows > 0);

        // The values the stack would read are masked.
        await using (var c = new NpgsqlConnection(_s.Databases.Last().ConnectionString("frag")))
        {
            await c.OpenAsync();
            await using var q = new NpgsqlCommand("SELECT email, username FROM auth_user", c);
            await using var rows = await q.ExecuteReaderAsync();
            var count = 0;
            while (await rows.ReadAsync())
            {
                count++;
                Assert.Matches("^u[0-9a-f]{16}@example\\.invalid$", rows.GetString(0));
                Assert.Matches("^[0-9a-f]{16}$", rows.GetString(1));
            }
            Assert.True(count > 0);
        }

        // Counts and verification in the run's log, as on the local platform.
        var text = progress.Text;
        Assert.Contains("masked ", text);
        Assert.Matches("masked [0-9,]+ values of frag\\.public\\.auth_user\\.email with email; none of the source's values is left in it", text);
        Assert.Contains("restore: replica worker restore-db: masking frag.public.auth_user.email (text) with email", text);

        // The Secret carried the profile with its key to the Job as a file; not the Job's arguments, and it is gone now.
        Assert.NotNull(secretSeen);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)), secretSeen);
        Assert.Contains("--masking-profile-file", restoreArgs!);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedSecretAsync(Ns, labelSelector: ReplicaLabels.Select("staging", Components.Masking))).Items);

        // The key (plain or base64) is in no object the cluster holds now, no pod log, and not the run's log.
        var forms = new[] { Key, Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)) };
        var stored = new List<string>
        {
            KubernetesJson.Serialize(await _s.Client.CoreV1.ListNamespacedSecretAsync(Ns)),
            KubernetesJson.Serialize(await _s.Client.CoreV1.ListNamespacedConfigMapAsync(Ns)),
            KubernetesJson.Serialize(await _s.Client.CoreV1.ListNamespacedPodAsync(Ns)),
            KubernetesJson.Serialize(await _s.Client.BatchV1.ListNamespacedJobAsync(Ns)),
            KubernetesJson.Serialize(await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(Ns)),
            KubernetesJson.Serialize(await _s.Client.CoreV1.ListNamespacedEventAsync(Ns)),
            text,
        };
        foreach (var pod in (await _s.Client.CoreV1.ListNamespacedPodAsync(Ns)).Items)
            foreach (var container in pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []))
            {
                using var log = await _s.Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, Ns, container: container.Name);
                stored.Add(await new StreamReader(log).ReadToEndAsync());
            }
        foreach (var form in forms) Assert.DoesNotContain(stored, s => s.Contains(form, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("missing column", "email: email\nfirst_name: first_name\nusername: { hash: { length: 16 } }\nno_such_column: email",
        "names column public.auth_user.no_such_column, which table public.auth_user")]
    [InlineData("uncovered personal column", "email: email\nfirst_name: first_name",
        "does not cover 1 column(s) that look personal (public.auth_user.username)")]
    public async Task The_restore_job_refuses_a_profile_that_does_not_fit_the_backup_before_loading_anything(string why, string columns, string expected)
    {
        _s.WriteConfig(staging: "masking: developer", topLevel: Profile(columns));
        var progress = new CollectedProgress();
        var (run, backup) = await PrepareAsync(progress, "20261201T000000-refu");
        var e = await Assert.ThrowsAsync<ReplicaStepException>(() => _s.Platform().RestoreDatabaseAsync(run, backup, run.RunId));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{why}: {e.Message}");

        // The worker refused (exit 2) before it loaded anything: the instance has no restored database.
        var pod = (await _s.Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: $"{ReplicaLabels.Job}={ObjectNames.RestoreJob(run.RunId)}")).Items.Single();
        Assert.Equal(2, pod.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        await using var c = new NpgsqlConnection(_s.Databases.Last().ConnectionString());
        await c.OpenAsync();
        await using var q = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = 'frag'", c);
        Assert.Equal(0L, await q.ExecuteScalarAsync());
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedSecretAsync(Ns, labelSelector: ReplicaLabels.Select("staging", Components.Masking))).Items);
    }

    [Fact]
    public void Render_shows_the_masking_secret_as_a_placeholder_and_never_the_key()
    {
        var yaml = StartRender.Yaml(_s.Config, _s.Config.Target("staging"), SimulatedStaging.ProductionTag, "given", null, dbOnly: false, "render-x", "replica:simulation");
        Assert.Contains(MaskingManifests.Placeholder, yaml);
        Assert.Contains("--masking-profile-file", yaml);
        Assert.DoesNotContain(Key, yaml);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)), yaml);
    }
}
