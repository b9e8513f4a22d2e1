using System.Runtime.InteropServices;

namespace Replica.Postgres.Instances;

/// <summary>A Unix account resolved from the system user database (getpwnam).</summary>
internal sealed record UnixAccount(string Name, uint Uid, uint Gid)
{
    public static bool IsRoot => geteuid() == 0;

    public static UnixAccount Current()
    {
        var p = getpwuid(geteuid());
        if (p == IntPtr.Zero) throw new PostgresInstanceException($"The current user (uid {geteuid()}) has no entry in the user database; run replica as a named account.");
        return FromPasswd(p);
    }

    public static UnixAccount Find(string name)
    {
        var p = getpwnam(name);
        if (p == IntPtr.Zero)
            throw new PostgresInstanceException($"The account '{name}' that PostgreSQL should run as does not exist; install the postgresql server package (it creates 'postgres') or set RunAsUser.");
        return FromPasswd(p);
    }

    public void Chown(string path)
    {
        if (chown(path, Uid, Gid) != 0)
            throw new PostgresInstanceException($"Cannot give {path} to the account '{Name}' (errno {Marshal.GetLastPInvokeError()}); check the folder's file system and permissions.");
    }

    private static UnixAccount FromPasswd(IntPtr p)
    {
        var pw = Marshal.PtrToStructure<Passwd>(p);
        return new UnixAccount(Marshal.PtrToStringUTF8(pw.Name)!, pw.Uid, pw.Gid);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Uid;
        public uint Gid;
        public IntPtr Gecos;
        public IntPtr Dir;
        public IntPtr Shell;
    }

    [DllImport("libc", SetLastError = true)] private static extern uint geteuid();
    [DllImport("libc", SetLastError = true)] private static extern IntPtr getpwnam(string name);
    [DllImport("libc", SetLastError = true)] private static extern IntPtr getpwuid(uint uid);
    [DllImport("libc", SetLastError = true)] private static extern int chown(string path, uint owner, uint group);
}
