#include "walbatch.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace tavern::server {

namespace {

// Room for one large group commit (~125 frames of 4 KiB + 24 bytes); bigger transactions
// go out in several writes, still far fewer than two per page.
constexpr int BufferBytes = 2 * 1024 * 1024;
// The unix VFS writes at most 128 KiB - 1 bytes per call (it never needs more for one page).
constexpr int ChunkBytes = 120 * 1024;

sqlite3_vfs g_vfs;
sqlite3_vfs *g_real = nullptr;

// One open file: the real one lives right behind it (szOsFile covers both).
struct File
{
    sqlite3_file base;
    sqlite3_file *real;
    bool wal;
    File *walOfDb; // for a database file: its connection's open WAL, if any
    File *dbOfWal; // for a WAL file: its database file
    // WAL files: the pending appends, bytes [start, start + len) of the file.
    char *buf;
    int len;
    sqlite3_int64 start;
    // A flush that failed where SQLite could not be told (the wal-index barrier): every later
    // call on the WAL fails with it, so no frame after the hole is ever read or synced.
    int stuck;
};

File *self(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f);
}

sqlite3_file *realOf(sqlite3_file *f)
{
    return self(f)->real;
}

int flush(File *f)
{
    if (f->stuck)
        return f->stuck;
    if (f->len == 0)
        return SQLITE_OK;
    const int n = f->len;
    f->len = 0;
    // On failure SQLite rolls the transaction back and rewrites these frames later, as it
    // would after a failed write of its own.
    for (int done = 0; done < n; done += ChunkBytes) {
        const int amt = std::min(ChunkBytes, n - done);
        if (int rc = f->real->pMethods->xWrite(f->real, f->buf + done, amt, f->start + done); rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

// Every WAL operation but an append sees the file as if each write had gone straight to it.
int settle(sqlite3_file *p)
{
    File *f = self(p);
    return f->wal ? flush(f) : SQLITE_OK;
}

int xClose(sqlite3_file *p)
{
    File *f = self(p);
    int rc = settle(p);
    if (f->wal && f->dbOfWal)
        f->dbOfWal->walOfDb = nullptr;
    if (!f->wal && f->walOfDb)
        f->walOfDb->dbOfWal = nullptr;
    const int closed = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    sqlite3_free(f->buf);
    f->buf = nullptr;
    return rc != SQLITE_OK ? rc : closed;
}

int xRead(sqlite3_file *p, void *out, int amt, sqlite3_int64 off)
{
    if (int rc = settle(p); rc != SQLITE_OK)
        return rc;
    return realOf(p)->pMethods->xRead(realOf(p), out, amt, off);
}

int xWrite(sqlite3_file *p, const void *data, int amt, sqlite3_int64 off)
{
    File *f = self(p);
    if (!f->wal)
        return f->real->pMethods->xWrite(f->real, data, amt, off);
    if (f->stuck)
        return f->stuck;
    const bool appends = f->len > 0 && off == f->start + f->len;
    if (!appends || f->len + amt > BufferBytes) {
        if (int rc = flush(f); rc != SQLITE_OK)
            return rc;
    }
    if (amt > ChunkBytes)
        return f->real->pMethods->xWrite(f->real, data, amt, off);
    if (!f->buf) {
        f->buf = static_cast<char *>(sqlite3_malloc(BufferBytes));
        if (!f->buf)
            return f->real->pMethods->xWrite(f->real, data, amt, off);
    }
    if (f->len == 0)
        f->start = off;
    std::memcpy(f->buf + f->len, data, std::size_t(amt));
    f->len += amt;
    return SQLITE_OK;
}

int xTruncate(sqlite3_file *p, sqlite3_int64 size)
{
    if (int rc = settle(p); rc != SQLITE_OK)
        return rc;
    return realOf(p)->pMethods->xTruncate(realOf(p), size);
}

int xSync(sqlite3_file *p, int flags)
{
    if (int rc = settle(p); rc != SQLITE_OK)
        return rc;
    return realOf(p)->pMethods->xSync(realOf(p), flags);
}

int xFileSize(sqlite3_file *p, sqlite3_int64 *size)
{
    if (int rc = settle(p); rc != SQLITE_OK)
        return rc;
    return realOf(p)->pMethods->xFileSize(realOf(p), size);
}

int xLock(sqlite3_file *p, int level)
{
    return realOf(p)->pMethods->xLock(realOf(p), level);
}

int xUnlock(sqlite3_file *p, int level)
{
    return realOf(p)->pMethods->xUnlock(realOf(p), level);
}

int xCheckReservedLock(sqlite3_file *p, int *out)
{
    return realOf(p)->pMethods->xCheckReservedLock(realOf(p), out);
}

int xFileControl(sqlite3_file *p, int op, void *arg)
{
    if (int rc = settle(p); rc != SQLITE_OK)
        return rc;
    return realOf(p)->pMethods->xFileControl(realOf(p), op, arg);
}

int xSectorSize(sqlite3_file *p)
{
    return realOf(p)->pMethods->xSectorSize(realOf(p));
}

int xDeviceCharacteristics(sqlite3_file *p)
{
    return realOf(p)->pMethods->xDeviceCharacteristics(realOf(p));
}

int xShmMap(sqlite3_file *p, int page, int size, int extend, void volatile **out)
{
    return realOf(p)->pMethods->xShmMap(realOf(p), page, size, extend, out);
}

int xShmLock(sqlite3_file *p, int offset, int n, int flags)
{
    return realOf(p)->pMethods->xShmLock(realOf(p), offset, n, flags);
}

// SQLite calls this on the database file just before a new wal-index header makes the
// transaction's frames visible to every connection: they must be in the file by then.
void xShmBarrier(sqlite3_file *p)
{
    if (File *wal = self(p)->walOfDb; wal && !wal->stuck) {
        if (int rc = flush(wal); rc != SQLITE_OK)
            wal->stuck = rc;
    }
    realOf(p)->pMethods->xShmBarrier(realOf(p));
}

int xShmUnmap(sqlite3_file *p, int deleteFlag)
{
    return realOf(p)->pMethods->xShmUnmap(realOf(p), deleteFlag);
}

int xFetch(sqlite3_file *p, sqlite3_int64 off, int amt, void **out)
{
    if (int rc = settle(p); rc != SQLITE_OK)
        return rc;
    return realOf(p)->pMethods->xFetch(realOf(p), off, amt, out);
}

int xUnfetch(sqlite3_file *p, sqlite3_int64 off, void *ptr)
{
    return realOf(p)->pMethods->xUnfetch(realOf(p), off, ptr);
}

const sqlite3_io_methods Methods = {
    3,
    xClose,
    xRead,
    xWrite,
    xTruncate,
    xSync,
    xFileSize,
    xLock,
    xUnlock,
    xCheckReservedLock,
    xFileControl,
    xSectorSize,
    xDeviceCharacteristics,
    xShmMap,
    xShmLock,
    xShmBarrier,
    xShmUnmap,
    xFetch,
    xUnfetch,
};

// The same methods, claiming no more than the real file has (SQLite looks at iVersion before
// it calls the shared-memory or memory-map ones).
const sqlite3_io_methods *methodsFor(int realVersion)
{
    static const sqlite3_io_methods v1 = [] {
        sqlite3_io_methods m = Methods;
        m.iVersion = 1;
        return m;
    }();
    static const sqlite3_io_methods v2 = [] {
        sqlite3_io_methods m = Methods;
        m.iVersion = 2;
        return m;
    }();
    return realVersion >= 3 ? &Methods : realVersion == 2 ? &v2 : &v1;
}

bool ours(const sqlite3_file *p)
{
    return p->pMethods && p->pMethods->xClose == xClose;
}

int vfsOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *p, int flags, int *outFlags)
{
    File *f = self(p);
    std::memset(f, 0, sizeof(File));
    f->real = reinterpret_cast<sqlite3_file *>(f + 1);
    const int rc = g_real->xOpen(g_real, name, f->real, flags, outFlags);
    if (rc != SQLITE_OK || !f->real->pMethods) {
        // SQLite closes a file only through its pMethods, left NULL here: close the real one now.
        f->base.pMethods = nullptr;
        if (f->real->pMethods)
            f->real->pMethods->xClose(f->real);
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    f->base.pMethods = methodsFor(f->real->pMethods->iVersion);
    if ((flags & SQLITE_OPEN_WAL) && name) {
        f->wal = true;
        if (sqlite3_file *db = sqlite3_database_file_object(name); db && ours(db)) {
            f->dbOfWal = self(db);
            self(db)->walOfDb = f;
        }
    }
    return rc;
}

// The rest of the VFS is the platform's own.
int vfsDelete(sqlite3_vfs *, const char *name, int syncDir)
{
    return g_real->xDelete(g_real, name, syncDir);
}

int vfsAccess(sqlite3_vfs *, const char *name, int flags, int *out)
{
    return g_real->xAccess(g_real, name, flags, out);
}

int vfsFullPathname(sqlite3_vfs *, const char *name, int n, char *out)
{
    return g_real->xFullPathname(g_real, name, n, out);
}

void *vfsDlOpen(sqlite3_vfs *, const char *name)
{
    return g_real->xDlOpen(g_real, name);
}

void vfsDlError(sqlite3_vfs *, int n, char *out)
{
    g_real->xDlError(g_real, n, out);
}

void (*vfsDlSym(sqlite3_vfs *, void *lib, const char *sym))(void)
{
    return g_real->xDlSym(g_real, lib, sym);
}

void vfsDlClose(sqlite3_vfs *, void *lib)
{
    g_real->xDlClose(g_real, lib);
}

int vfsRandomness(sqlite3_vfs *, int n, char *out)
{
    return g_real->xRandomness(g_real, n, out);
}

int vfsSleep(sqlite3_vfs *, int us)
{
    return g_real->xSleep(g_real, us);
}

int vfsCurrentTime(sqlite3_vfs *, double *out)
{
    return g_real->xCurrentTime(g_real, out);
}

int vfsGetLastError(sqlite3_vfs *, int n, char *out)
{
    return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, out) : 0;
}

int vfsCurrentTimeInt64(sqlite3_vfs *, sqlite3_int64 *out)
{
    return g_real->xCurrentTimeInt64(g_real, out);
}

} // namespace

bool installWalBatchVfs()
{
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] {
        g_real = sqlite3_vfs_find(nullptr);
        if (!g_real || g_real->iVersion < 2)
            return;
        g_vfs = sqlite3_vfs{};
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = int(sizeof(File)) + g_real->szOsFile;
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = "tavern-walbatch";
        g_vfs.xOpen = vfsOpen;
        g_vfs.xDelete = vfsDelete;
        g_vfs.xAccess = vfsAccess;
        g_vfs.xFullPathname = vfsFullPathname;
        g_vfs.xDlOpen = vfsDlOpen;
        g_vfs.xDlError = vfsDlError;
        g_vfs.xDlSym = vfsDlSym;
        g_vfs.xDlClose = vfsDlClose;
        g_vfs.xRandomness = vfsRandomness;
        g_vfs.xSleep = vfsSleep;
        g_vfs.xCurrentTime = vfsCurrentTime;
        g_vfs.xGetLastError = vfsGetLastError;
        g_vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
        ok = sqlite3_vfs_register(&g_vfs, 1) == SQLITE_OK;
    });
    return ok;
}

} // namespace tavern::server
