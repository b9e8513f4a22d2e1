namespace Replica.Core.Progress;

/// <summary>
/// A progress viewer that also wants to know the run's id as soon as the run exists (its lock
/// taken): what lets a launcher hand back a run id while the workflow goes on.
/// </summary>
public interface IRunObserver
{
    void RunBegun(string runId);
}
