using System.Text.Json;
using Replica.Core.Platforms;

namespace Replica.Local;

/// <summary>
/// What replica remembers of a target's database instance. The file holds the generated
/// password, so it is readable by its owner only.
/// </summary>
internal sealed record DatabaseRecord(int Port, string Superuser, string Password, string Database)
{
    public DatabaseEndpoint Endpoint => new("127.0.0.1", Port, Database, Superuser, Password);

    public static DatabaseRecord? Read(string path)
    {
        if (!File.Exists(path)) return null;
        return JsonSerializer.Deserialize<DatabaseRecord>(File.ReadAllText(path));
    }

    public void Write(string path)
    {
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
