namespace Replica.Core.Launch;

/// <summary>The request itself is wrong (a parameter that does not apply, a missing one): before any guard is asked.</summary>
public sealed class InvalidLaunchException(string message) : RefusedException(message);
