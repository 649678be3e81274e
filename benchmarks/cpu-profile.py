"""Sorts `perf script` call stacks of the TimeBank server into what they were doing (see cpu-profile.sh)."""
import collections
import re
import sys

# First match wins, from the innermost concern outwards: a sample inside SQLite is SQLite's, whoever called it.
CATEGORIES = [
    ("SQLite: statements, commit and their file I/O", lambda body, thread: "libe_sqlite3" in body),
    ("PostgreSQL client (Npgsql)", lambda body, thread: "Npgsql" in body),
    ("Microsoft.Data.Sqlite binding", lambda body, thread: "Microsoft.Data.Sqlite" in body or "SQLitePCL" in body),
    # Idle workers spinning for work (sched_yield), then parking on and being woken from a futex.
    ("thread pool workers idling and waking (LowLevelLifoSemaphore)", lambda body, thread: "sched_yield" in body or "LowLevelLifoSemaphore" in body),
    ("JIT", lambda body, thread: "libclrjit" in body or "Tiered Com" in thread),
    ("GC", lambda body, thread: "Server GC" in thread or re.search(r"gc_heap|GCHeap|WKS::|SVR::", body)),
    ("network system calls", lambda body, thread: re.search(r"tcp_|sock_|epoll|__send|recvmsg|sendmsg", body) or "Sockets" in thread),
    ("SHA-256 (OpenSSL)", lambda body, thread: "libcrypto" in body or "SHA256" in body),
    ("JSON (System.Text.Json)", lambda body, thread: "System.Text.Json" in body),
    ("Kestrel HTTP/2", lambda body, thread: "Kestrel" in body or "AspNetCore" in body),
    ("gRPC layer (TimeBank.Rpc)", lambda body, thread: "TimeBank.Rpc" in body),
    ("grain turn (TimeBank.Grains, Runtime, Ledger)", lambda body, thread: re.search(r"TimeBank\.(Grains|Runtime|Ledger)", body)),
    ("storage queue (managed)", lambda body, thread: "TimeBank.Storage" in body),
    ("other TimeBank code", lambda body, thread: "TimeBank" in body),
    ("other kernel", lambda body, thread: "[kernel" in body),
]
SQLITE = [
    ("fsync", "fsync"),
    ("WAL and checkpoint writes (pwrite)", "pwrite"),
    ("reads (pread)", "pread"),
    ("the commit's walk of the page cache", "pcache1Truncate"),
]


def samples(path):
    current = []
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            yield current
            current = []
    if current:
        yield current


def main(path):
    counts, sqlite = collections.Counter(), collections.Counter()
    total = 0
    for stack in samples(path):
        total += 1
        thread, body = stack[0], " | ".join(stack[1:])
        name = next((n for n, test in CATEGORIES if test(body, thread)), "other (runtime, libc, unresolved)")
        counts[name] += 1
        if name.startswith("SQLite"):
            sqlite[next((n for n, mark in SQLITE if mark in body), "B-tree and statement work")] += 1
    if total == 0:
        sys.exit("no samples: was perf allowed to sample the server (perf_event_paranoid)?")
    print(f"share of the server's CPU samples ({total}):")
    for name, n in counts.most_common():
        print(f"  {n / total * 100:5.1f}%  {name}")
        if name.startswith("SQLite"):
            for part, m in sqlite.most_common():
                print(f"           {m / total * 100:5.1f}%  {part}")


if __name__ == "__main__":
    main(sys.argv[1])
