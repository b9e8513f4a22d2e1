using System.Text.RegularExpressions;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// Makes a container's view of paths and addresses true on this machine: mount paths become
/// the folders standing for the volumes, and a mapped Service's DNS name and port become the
/// local address a test registered with MapService.
/// </summary>
public sealed class AddressRewriter
{
    // One pattern for all mount paths, longest first, applied in one pass: a folder a path was
    // rewritten to (say below /tmp) must not be rewritten again by another mount (/tmp).
    private readonly Regex? _paths;
    private readonly Dictionary<string, string> _folders = new(StringComparer.Ordinal);
    private readonly List<ServiceAddress> _services = new();

    /// <summary>Services whose names a value of this container mentioned, first mentioned first: a port belongs to the host it goes with.</summary>
    private readonly List<ServiceAddress> _mentioned = new();

    /// <summary>A Service as pods see it (all its DNS names and ports) and where it really is.</summary>
    public sealed record ServiceAddress(IReadOnlyList<string> Names, IReadOnlyList<int> Ports, string Host, int Port);

    public AddressRewriter(IReadOnlyDictionary<string, string> mounts, IEnumerable<ServiceAddress> services)
    {
        foreach (var (mountPath, folder) in mounts.OrderByDescending(m => m.Key.Length))
        {
            var path = mountPath.TrimEnd('/');
            if (path.Length > 0) _folders.TryAdd(path, folder);
        }
        if (_folders.Count > 0)
            _paths = new Regex($@"(?<![\w./-])({string.Join('|', _folders.Keys.Select(Regex.Escape))})(?=$|/|[^\w.-])");
        _services.AddRange(services);
    }

    /// <summary>True once a value mentioned a mapped service, so that port values of this container are rewritten too.</summary>
    public bool MentionsService { get; private set; }

    public string Paths(string value)
    {
        return _paths is null ? value : _paths.Replace(value, m => _folders[m.Groups[1].Value]);
    }

    /// <summary>
    /// Host names: qualified names (`db.ns.svc…`) anywhere, the short name in host-like places only
    /// (the value of --host or a *HOST* variable, URLs, `host=` in connection strings), so a
    /// database that happens to share the service's name is left alone.
    /// </summary>
    public string Hosts(string value, bool hostContext)
    {
        foreach (var service in _services)
            foreach (var name in service.Names.OrderByDescending(n => n.Length))
            {
                var qualified = name.Contains('.');
                foreach (var port in service.Ports)
                    value = Replace(value, $@"(?<![\w.-]){Regex.Escape(name)}:{port}(?![\d])", $"{service.Host}:{service.Port}", service);
                if (qualified || hostContext)
                    value = Replace(value, $@"(?<![\w.-]){Regex.Escape(name)}(?![\w.-])", service.Host, service);
                else
                    value = Replace(value, $@"(?<=(://|@|(?i:host)\s*=\s*)){Regex.Escape(name)}(?![\w.-])", service.Host, service);
            }
        return value;
    }

    /// <summary>A port value (the argument after --port, a *PORT* variable, `port=` in a connection string).</summary>
    public string Ports(string value, bool portContext)
    {
        if (!MentionsService) return value;
        // Two Services may share a port number (two database instances, both 5432): the one the host named decides.
        foreach (var service in _mentioned.Concat(_services.Except(_mentioned)))
            foreach (var port in service.Ports)
            {
                if (portContext && value.Trim() == port.ToString()) return service.Port.ToString();
                value = Regex.Replace(value, $@"(?i)(?<=\bport\s*=\s*){port}(?!\d)", service.Port.ToString());
            }
        return value;
    }

    private string Replace(string value, string pattern, string replacement, ServiceAddress service)
    {
        var result = Regex.Replace(value, pattern, replacement);
        if (result != value)
        {
            MentionsService = true;
            if (!_mentioned.Contains(service)) _mentioned.Add(service);
        }
        return result;
    }

    /// <summary>Paths and host names of a command line.</summary>
    public List<string> CommandLineHosts(IReadOnlyList<string> args)
    {
        var result = args.Select(Paths).ToList();
        for (int i = 0; i < result.Count; i++)
            result[i] = Hosts(result[i], hostContext: i > 0 && IsHostFlag(result[i - 1]) || result[i].StartsWith("--host=", StringComparison.Ordinal));
        return result;
    }

    /// <summary>Ports of a command line; run after every host rewrite of the container, since ports change only when a host did.</summary>
    public List<string> CommandLinePorts(IReadOnlyList<string> args)
    {
        var result = args.ToList();
        for (int i = 0; i < result.Count; i++)
            result[i] = result[i].StartsWith("--port=", StringComparison.Ordinal)
                ? "--port=" + Ports(result[i]["--port=".Length..], portContext: true)
                : Ports(result[i], portContext: i > 0 && result[i - 1] is "--port" or "-p");
        return result;
    }

    private static bool IsHostFlag(string arg) => arg is "--host" or "-h" or "--hostname" or "--server";
}
