using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Tests.Support;

namespace Replica.Schedules.Tests.Support;

/// <summary>
/// A copy of the sample production data with a replica.yaml of local targets (staging with the
/// sample stack, dev and other without one) plus whatever schedules, notifications and target
/// keys a test adds.
/// </summary>
public sealed class Sandbox : IDisposable
{
    public Workspace Workspace { get; } = new();
    public string Root => Workspace.Root;
    public string ConfigPath => Workspace.ConfigPath;

    public static string App => Path.Combine(Workspace.RepoRoot, "samples", "stack", "app.py");

    /// <param name="targetExtra">lines added under each of staging, dev and other (indented 4), e.g. "expire_after_hours: 1".</param>
    /// <param name="rest">top-level sections (schedules:, notifications:, server:), unindented.</param>
    public ReplicaConfig Write(string rest = "", string targetExtra = "", string stackCommand = "")
    {
        var extra = targetExtra.Length == 0 ? "" : "\n    " + targetExtra;
        var command = stackCommand.Length == 0 ? $"python3 {App}" : stackCommand;
        Workspace.WriteConfig($"""
            state_dir: state
            source:
              database_backups: production/database
              media_backup: production/media
              image_tag:
                file: production/stack-image-tag
            targets:
              staging:
                platform: local
                database: {"{"} name: frag, owner: fragalysis {"}"}
                stack:
                  command: "{command}"
                  ready_url: "http://127.0.0.1:{"{port}"}/healthz"
                  ready_timeout_seconds: 60{extra}
              dev:
                platform: local{extra}
              other:
                platform: local{extra}
              production:
                protected: true

            """ + rest);
        return Workspace.LoadConfig();
    }

    public RunStore Store(ReplicaConfig c) => new(c.StateDirectory);

    public void Dispose() => Workspace.Dispose();
}
