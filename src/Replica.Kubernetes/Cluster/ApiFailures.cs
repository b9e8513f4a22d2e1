using System.Net;
using k8s.Autorest;
using Replica.Core;
using Replica.Core.Workflows;

namespace Replica.Kubernetes.Cluster;

/// <summary>
/// Turns the API server's refusals and an unreachable server into one-sentence errors: inside a
/// run they fail the step, outside one (plan, status, backups) they are refusals.
/// </summary>
public static class ApiFailures
{
    public static async Task<T> InRunAsync<T>(string ns, Func<Task<T>> call)
    {
        try { return await call(); }
        catch (HttpOperationException e) { throw new ReplicaStepException(Sentence(ns, e), e); }
        catch (HttpRequestException e) { throw new ReplicaStepException(Unreachable(e), e); }
    }

    public static async Task InRunAsync(string ns, Func<Task> call) => await InRunAsync(ns, async () => { await call(); return true; });

    public static async Task<T> OutsideRunAsync<T>(string ns, Func<Task<T>> call)
    {
        try { return await call(); }
        catch (HttpOperationException e) { throw new RefusedException(Sentence(ns, e)); }
        catch (HttpRequestException e) { throw new RefusedException(Unreachable(e)); }
    }

    private static string Sentence(string ns, HttpOperationException e)
    {
        var said = ApiErrors.Describe(e).TrimEnd('.');
        return e.Response?.StatusCode switch
        {
            HttpStatusCode.Forbidden => $"The Kubernetes API server refused replica in namespace {ns} ({said}); grant the Role described in docs/kubernetes.md.",
            HttpStatusCode.Unauthorized => $"The Kubernetes API server did not accept replica's credentials ({said}); check the kubeconfig context.",
            HttpStatusCode.Conflict => $"An object replica wants to create in namespace {ns} already exists ({said}); if replica did not create it, rename or remove it.",
            _ => $"The Kubernetes API server answered {(int?)e.Response?.StatusCode} in namespace {ns} ({said}).",
        };
    }

    private static string Unreachable(HttpRequestException e) =>
        $"The Kubernetes API server cannot be reached ({e.Message.TrimEnd('.')}); check the kubeconfig context and that the cluster is up.";
}
