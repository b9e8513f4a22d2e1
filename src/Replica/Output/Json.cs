using System.Text.Json;
using Replica.Core.Wire;

namespace Replica.Cli.Output;

/// <summary>JSON as scripts read it: the shapes and options the REST API uses too, indented.</summary>
public static class Json
{
    public static JsonSerializerOptions Options => WireJson.Options;

    public static void Print(object value, TextWriter? to = null) =>
        (to ?? Console.Out).WriteLine(JsonSerializer.Serialize(value, Options));
}
