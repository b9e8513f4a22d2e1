namespace Replica.Core.Access;

/// <summary>What a caller may do: viewer reads (no passwords), operator also launches and cancels on its targets, admin everything.</summary>
public enum Role { Viewer, Operator, Admin }

public static class Roles
{
    public static string ToWire(this Role role) => role.ToString().ToLowerInvariant();

    public static Role Parse(string text, string what) => text switch
    {
        "viewer" => Role.Viewer,
        "operator" => Role.Operator,
        "admin" => Role.Admin,
        _ => throw new RefusedException($"{what} '{text}' is not a role; give viewer, operator or admin."),
    };
}
