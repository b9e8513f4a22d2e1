using Replica.Core.Config;
using Replica.Core.Platforms;

namespace Replica.Core.Workflows;

/// <summary>Learns production's image tag from source.image_tag, so nobody types it by hand.</summary>
public static class ProductionImageTag
{
    public static async Task<string> ReadAsync(ReplicaConfig config, IPlatform platform, CancellationToken ct)
    {
        var source = config.Source.ImageTag;
        if (source.Value is { } value) return Valid(value.Trim(), "source.image_tag.value");
        if (source.File is { } file)
        {
            string text;
            try { text = await File.ReadAllTextAsync(file, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RefusedException($"Production's image tag file {file} cannot be read ({e.Message.TrimEnd('.')}); fix source.image_tag.file in replica.yaml.");
            }
            return Valid(text.Trim(), file);
        }
        // A running workload: read by the platform whose module made the source (CheckSources refused any other).
        var workload = source.OnPlatform!;
        return Valid(await platform.ReadProductionImageTagAsync(workload, ct), workload.Describe());
    }

    private static string Valid(string tag, string from)
    {
        if (tag.Length == 0 || tag.Any(char.IsWhiteSpace))
            throw new RefusedException($"Production's image tag from {from} is empty or holds spaces; fix it so it holds one tag such as 2026.11.2.");
        return Guards.WorkflowGuards.EnsureImageTag(tag, from);
    }
}
