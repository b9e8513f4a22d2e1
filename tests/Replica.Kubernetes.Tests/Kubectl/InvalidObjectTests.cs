using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests.Kubectl;

/// <summary>
/// Invalid objects sent with `kubectl apply` (its default --validate=strict) are refused by the
/// simulation as a real API server refuses them, and none is stored. What a real server cannot
/// decode (a wrong JSON type, a malformed quantity, an unknown field under strict field validation)
/// is 400 BadRequest "cannot be handled as a …"; what it decodes but validation refuses is
/// 422 Invalid naming the field.
/// </summary>
public sealed class InvalidObjectTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;
    private Kubectl _kubectl = null!;

    public async Task InitializeAsync()
    {
        Kubectl.Require();
        _cluster = await SimulatedCluster.StartAsync();
        _kubectl = new Kubectl(_cluster);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string StatefulSet(string name, string replicas = "1", string labels = "app: db", string port = "name: postgres",
        string env = "name: POSTGRES_USER", string mount = "data", string extra = "") => $$"""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: {{name}}
          namespace: default
          labels: { {{labels}} }
        spec:
          replicas: {{replicas}}
          serviceName: {{name}}
          selector: { matchLabels: { app: db } }
          template:
            metadata: { labels: { app: db } }
            spec:
              containers:
              - name: postgres
                image: postgres:15
                ports: [ { {{port}}, containerPort: 5432 } ]
                env: [ { {{env}}, value: postgres } ]
                volumeMounts: [ { name: {{mount}}, mountPath: /var/lib/postgresql/data } ]{{extra}}
              volumes: [ { name: data, emptyDir: {} } ]
        """;

    private static string Claim(string storage) => $$"""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: { name: data, namespace: default }
        spec:
          accessModes: [ReadWriteOnce]
          resources: { requests: { storage: "{{storage}}" } }
        """;

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // what, manifest, the Status reason (BadRequest 400, Invalid 422), words of the real message
        { "a string for replicas", StatefulSet("a", replicas: "\"one\""), "BadRequest", "cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field" },
        { "storage \"20 Gi\"", Claim("20 Gi"), "BadRequest", "quantities must match the regular expression" },
        { "a 16-character port name", StatefulSet("b", port: "name: postgres-primary"), "Invalid", "spec.template.spec.containers[0].ports[0].name: Invalid value: \"postgres-primary\": must be no more than 15 characters" },
        { "env name 1BAD=NAME", StatefulSet("c", env: "name: 1BAD=NAME"), "Invalid", "spec.template.spec.containers[0].env[0].name: Invalid value: \"1BAD=NAME\": a valid environment variable name" },
        { "a mount of an undeclared volume", StatefulSet("d", mount: "ghost"), "Invalid", "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"ghost\"" },
        { "a label value with a space", StatefulSet("e", labels: "app: \"bad value\""), "Invalid", "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string" },
        { "a label value over 63 characters", StatefulSet("f", labels: $"app: {new string('x', 64)}"), "Invalid", "must be no more than 63 characters" },
        { "an unknown field under strict validation", StatefulSet("g", extra: "\n        restartPolcy: Always"), "BadRequest", "strict decoding error: unknown field \"spec.template.spec.containers[0].restartPolcy\"" },
        { "an upper-case name", StatefulSet("Database"), "Invalid", "metadata.name: Invalid value: \"Database\"" },
        { "a port name with no letter", StatefulSet("h", port: "name: \"5432\""), "Invalid", "must contain at least one letter (a-z)" },
        { "a Job that would restart forever", """
            apiVersion: batch/v1
            kind: Job
            metadata: { name: restore, namespace: default }
            spec:
              template:
                spec:
                  restartPolicy: Always
                  containers: [ { name: worker, image: replica:latest } ]
            """, "Invalid", "spec.template.spec.restartPolicy: Unsupported value: \"Always\"" },
        { "a Service port out of range", """
            apiVersion: v1
            kind: Service
            metadata: { name: database, namespace: default }
            spec:
              selector: { app: db }
              ports: [ { name: postgres, port: 70000 } ]
            """, "Invalid", "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Kubectl_apply_of_an_invalid_object_is_refused_as_a_real_server_refuses_it(string what, string manifest, string reason, string words)
    {
        var result = await _kubectl.RunAsync(manifest, "apply", "-f", "-");
        Assert.True(result.ExitCode != 0, $"{what} was accepted:\n{result}");
        // kubectl words a 422 with causes as `The Kind "name" is invalid: …`, anything else as `Error from server (Reason): …`.
        Assert.Contains(reason == "Invalid" ? "\" is invalid: " : $"Error from server ({reason})", result.Error);
        Assert.Contains(words, result.Error);
        var write = _cluster.Requests.Last(r => r.Method is "POST" or "PATCH" or "PUT");
        Assert.Equal(reason == "Invalid" ? 422 : 400, write.StatusCode);
        Assert.Contains("fieldValidation=Strict", write.Query);
        var stored = await _kubectl.SucceedsAsync(null, "-n", "default", "get", "statefulsets,jobs,services,persistentvolumeclaims", "-o", "name");
        Assert.DoesNotContain("/", stored.Output.Replace("service/kubernetes", ""));
        Assert.Empty(_cluster.Faults);
    }
}
