namespace Replica.Kubernetes.Cluster;

/// <summary>The tag of a container image reference such as registry:5000/team/stack:2026.11.2@sha256:….</summary>
public static class ImageReference
{
    /// <summary>The tag; "latest" when the reference names none; null when it is pinned by digest only.</summary>
    public static string? Tag(string image)
    {
        var at = image.IndexOf('@');
        var named = at >= 0 ? image[..at] : image;
        var lastSlash = named.LastIndexOf('/');
        var colon = named.IndexOf(':', lastSlash + 1); // a colon before the last slash is a registry port
        if (colon >= 0) return named[(colon + 1)..];
        return at >= 0 ? null : "latest";
    }
}
