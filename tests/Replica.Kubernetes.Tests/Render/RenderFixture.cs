using Xunit;
using Replica.Core.Config;

namespace Replica.Kubernetes.Tests.Render;

/// <summary>A replica.yaml with a kubernetes target, written to a temporary folder and loaded.</summary>
public sealed class RenderFixture : IDisposable
{
    public const string Yaml = """
        source:
          database_backups: { nfs: { server: 10.0.0.5, path: /nfs/db-replica } }
          media_backup:     { nfs: { server: 10.0.0.5, path: /nfs/media-replica } }
          image_tag:
            value: "2026.11.2"
        targets:
          staging:
            platform: kubernetes
            kubernetes: { context: prod-cluster, namespace: staging-stack, storage_class: nfs-client }
            database: { name: frag, owner: fragalysis, image: "postgres:15", size: 20Gi }
            media: { pvc: media, size: 300Gi }
            stack:
              image: xchem/fragalysis-stack
              port: 80
              ready_path: /healthz
              env_from_secrets: [django]
          bare:
            platform: kubernetes
            kubernetes: { namespace: bare-stack }
          production:
            protected: true
            platform: kubernetes
            kubernetes: { context: prod-cluster, namespace: production-stack }
        """;

    public string Folder { get; } = Directory.CreateTempSubdirectory("replica-render-").FullName;
    public ReplicaConfig Config { get; }

    public RenderFixture(string? yaml = null)
    {
        var path = Path.Combine(Folder, "replica.yaml");
        File.WriteAllText(path, yaml ?? Yaml);
        Config = Replica.Cli.Modules.LoadConfig(path);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
