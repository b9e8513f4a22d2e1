using System.Globalization;

namespace Replica.Media;

/// <summary>
/// A mirror refused before it changed anything because it would empty the destination from an
/// empty source (an unmounted share looks exactly like that) or delete more of it than allowed.
/// </summary>
/// <remarks>
/// The message names the worker's flags; a caller with flags of its own builds the sentence with
/// <see cref="Sentence"/>.
/// </remarks>
public sealed class MediaDeletionRefusedException : MediaPathRefusedException
{
    public MediaDeletionRefusedException(string source, string destination, DeletionCensus census, int? maxDeletePercent)
        : base(Describe(source, destination, census, maxDeletePercent, DefaultHowToAllow(census, maxDeletePercent)))
    {
        SourcePath = source;
        DestinationPath = destination;
        Census = census;
        MaxDeletePercent = maxDeletePercent;
    }

    public string SourcePath { get; }

    public string DestinationPath { get; }

    public DeletionCensus Census { get; }

    /// <summary>The limit that was exceeded; null when the refusal is for an empty source alone.</summary>
    public int? MaxDeletePercent { get; }

    /// <summary>True when the source holds nothing at all.</summary>
    public bool SourceEmpty => Census.SourceEntries == 0;

    /// <summary>The refusal as one sentence ending with <paramref name="howToAllow"/> (e.g. "run again with --allow-media-delete").</summary>
    public string Sentence(string howToAllow) => Describe(SourcePath, DestinationPath, Census, MaxDeletePercent, howToAllow);

    private static string DefaultHowToAllow(DeletionCensus census, int? limit) =>
        census.SourceEntries == 0 ? "run with --allow-empty-source" : $"run with --max-delete-percent 100 (or a limit of at least {Math.Ceiling(census.DeletePercent).ToString(CultureInfo.InvariantCulture)})";

    private static string Describe(string source, string destination, DeletionCensus census, int? limit, string howToAllow)
    {
        var c = CultureInfo.InvariantCulture;
        var percent = census.DeletePercent.ToString("0.#", c);
        return census.SourceEntries == 0
            ? string.Create(c, $"the media source {source} is empty but the destination {destination} holds {census.DestinationEntries:N0} entries, so the mirror would delete all of them ({percent} %); nothing was changed. Check that the source is mounted; if it really is meant to be empty, {howToAllow}.")
            : string.Create(c, $"the mirror of {source} ({census.SourceEntries:N0} entries) would delete {census.Deletions:N0} of the {census.DestinationEntries:N0} entries in {destination} ({percent} %, more than the limit of {limit} %); nothing was changed. If that is intended, {howToAllow}.");
    }
}
