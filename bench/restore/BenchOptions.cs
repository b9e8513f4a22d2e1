/// <summary>Command line of the restore benchmark.</summary>
internal sealed record BenchOptions(int Scale, int Rounds, int Jobs, string Work, string Bin, string[]? Only, bool Masking = false, bool MaskingReplicaOnly = false, bool Kubernetes = false, bool Filler = false)
{
    public static BenchOptions Parse(string[] args)
    {
        int scale = 50, rounds = 3, jobs = 2;
        string work = "/var/tmp/replica-bench-restore", bin = "/usr/lib/postgresql/15/bin";
        string[]? only = null;
        bool masking = false, replicaOnly = false, kubernetes = false, filler = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--scale": scale = int.Parse(args[++i]); break;
                case "--rounds": rounds = int.Parse(args[++i]); break;
                case "--jobs": jobs = int.Parse(args[++i]); break;
                case "--work": work = args[++i]; break;
                case "--pg-bin": bin = args[++i]; break;
                case "--only": only = args[++i].Split(','); break;
                case "--masking": masking = true; break;
                case "--masking-replica-only": masking = replicaOnly = true; break;
                case "--kubernetes": kubernetes = true; break;
                case "--filler": filler = true; break;
                default:
                    Console.Error.WriteLine("usage: restore bench [--scale 50] [--rounds 3] [--jobs 2] [--work /var/tmp/replica-bench-restore] [--pg-bin DIR] [--only name,name] [--masking | --masking-replica-only | --kubernetes | --filler]");
                    Environment.Exit(2);
                    break;
            }
        }
        return new BenchOptions(scale, rounds, jobs, work, bin, only, masking, replicaOnly, kubernetes, filler);
    }
}
