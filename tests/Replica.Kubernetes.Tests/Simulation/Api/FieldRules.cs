using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>One problem a real server's validation names: the field, the reason and its message.</summary>
public sealed record Cause(string Field, string Reason, string Message);

/// <summary>
/// The field rules of the Kubernetes validation that manifests like replica's can break, collected
/// all at once as a real server does (one 422 with every cause): label keys and values, container
/// and volume names, port names (IANA_SVC_NAME: at most 15 characters), port numbers, environment
/// variable names, and volume mounts that name no declared volume.
/// </summary>
public static partial class FieldRules
{
    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvName();

    private const string LabelValueHelp = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string LabelNameHelp = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string EnvHelp = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
    private const string Dns1123Help = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    public static List<Cause> Check(ResourceType type, JsonObject obj)
    {
        var causes = new List<Cause>();
        Labels(obj["metadata"]?["labels"], "metadata.labels", causes);
        var spec = obj["spec"] as JsonObject;
        switch (type.Kind)
        {
            case "Pod":
                PodSpec(spec, "spec", causes);
                break;
            case "StatefulSet" or "Job" or "Deployment" or "DaemonSet":
                Labels(spec?["selector"]?["matchLabels"], "spec.selector.matchLabels", causes);
                Labels(spec?["template"]?["metadata"]?["labels"], "spec.template.metadata.labels", causes);
                PodSpec(spec?["template"]?["spec"] as JsonObject, "spec.template.spec", causes);
                break;
            case "Service":
                Labels(spec?["selector"], "spec.selector", causes);
                ServicePorts(spec?["ports"] as JsonArray, causes);
                break;
        }
        return causes;
    }

    private static void Labels(JsonNode? labels, string path, List<Cause> causes)
    {
        if (labels is not JsonObject map) return;
        foreach (var (key, value) in map)
        {
            var name = key.Contains('/') ? key[(key.IndexOf('/') + 1)..] : key;
            var prefix = key.Contains('/') ? key[..key.IndexOf('/')] : null;
            if (name.Length == 0 || name.Length > 63 || !LabelValue().IsMatch(name))
                causes.Add(Invalid(path, key, name.Length > 63 ? "name part must be no more than 63 characters" : LabelNameHelp));
            else if (prefix is not null && (prefix.Length > 253 || !Subdomain().IsMatch(prefix)))
                causes.Add(Invalid(path, key, "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
            var text = value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)value : value?.ToJsonString();
            if (text is not null && (text.Length > 63 || !LabelValue().IsMatch(text)))
                causes.Add(Invalid(path, text, text.Length > 63 ? "must be no more than 63 characters" : LabelValueHelp));
        }
    }

    private static void PodSpec(JsonObject? spec, string path, List<Cause> causes)
    {
        if (spec is null) return;
        var volumes = new HashSet<string>(StringComparer.Ordinal);
        var declared = (spec["volumes"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        for (int i = 0; i < declared.Count; i++)
        {
            var name = (string?)declared[i]["name"] ?? "";
            if (name.Length == 0) causes.Add(new Cause($"{path}.volumes[{i}].name", "FieldValueRequired", "Required value"));
            else if (name.Length > 63 || !Dns1123Label().IsMatch(name)) causes.Add(Invalid($"{path}.volumes[{i}].name", name, Dns1123Help));
            else if (!volumes.Add(name)) causes.Add(new Cause($"{path}.volumes[{i}].name", "FieldValueDuplicate", $"Duplicate value: \"{name}\""));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in new[] { "initContainers", "containers" })
        {
            var containers = (spec[group] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            for (int c = 0; c < containers.Count; c++)
                Container(containers[c], $"{path}.{group}[{c}]", volumes, names, causes);
        }
    }

    private static void Container(JsonObject container, string path, HashSet<string> volumes, HashSet<string> names, List<Cause> causes)
    {
        var name = (string?)container["name"] ?? "";
        if (name.Length > 0 && (name.Length > 63 || !Dns1123Label().IsMatch(name))) causes.Add(Invalid($"{path}.name", name, Dns1123Help));
        else if (name.Length > 0 && !names.Add(name)) causes.Add(new Cause($"{path}.name", "FieldValueDuplicate", $"Duplicate value: \"{name}\""));

        var ports = (container["ports"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        for (int p = 0; p < ports.Count; p++)
        {
            if ((string?)ports[p]["name"] is { } portName && PortNameProblem(portName) is { } problem)
                causes.Add(Invalid($"{path}.ports[{p}].name", portName, problem));
            if ((long?)ports[p]["containerPort"] is not { } number) causes.Add(new Cause($"{path}.ports[{p}].containerPort", "FieldValueRequired", "Required value"));
            else if (number is < 1 or > 65535) causes.Add(Invalid($"{path}.ports[{p}].containerPort", number, "must be between 1 and 65535, inclusive"));
        }
        var env = (container["env"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        for (int e = 0; e < env.Count; e++)
        {
            var envName = (string?)env[e]["name"] ?? "";
            if (envName.Length == 0) causes.Add(new Cause($"{path}.env[{e}].name", "FieldValueRequired", "Required value"));
            else if (!EnvName().IsMatch(envName)) causes.Add(Invalid($"{path}.env[{e}].name", envName, EnvHelp));
        }
        var mounts = (container["volumeMounts"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        for (int m = 0; m < mounts.Count; m++)
        {
            var volume = (string?)mounts[m]["name"] ?? "";
            if (!volumes.Contains(volume)) causes.Add(new Cause($"{path}.volumeMounts[{m}].name", "FieldValueNotFound", $"Not found: \"{volume}\""));
            if (string.IsNullOrEmpty((string?)mounts[m]["mountPath"])) causes.Add(new Cause($"{path}.volumeMounts[{m}].mountPath", "FieldValueRequired", "Required value"));
        }
    }

    private static void ServicePorts(JsonArray? ports, List<Cause> causes)
    {
        var list = ports?.OfType<JsonObject>().ToList() ?? [];
        for (int p = 0; p < list.Count; p++)
        {
            var name = (string?)list[p]["name"];
            if (list.Count > 1 && string.IsNullOrEmpty(name)) causes.Add(new Cause($"spec.ports[{p}].name", "FieldValueRequired", "Required value"));
            else if (!string.IsNullOrEmpty(name) && (name.Length > 63 || !Dns1123Label().IsMatch(name))) causes.Add(Invalid($"spec.ports[{p}].name", name, Dns1123Help));
            if ((long?)list[p]["port"] is { } number && number is < 1 or > 65535) causes.Add(Invalid($"spec.ports[{p}].port", number, "must be between 1 and 65535, inclusive"));
            if (list[p]["targetPort"] is JsonValue target && target.TryGetValue<string>(out var targetName) && PortNameProblem(targetName) is { } problem)
                causes.Add(Invalid($"spec.ports[{p}].targetPort", targetName, problem));
        }
    }

    /// <summary>IANA_SVC_NAME, the rule for named ports: what a 16-character name like "postgres-primary" breaks.</summary>
    private static string? PortNameProblem(string name)
    {
        if (name.Length > 15) return "must be no more than 15 characters";
        if (!Regex.IsMatch(name, "^[-a-z0-9]+$")) return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
        if (name.Contains("--", StringComparison.Ordinal)) return "must not contain consecutive hyphens";
        if (!name.Any(char.IsAsciiLetterLower)) return "must contain at least one letter (a-z)";
        if (name.StartsWith('-') || name.EndsWith('-')) return "must not begin or end with a hyphen";
        return null;
    }

    private static Cause Invalid(string field, object value, string help) =>
        new(field, "FieldValueInvalid", $"Invalid value: {(value is string s ? $"\"{s}\"" : value)}: {help}");
}
