using System.Text.Json;
using Replica.Core.Platforms;

namespace Replica.Kubernetes.Workers;

/// <summary>Core's summaries from the workers' `--json` objects (snake_case).</summary>
public static class WorkerSummaries
{
    public static MediaSummary Media(JsonElement o) => new(
        Long(o, "files_copied"), Long(o, "files_updated"), Long(o, "files_deleted"), Long(o, "files_unchanged"),
        Long(o, "dirs_created"), Long(o, "dirs_deleted"), Long(o, "symlinks_written"), Long(o, "skipped"),
        Long(o, "bytes_copied"), Double(o, "seconds"));

    /// <summary>
    /// Accepts the restore report in flat form (tables, rows, bytes, schema_seconds…) or nested
    /// (databases[].tables[].loaded_rows, seconds: {schema, data, indexes_and_constraints}).
    /// </summary>
    public static RestoreSummary Restore(JsonElement o)
    {
        var databases = new List<string>();
        var tables = 0;
        long rows = 0, tableBytes = 0;
        if (o.TryGetProperty("databases", out var dbs) && dbs.ValueKind == JsonValueKind.Array)
            foreach (var d in dbs.EnumerateArray())
            {
                if (d.ValueKind == JsonValueKind.String) { databases.Add(d.GetString()!); continue; }
                if (d.ValueKind != JsonValueKind.Object) continue;
                if (d.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String) databases.Add(n.GetString()!);
                if (d.TryGetProperty("tables", out var ts) && ts.ValueKind == JsonValueKind.Array)
                    foreach (var t in ts.EnumerateArray())
                    {
                        tables++;
                        rows += t.ValueKind == JsonValueKind.Object ? First(t, "loaded_rows", "rows") : 0;
                        tableBytes += t.ValueKind == JsonValueKind.Object ? Long(t, "bytes") : 0;
                    }
            }
        if (Has(o, "tables")) tables = (int)Long(o, "tables");
        else if (Has(o, "table_count")) tables = (int)Long(o, "table_count");
        if (Has(o, "rows") || Has(o, "loaded_rows")) rows = First(o, "rows", "loaded_rows");
        var bytes = Has(o, "bytes") || Has(o, "uncompressed_bytes") ? First(o, "bytes", "uncompressed_bytes") : tableBytes;

        double schema = Double(o, "schema_seconds"), data = Double(o, "data_seconds"), index = Double(o, "index_seconds"), total = Double(o, "total_seconds");
        if (o.TryGetProperty("seconds", out var s))
        {
            if (s.ValueKind == JsonValueKind.Number) total = s.GetDouble();
            else if (s.ValueKind == JsonValueKind.Object)
            {
                schema = Double(s, "schema");
                data = Double(s, "data");
                index = Has(s, "indexes_and_constraints") ? Double(s, "indexes_and_constraints") : Double(s, "indexes") + Double(s, "index");
                if (Has(s, "total")) total = Double(s, "total");
            }
        }
        if (total == 0) total = schema + data + index;
        var flavour = o.TryGetProperty("flavour", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "unknown";
        return new RestoreSummary(flavour, databases, tables, rows, bytes, schema, data, index, total);
    }

    private static bool Has(JsonElement o, string key) => o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number;

    private static long First(JsonElement o, params string[] keys)
    {
        foreach (var k in keys) if (Has(o, k)) return Long(o, k);
        return 0;
    }

    private static long Long(JsonElement o, string key) =>
        o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? (v.TryGetInt64(out var l) ? l : (long)v.GetDouble()) : 0;

    private static double Double(JsonElement o, string key) =>
        o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
}
