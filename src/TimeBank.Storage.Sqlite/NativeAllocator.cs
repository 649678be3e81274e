using System.Runtime.InteropServices;

namespace TimeBank.Storage.Sqlite;

/// <summary>
/// Keeps glibc from handing freed memory back to the system as soon as it is freed. SQLite's page cache frees and
/// allocates page buffers at every commit; on the thread arenas .NET's threads get, glibc returns each freed top
/// chunk above its trim threshold (128 KiB by default) with <c>madvise</c>, which flushes the TLB of every core,
/// and the next allocation faults the pages back in. Under durable load on this project's machine (2 cores, a VM)
/// that churn was a third of the raw SQLite ceiling's CPU at 64 deposits a transaction; a 16 MiB threshold took the
/// ceiling from 4,300 to 9,000-11,000 deposits a second (any threshold from 1 MiB did as well).
/// </summary>
/// <remarks>
/// Process-wide and set once, by the first SQLite storage opened; a no-op outside Linux or where the C library
/// is not glibc (musl has no <c>libc.so.6</c>).
/// </remarks>
internal static class NativeAllocator
{
    private const int TrimThresholdOption = -1; // M_TRIM_THRESHOLD in <malloc.h>
    private static int _applied;

    public static void KeepFreedMemory(int trimThresholdBytes)
    {
        if (trimThresholdBytes <= 0 || !OperatingSystem.IsLinux() || Interlocked.Exchange(ref _applied, 1) == 1)
        {
            return;
        }

        try
        {
            _ = Mallopt(TrimThresholdOption, trimThresholdBytes);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator is left as it is.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt", ExactSpelling = true)]
    private static extern int Mallopt(int option, int value);
}
