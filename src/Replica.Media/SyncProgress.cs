namespace Replica.Media;

/// <summary>
/// A point-in-time view of a sync. Files count the regular files of the source examined so far
/// (<see cref="FilesDone"/>: unchanged or copied); bytes count the content that needs copying
/// (<see cref="BytesDone"/>: copied). Totals grow while the walk goes on and are final once
/// <see cref="TotalsFinal"/> is true, so an ETA is only an estimate before then.
/// </summary>
public sealed record SyncProgress(long FilesDone, long FilesTotal, long BytesDone, long BytesTotal, double BytesPerSecond, bool TotalsFinal);
