namespace Replica.Core.Workflows;

/// <summary>A named step of a workflow; its outcome and timing are recorded in the run store.</summary>
public sealed record Step(string Name, Func<RunContext, Task> Execute);
