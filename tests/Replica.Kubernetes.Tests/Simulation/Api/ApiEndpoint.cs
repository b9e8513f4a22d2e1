using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Replica.Kubernetes.Tests.Simulation.Kubelet;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>Maps one HTTP request onto a verb of the simulated API server and writes its answer.</summary>
public sealed class ApiEndpoint(ResourceOperations operations, ObjectStore store, PodLogBook logs, SimulationRules rules, SimulationFaults faults, string bearerToken, CancellationToken shutdown)
{
    private readonly List<RequestRecord> _requests = new();
    private CancellationTokenSource _watches = CancellationTokenSource.CreateLinkedTokenSource(shutdown);

    /// <summary>Ends every open watch stream, as an API server restart or a load balancer would.</summary>
    public void DropWatches()
    {
        var old = Interlocked.Exchange(ref _watches, CancellationTokenSource.CreateLinkedTokenSource(shutdown));
        old.Cancel();
    }

    public IReadOnlyList<RequestRecord> Requests { get { lock (_requests) return _requests.ToList(); } }

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var route = ApiRoute.Parse(request.Path.Value ?? "");
        var recorded = false;
        void Record(int status)
        {
            if (recorded) return;
            recorded = true;
            lock (_requests)
                _requests.Add(new RequestRecord(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "",
                    route?.Type.QualifiedPlural, route?.Namespace ?? (route?.Type.Kind == "Namespace" ? route.Name : null), route?.Name, status));
        }
        int code;
        try
        {
            // A watch is recorded when its stream starts, so an open watch shows in the audit too.
            code = await DispatchAsync(http, route, () => Record(200));
        }
        catch (ApiException e)
        {
            code = e.Code;
            if (!http.Response.HasStarted) await WriteJsonAsync(http, e.Code, e.ToStatus());
        }
        catch (Exception e) when (e is not JsonException and not OperationCanceledException)
        {
            // A simulation bug: answer like the real server's InternalError and keep the trace for the test output.
            code = 500;
            faults.Add($"{request.Method} {request.Path} answered 500", e);
            if (!http.Response.HasStarted) await WriteJsonAsync(http, 500, new ApiException(500, "InternalError", $"Internal error occurred: {e.Message}").ToStatus());
        }
        catch (JsonException e)
        {
            code = 400;
            if (!http.Response.HasStarted) await WriteJsonAsync(http, 400, ApiException.BadRequest($"the body of the request could not be decoded: {e.Message}").ToStatus());
        }
        Record(code);
    }

    private async Task<int> DispatchAsync(HttpContext http, ApiRoute? route, Action streamStarted)
    {
        var request = http.Request;
        if ((string?)request.Headers.Authorization != $"Bearer {bearerToken}")
            throw new ApiException(401, "Unauthorized", "Unauthorized");
        if (request.Method == "GET" && OpenApi.For(request.Path.Value ?? "") is { } openApi)
            return await WriteJsonAsync(http, 200, openApi);
        if (request.Method == "GET" && Discovery.For(request.Path.Value ?? "", new Uri($"{request.Scheme}://{request.Host}")) is { } discovery)
            return await WriteJsonAsync(http, 200, discovery);
        if (route is null)
        {
            http.Response.StatusCode = 404;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync("404 page not found\n");
            return 404;
        }

        string? Query(string name) => request.Query.TryGetValue(name, out var v) ? v.ToString() : null;
        var ns = route.Namespace ?? "";
        var dryRun = Query("dryRun") == "All";
        var strict = Query("fieldValidation") == "Strict";
        NegotiateJson(request);
        var watch = Query("watch") is "true" or "1";
        var type = route.Type;

        if (route.Subresource is not null and not "status" and not "log" and not "scale"
            || route.Subresource == "scale" && !ScaleSubresource.Supports(type))
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        if (route.Subresource == "scale" && route.Name is not null)
        {
            var scale = new ScaleSubresource(operations);
            return request.Method switch
            {
                "GET" => await WriteJsonAsync(http, 200, scale.Get(type, ns, route.Name)),
                "PUT" or "PATCH" => await WriteJsonAsync(http, 200, scale.Write(type, ns, route.Name, request.ContentType, await ReadNodeAsync(request), dryRun)),
                _ => throw ApiException.MethodNotAllowed(request.Method, type),
            };
        }
        if (route.Subresource == "log")
        {
            if (type.Kind != "Pod" || request.Method != "GET") throw ApiException.MethodNotAllowed(request.Method, type);
            return await PodLogEndpoint.WriteAsync(http, store, logs, ns, route.Name!, Query, shutdown);
        }
        var statusOnly = route.Subresource == "status";
        var targetNamespace = route.Namespace ?? (type.Kind == "Namespace" ? route.Name : null);
        if (request.Method is "POST" or "PUT" or "PATCH" or "DELETE" && rules.IsReadOnly(targetNamespace))
            throw Forbidden(request.Method, type, route, targetNamespace!);

        switch (request.Method)
        {
            case "GET" when watch:
                var options = ListOptions.From(Query, type);
                await WatchStream.WriteAsync(http, store, type, route.Namespace, route.Name, options, streamStarted, _watches.Token);
                return 200;
            case "GET" when route.Name is null:
                return await WriteJsonAsync(http, 200, operations.List(type, route.Namespace, ListOptions.From(Query, type)));
            case "GET":
                return await WriteJsonAsync(http, 200, operations.Get(type, ns, route.Name));
            case "POST" when route.Name is null:
                if (type.Namespaced && route.Namespace is null) throw ApiException.MethodNotAllowed("POST", type);
                return await WriteJsonAsync(http, 201, operations.Create(type, ns, await ReadObjectAsync(request), dryRun, strict));
            case "PUT" when route.Name is not null:
                return await WriteJsonAsync(http, 200, operations.Replace(type, ns, route.Name, await ReadObjectAsync(request), statusOnly, dryRun, strict));
            case "PATCH" when route.Name is not null:
                var existed = store.Get(type, ns, route.Name) is not null;
                var patched = operations.Patch(type, ns, route.Name, request.ContentType ?? "", await ReadNodeAsync(request), statusOnly, dryRun, Query("fieldManager"), strict);
                return await WriteJsonAsync(http, existed ? 200 : 201, patched);
            case "DELETE" when route.Name is not null:
                var (deleteCode, answer) = operations.Delete(type, ns, route.Name, DeleteOptions.From(Query, await ReadOptionalObjectAsync(request)));
                return await WriteJsonAsync(http, deleteCode, answer);
            case "DELETE":
                var deleteOptions = DeleteOptions.From(Query, await ReadOptionalObjectAsync(request));
                return await WriteJsonAsync(http, 200, operations.DeleteCollection(type, ns, ListOptions.From(Query, type), deleteOptions));
            default:
                throw ApiException.MethodNotAllowed(request.Method, type);
        }
    }

    /// <summary>The real RBAC refusal, for the simulation's token user.</summary>
    private static ApiException Forbidden(string method, ResourceType type, ApiRoute route, string ns)
    {
        var verb = method switch
        {
            "POST" => "create", "PUT" => "update", "PATCH" => "patch",
            _ => route.Name is null ? "deletecollection" : "delete",
        };
        var resource = route.Subresource is { } sub ? $"{type.Plural}/{sub}" : type.Plural;
        var subject = route.Name is null ? type.Plural : $"{type.Plural} \"{route.Name}\"";
        return new ApiException(403, "Forbidden",
            $"{subject} is forbidden: User \"system:serviceaccount:replica:replica\" cannot {verb} resource \"{resource}\" in API group \"{type.Group}\" in the namespace \"{ns}\"",
            new JsonObject { ["name"] = route.Name, ["group"] = type.Group, ["kind"] = type.Plural });
    }

    /// <summary>
    /// This server speaks JSON (and reads YAML): a protobuf body is 415 and a request accepting only
    /// protobuf is 406, as a real server answers a media type it does not serve, so clients fall back to JSON.
    /// </summary>
    private static void NegotiateJson(HttpRequest request)
    {
        var contentType = request.ContentType ?? "";
        if (contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase) || contentType.Contains("cbor", StringComparison.OrdinalIgnoreCase))
            throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
        var accept = (string?)request.Headers.Accept ?? "";
        if (accept.Length > 0 && !accept.Split(',').Any(a => a.Trim() is var m && (m.StartsWith("application/json", StringComparison.Ordinal) || m.StartsWith("*/*", StringComparison.Ordinal) || m.StartsWith("application/*", StringComparison.Ordinal) || m.StartsWith("application/yaml", StringComparison.Ordinal))))
            throw new ApiException(406, "NotAcceptable", $"only the following media types are accepted: application/json, application/yaml");
    }

    private static async Task<JsonNode?> ReadNodeAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        if (string.IsNullOrWhiteSpace(text)) return null;
        if ((request.ContentType ?? "").StartsWith("application/apply-patch+yaml", StringComparison.Ordinal)
            || (request.ContentType ?? "").StartsWith("application/yaml", StringComparison.Ordinal))
        {
            try { return JsonNode.Parse(text); }
            catch (JsonException) { return YamlToJson.Convert(text); }
        }
        return JsonNode.Parse(text);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request) =>
        await ReadNodeAsync(request) as JsonObject ?? throw ApiException.BadRequest("the body of the request must be a JSON object");

    private static async Task<JsonObject?> ReadOptionalObjectAsync(HttpRequest request) => await ReadNodeAsync(request) as JsonObject;

    public static async Task<int> WriteJsonAsync(HttpContext http, int code, JsonNode body)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString());
        return code;
    }
}
