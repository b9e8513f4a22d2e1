using Xunit;
using Replica.Kubernetes.Cluster;

namespace Replica.Kubernetes.Tests.Platform;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("xchem/fragalysis-stack:2026.11.2", "2026.11.2")]
    [InlineData("registry.example.org:5000/team/stack:v1.2", "v1.2")]
    [InlineData("registry.example.org:5000/team/stack", "latest")]
    [InlineData("stack", "latest")]
    [InlineData("stack:2026.11.2@sha256:abcdef", "2026.11.2")]
    [InlineData("stack@sha256:abcdef", null)]
    public void Tag_of_an_image_reference(string image, string? tag) => Assert.Equal(tag, ImageReference.Tag(image));
}
