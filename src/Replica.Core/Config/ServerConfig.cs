using System.Net;
using YamlDotNet.RepresentationModel;

namespace Replica.Core.Config;

/// <summary>`server:` in replica.yaml: where `replica serve` listens and whom it trusts.</summary>
/// <param name="Listen">host:port (default 127.0.0.1:8080).</param>
/// <param name="PublicUrl">the URL people open (behind a proxy), for links; null when it is the listen address.</param>
public sealed record ServerConfig(string Listen = ServerConfig.DefaultListen, string? PublicUrl = null, TrustedProxyConfig? TrustedProxy = null)
{
    public const string DefaultListen = "127.0.0.1:8080";

    /// <summary>Parses host:port (an IP address; `localhost` is 127.0.0.1).</summary>
    public static IPEndPoint ParseListen(string text, string what)
    {
        var colon = text.LastIndexOf(':');
        var host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        if (host == "localhost") host = "127.0.0.1";
        if (colon <= 0 || !IPAddress.TryParse(host, out var ip) || !int.TryParse(text[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new RefusedException($"{what} '{text}' is not an address to listen on; give IP:PORT, e.g. 127.0.0.1:8080 (0.0.0.0:8080 for every interface).");
        return new IPEndPoint(ip, port);
    }
}

/// <summary>
/// Single sign-on behind a reverse proxy: the proxy names the signed-in user in <see cref="Header"/>;
/// the header is believed only from the <see cref="From"/> networks, and only for the users listed.
/// </summary>
public sealed record TrustedProxyConfig(string Header, IReadOnlyList<IPNetwork> From, IReadOnlyDictionary<string, ProxyUser> Users);

public sealed record ProxyUser(string Role, IReadOnlyList<string> Targets);

internal static class ServerConfigReader
{
    public static ServerConfig? Read(YamlMap? map)
    {
        if (map is null) return null;
        map.AllowOnly("listen", "public_url", "trusted_proxy");
        var listen = map.String("listen") ?? ServerConfig.DefaultListen;
        try { ServerConfig.ParseListen(listen, "server.listen"); }
        catch (RefusedException) { throw map.Error(map.Node("listen")!, $"'server.listen' is '{listen}'", "give IP:PORT such as 127.0.0.1:8080"); }
        var publicUrl = map.String("public_url");
        if (publicUrl is not null && !Uri.TryCreate(publicUrl, UriKind.Absolute, out _))
            throw map.Error(map.Node("public_url")!, $"'server.public_url' is '{publicUrl}'", "give an absolute URL such as https://replica.example.org/");
        return new ServerConfig(listen, publicUrl, ReadProxy(map.Map("trusted_proxy")));
    }

    private static TrustedProxyConfig? ReadProxy(YamlMap? map)
    {
        if (map is null) return null;
        map.AllowOnly("header", "from", "users");
        var header = map.RequiredString("header", "name the header the proxy sets, e.g. X-Forwarded-User");
        var from = new List<IPNetwork>();
        foreach (var cidr in map.StringList("from") ?? throw map.Fail("'server.trusted_proxy.from' is missing", "list the proxy's addresses, e.g. [127.0.0.1/32]"))
        {
            if (!IPNetwork.TryParse(cidr.Contains('/') ? cidr : cidr + (cidr.Contains(':') ? "/128" : "/32"), out var net))
                throw map.Error(map.Node("from")!, $"'server.trusted_proxy.from' has '{cidr}'", "give addresses or networks such as 127.0.0.1/32");
            from.Add(net);
        }
        var users = new Dictionary<string, ProxyUser>(StringComparer.Ordinal);
        if (map.Map("users") is { } um)
        {
            foreach (var (name, node) in um.Entries)
            {
                if (node is not YamlMappingNode m)
                    throw um.Error(node, $"'server.trusted_proxy.users.{name}' must be a mapping", "give { role: viewer|operator|admin, targets: [GLOB, …] }");
                var u = um.Map(name)!;
                u.AllowOnly("role", "targets");
                var role = u.RequiredString("role", "give viewer, operator or admin");
                if (role is not ("viewer" or "operator" or "admin"))
                    throw u.Error(u.Node("role")!, $"'{u.Path}.role' is '{role}'", "give viewer, operator or admin");
                users[name] = new ProxyUser(role, u.StringList("targets") ?? []);
            }
        }
        return new TrustedProxyConfig(header, from, users);
    }
}
