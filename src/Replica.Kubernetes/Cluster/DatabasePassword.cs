using System.Security.Cryptography;

namespace Replica.Kubernetes.Cluster;

/// <summary>A fresh password for each new database instance; letters and digits so it needs no escaping anywhere.</summary>
public static class DatabasePassword
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate(int length = 32) => RandomNumberGenerator.GetString(Alphabet, length);
}
