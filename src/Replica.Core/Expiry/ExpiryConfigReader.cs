using Replica.Core.Config;

namespace Replica.Core.Expiry;

/// <summary>`targets.NAME.expire_after_hours`: a developer's copy is stopped that long after its last successful start.</summary>
internal static class ExpiryConfigReader
{
    public static int? Read(YamlMap target, bool isProtected)
    {
        var hours = target.Int("expire_after_hours");
        if (hours is not null && isProtected)
            throw target.Error(target.Node("expire_after_hours")!, $"'{target.Path}.expire_after_hours' is set on a protected target", "remove it: replica never stops production");
        return hours;
    }
}
