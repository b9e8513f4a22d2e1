namespace Replica.Core;

/// <summary>
/// A request replica will not carry out because of something the user can fix: bad
/// configuration, a missing backup, a wrong image tag, a busy or protected target.
/// The message is one sentence naming the thing and the fix; the CLI exits with 2.
/// </summary>
public class RefusedException(string message) : Exception(message);
