using System.Text;
using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>What one container run gets: its command line, environment, mounts and working folder, all rewritten for this machine.</summary>
public sealed record LaunchPlan(IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Mounts, string? WorkingDirectory);

/// <summary>
/// Resolves a container the way kubelet does before starting it: env (values, secretKeyRef,
/// configMapKeyRef, fieldRef, envFrom), service link variables, volume mounts (subPath
/// included), then the path and service address rewrites of <see cref="AddressRewriter"/>.
/// A missing Secret or key fails as CreateContainerConfigError, as on a node.
/// </summary>
public sealed class ContainerLaunch(ObjectStore store, SimulationRules rules)
{
    public LaunchPlan Plan(JsonObject pod, JsonObject container, IReadOnlyDictionary<string, string> volumeFolders)
    {
        var ns = pod.Namespace()!;
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in (container["volumeMounts"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var volume = (string?)mount["name"] ?? "";
            if (!volumeFolders.TryGetValue(volume, out var folder))
                throw new LaunchFailure("Failed", "CreateContainerConfigError", $"Error: volume \"{volume}\" not found in the pod's volumes");
            if ((string?)mount["subPath"] is { Length: > 0 } subPath)
                folder = Directory.CreateDirectory(Path.Combine(folder, subPath)).FullName;
            mounts[(string?)mount["mountPath"] ?? "/"] = folder;
        }

        var services = ServiceAddresses(ns).ToList();
        var rewriter = new AddressRewriter(mounts, services);
        var raw = Environment(pod, container, services);

        var command = ((container["command"] as JsonArray)?.Select(c => (string?)c ?? "") ?? [])
            .Concat((container["args"] as JsonArray)?.Select(a => (string?)a ?? "") ?? [])
            .Select(arg => ExpandVariables(arg, raw)).ToList();
        var rewrittenCommand = rewriter.CommandLineHosts(command);

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
            env[name] = rewriter.Hosts(rewriter.Paths(value), hostContext: name.Contains("HOST", StringComparison.OrdinalIgnoreCase));
        rewrittenCommand = rewriter.CommandLinePorts(rewrittenCommand);
        foreach (var (name, value) in env.ToList())
            env[name] = rewriter.Ports(value, portContext: name.Contains("PORT", StringComparison.OrdinalIgnoreCase));

        var workingDir = (string?)container["workingDir"] is { Length: > 0 } wd ? rewriter.Paths(wd) : null;
        return new LaunchPlan(rewrittenCommand, env, mounts, workingDir);
    }

    /// <summary>Container env in order, later entries winning, with `$(VAR)` references expanded as kubelet does.</summary>
    private Dictionary<string, string> Environment(JsonObject pod, JsonObject container, IReadOnlyList<AddressRewriter.ServiceAddress> services)
    {
        var ns = pod.Namespace()!;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((bool?)pod["spec"]?["enableServiceLinks"] != false) AddServiceLinks(ns, env);
        env["HOSTNAME"] = pod.Name()!;

        foreach (var source in (container["envFrom"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var prefix = (string?)source["prefix"] ?? "";
            if (source["secretRef"] is JsonObject secretRef)
                foreach (var (k, v) in Data(ResourceTypes.Secrets, ns, (string?)secretRef["name"], (bool?)secretRef["optional"] == true))
                    env[prefix + k] = v;
            if (source["configMapRef"] is JsonObject mapRef)
                foreach (var (k, v) in Data(ResourceTypes.ConfigMaps, ns, (string?)mapRef["name"], (bool?)mapRef["optional"] == true))
                    env[prefix + k] = v;
        }

        foreach (var variable in (container["env"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var name = (string?)variable["name"] ?? "";
            if (variable["valueFrom"] is JsonObject from)
            {
                var value = ValueFrom(pod, from);
                if (value is not null) env[name] = value;
            }
            else env[name] = ExpandVariables((string?)variable["value"] ?? "", env);
        }
        return env;
    }

    private string? ValueFrom(JsonObject pod, JsonObject from)
    {
        var ns = pod.Namespace()!;
        if (from["secretKeyRef"] is JsonObject secretKey) return Key(ResourceTypes.Secrets, ns, secretKey);
        if (from["configMapKeyRef"] is JsonObject mapKey) return Key(ResourceTypes.ConfigMaps, ns, mapKey);
        if (from["fieldRef"] is JsonObject fieldRef)
        {
            var path = (string?)fieldRef["fieldPath"] ?? "";
            if (path.StartsWith("metadata.labels['", StringComparison.Ordinal))
                return pod.Labels().GetValueOrDefault(path["metadata.labels['".Length..^2]);
            JsonNode? node = pod;
            foreach (var part in path.Split('.')) node = node?[part];
            return node?.ToString() ?? "";
        }
        return null;
    }

    private string? Key(ResourceType type, string ns, JsonObject reference)
    {
        var name = (string?)reference["name"] ?? "";
        var key = (string?)reference["key"] ?? "";
        var optional = (bool?)reference["optional"] == true;
        var data = Data(type, ns, name, optional);
        if (data.TryGetValue(key, out var value)) return value;
        if (optional) return null;
        throw new LaunchFailure("Failed", "CreateContainerConfigError",
            $"Error: couldn't find key {key} in {type.Kind} {ns}/{name}");
    }

    private Dictionary<string, string> Data(ResourceType type, string ns, string? name, bool optional)
    {
        var obj = store.Get(type, ns, name ?? "");
        if (obj is null)
        {
            if (optional) return new();
            throw new LaunchFailure("Failed", "CreateContainerConfigError", $"Error: {type.Kind.ToLowerInvariant()} \"{name}\" not found");
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in obj["data"] as JsonObject ?? new JsonObject())
            result[k] = type.Kind == "Secret" ? Encoding.UTF8.GetString(Convert.FromBase64String((string?)v ?? "")) : (string?)v ?? "";
        return result;
    }

    /// <summary>`{SVC}_SERVICE_HOST`/`_PORT` for each Service of the namespace, as kubelet injects them.</summary>
    private void AddServiceLinks(string ns, Dictionary<string, string> env)
    {
        foreach (var service in store.List(ResourceTypes.Services, ns).Items)
        {
            var prefix = service.Name()!.ToUpperInvariant().Replace('-', '_');
            var port = (int?)service["spec"]?["ports"]?[0]?["port"];
            var mapped = rules.Services.TryGetValue((ns, service.Name()!), out var m) ? m : Endpoint(ns, service);
            if (mapped is var (host, localPort))
            {
                env[$"{prefix}_SERVICE_HOST"] = host;
                env[$"{prefix}_SERVICE_PORT"] = localPort.ToString();
            }
            else if ((string?)service["spec"]?["clusterIP"] is { } ip && ip != "None" && port is not null)
            {
                env[$"{prefix}_SERVICE_HOST"] = ip;
                env[$"{prefix}_SERVICE_PORT"] = port.ToString()!;
            }
        }
    }

    /// <summary>
    /// Services a pod can reach on this machine: those a test mapped with MapService, and those whose
    /// selector matches a Ready pod that declared where it listens (SimulatedPod.Serve). Only Services
    /// whose object exists count, as DNS would have it.
    /// </summary>
    private IEnumerable<AddressRewriter.ServiceAddress> ServiceAddresses(string podNamespace)
    {
        foreach (var ns in store.List(ResourceTypes.Namespaces, null).Items.Select(n => n.Name()!))
            foreach (var service in store.List(ResourceTypes.Services, ns).Items)
            {
                var name = service.Name()!;
                var target = rules.Services.TryGetValue((ns, name), out var mapped) ? mapped : Endpoint(ns, service);
                if (target is not var (host, port)) continue;
                var ports = (service["spec"]?["ports"] as JsonArray)?.Select(p => (int?)p?["port"] ?? 0).Where(p => p > 0).ToList() ?? [];
                var names = new List<string> { $"{name}.{ns}", $"{name}.{ns}.svc", $"{name}.{ns}.svc.cluster.local" };
                if (ns == podNamespace) names.Add(name);
                yield return new AddressRewriter.ServiceAddress(names, ports, host, port);
            }
    }

    private (string Host, int Port)? Endpoint(string ns, JsonObject service)
    {
        var selector = ObjectMeta.StringMap(service["spec"]?["selector"]);
        if (selector.Count == 0) return null;
        var matches = Selectors.LabelSelector.FromMatchLabels(selector);
        return store.List(ResourceTypes.Pods, ns).Items
            .Where(p => matches.Matches(p.Labels()) && Controllers.PodState.IsReady(p))
            .Select(p => rules.Endpoint(ns, p.Name()!))
            .FirstOrDefault(e => e is not null);
    }

    private static string ExpandVariables(string value, IReadOnlyDictionary<string, string> env) =>
        System.Text.RegularExpressions.Regex.Replace(value, @"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
            m => m.Value == "$$" ? "$" : env.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
}
