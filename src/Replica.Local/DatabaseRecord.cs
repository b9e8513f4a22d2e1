using System.Text.Json;
using Replica.Core.Platforms;

namespace Replica.Local;

/// <summary>
/// What replica remembers of one database instance. The file holds the generated password, so
/// it is readable by its owner only, and it lives in the target's own folder.
/// </summary>
internal sealed record DatabaseRecord(int Port, string Superuser, string Password, string Database)
{
    public DatabaseEndpoint Endpoint => new("127.0.0.1", Port, Database, Superuser, Password);

    /// <summary>The record, or null when absent or cut off (a run killed while writing it).</summary>
    public static DatabaseRecord? Read(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize<DatabaseRecord>(File.ReadAllText(path)) : null; }
        catch (JsonException) { return null; }
        catch (IOException) { return null; }
    }

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".new";
        using (var f = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
            JsonSerializer.Serialize(f, this);
        File.Move(temp, path, overwrite: true);
    }

    public override string ToString() => $"DatabaseRecord {{ Port = {Port}, Superuser = {Superuser}, Database = {Database} }}";
}
