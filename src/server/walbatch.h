#pragma once

// A SQLite VFS shim that writes a transaction's WAL frames to the file in one system call.
//
// SQLite appends each WAL frame with two pwrite()s (its 24-byte header, then the page), so a
// group commit of ~150 kegs, which dirties ~125 pages, made ~250 system calls, each walking
// the kernel's page cache for a range that straddles two of its pages: a fifth of the
// server's CPU under load (docs/benchmarks.md, bench_server). The shim gathers contiguous
// appends to the -wal file in memory and hands them to the real file in one write when
// SQLite syncs, reads, truncates or publishes the frames to other connections (the wal-index
// barrier), so nothing is visible, synced or acknowledged before it has been written.
// Durability is unchanged: COMMIT still returns only after fsync() of everything written.

namespace tavern::server {

// Registers the shim (once per process) as SQLite's default VFS, wrapping the platform's.
// Returns false if SQLite has no default VFS to wrap.
bool installWalBatchVfs();

} // namespace tavern::server
