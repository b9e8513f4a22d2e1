using System.Text;
using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking.Transformers;

/// <summary>Picks a name from a built-in list by the value's keyed digest: the same person always gets the same name.</summary>
internal abstract class NameTransformer(string name, string[] names) : Transformer
{
    private readonly byte[][] _names = names.Select(Encoding.ASCII.GetBytes).ToArray();

    public override string Description => name;

    public override string? Check(DumpColumn column) =>
        column.Kind != ColumnKind.Text ? $"{name} writes text but the column is {column.Type}; use noise_int, noise_date, null_value or keep" : null;

    // A name cut to the column's length is still one of the list's, for the verification.
    public override bool MayProduce(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) return false;
        foreach (var n in _names) if (n.AsSpan().StartsWith(value)) return true;
        return false;
    }

    public override int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output)
    {
        var pick = _names[System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(digest) % (uint)_names.Length];
        // Names are ASCII: characters and bytes agree, so cutting to varchar(n) is cutting bytes.
        int n = Write(pick, ref output);
        return column.Length is { } max && max < n ? max : n;
    }
}

/// <summary><c>first_name: first_name</c> → <c>Maria</c>: a deterministic pick from 100 common first names, cut to the column's length.</summary>
internal sealed class FirstNameTransformer() : NameTransformer("first_name", Names)
{
    public static TransformerKind Kind { get; } = new("first_name", "a deterministic pick from a built-in list of first names", "first_name", null, [], _ => new FirstNameTransformer());

    private static readonly string[] Names =
    [
        "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Barbara", "Richard", "Susan",
        "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret",
        "Donald", "Sandra", "Steven", "Ashley", "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle", "Kevin", "Dorothy",
        "Brian", "Carol", "George", "Amanda", "Timothy", "Melissa", "Ronald", "Deborah", "Edward", "Stephanie", "Jason", "Rebecca", "Jeffrey", "Sharon",
        "Ryan", "Laura", "Jacob", "Cynthia", "Gary", "Kathleen", "Nicholas", "Amy", "Eric", "Angela", "Jonathan", "Shirley", "Stephen", "Anna",
        "Larry", "Brenda", "Justin", "Pamela", "Scott", "Emma", "Brandon", "Nicole", "Benjamin", "Helen", "Samuel", "Samantha", "Gregory", "Katherine",
        "Alexander", "Christine", "Frank", "Debra", "Patrick", "Rachel", "Raymond", "Carolyn", "Jack", "Janet", "Dennis", "Maria", "Jerry", "Heather",
        "Tyler", "Diane",
    ];
}

/// <summary><c>last_name: last_name</c> → <c>Okafor</c>: a deterministic pick from 100 common family names, cut to the column's length.</summary>
internal sealed class LastNameTransformer() : NameTransformer("last_name", Names)
{
    public static TransformerKind Kind { get; } = new("last_name", "a deterministic pick from a built-in list of family names", "last_name", null, [], _ => new LastNameTransformer());

    private static readonly string[] Names =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez",
        "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
        "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams",
        "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Muller", "Schmidt", "Schneider", "Fischer", "Weber",
        "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Rossi", "Russo", "Ferrari", "Esposito",
        "Bianchi", "Romano", "Colombo", "Ricci", "Okafor", "Mensah", "Okonkwo", "Kowalski", "Nowak", "Wisniewski", "Novak", "Horvat", "Jansen",
        "De Vries", "Van Dijk", "Bakker", "Visser", "Smit", "Silva", "Santos", "Oliveira", "Pereira", "Costa", "Tanaka", "Suzuki", "Sato", "Kim",
        "Park", "Chen", "Wang", "Singh",
    ];
}
