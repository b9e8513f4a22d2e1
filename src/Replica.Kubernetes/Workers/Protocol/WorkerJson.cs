using System.Text.Json.Serialization;

namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>
/// The one serializer of the worker protocol, used by the workers to print and by the platform to
/// read: snake_case, one line per document, every record member required (a line of another
/// shape is not taken for this one). Source-generated, so a worker pays no reflection to start.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(WorkerProgressLine))]
[JsonSerializable(typeof(RestoreDbSummary))]
[JsonSerializable(typeof(SyncMediaSummary))]
[JsonSerializable(typeof(BackupListingDocument))]
[JsonSerializable(typeof(HandOverSummary))]
[JsonSerializable(typeof(MaskingProfileDocument))]
[JsonSerializable(typeof(RunSqlSummary))]
[JsonSerializable(typeof(FlushDataSummary))]
public sealed partial class WorkerJson : JsonSerializerContext;
