// SqlStore, hot half: transaction control, the read cache, the KegDB and member lookups, the
// collectionVersion counter (in memory) and the keg insert, through the sqlite3 C API on the
// connection QtSql opened (every keg.put runs these). The SQL stays plain and portable.
#include "sqlstore.h"

#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace tavern::server {

namespace {

const char *const HotSql[] = {
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT job",
    "RELEASE SAVEPOINT job",
    "ROLLBACK TO SAVEPOINT job",
    "PRAGMA data_version",
    // The conflict target is the primary key only: a clash on the cursor index stays an error.
    "INSERT INTO kegs (db_id, keg_id, version, author, keg_type, collection_version, deleted, "
    "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (keg_id, db_id) DO NOTHING",
    // A DB's collectionVersion is its newest keg's (kegs are never removed, only
    // tombstoned): read through the cursor index, never written per commit.
    "SELECT d.db_id, d.kind, d.owner, d.peer, COALESCE((SELECT MAX(k.collection_version) FROM kegs k "
    "WHERE k.db_id = d.db_id), 0) FROM dbs d WHERE d.db_id = ?",
    "SELECT m.db_id, m.username, m.role, m.state, m.invited_by, r.kind FROM members m "
    "LEFT JOIN requests r ON r.db_id = m.db_id AND r.username = m.username "
    "WHERE m.db_id = ? AND m.username = ?",
};

// Binds without copying: the caller keeps the bytes alive until the statement is reset.
int bindBytes(sqlite3_stmt *s, int i, const QByteArray &b)
{
    return sqlite3_bind_blob(s, i, b.constData(), int(b.size()), SQLITE_STATIC);
}

int bindText(sqlite3_stmt *s, int i, const QByteArray &utf8)
{
    return sqlite3_bind_text(s, i, utf8.constData(), int(utf8.size()), SQLITE_STATIC);
}

QByteArray blobAt(sqlite3_stmt *s, int i)
{
    const void *p = sqlite3_column_blob(s, i);
    return QByteArray(static_cast<const char *>(p), sqlite3_column_bytes(s, i));
}

QString textAt(sqlite3_stmt *s, int i)
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(s, i));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(s, i)) : QString();
}

// Resets the statement (and drops its bindings' pointers) when the scope ends.
struct Reset
{
    sqlite3_stmt *s;
    ~Reset()
    {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
};

} // namespace

Status SqlStore::attachHandle()
{
    const QVariant h = m_db.driver()->handle();
    if (!h.isValid() || qstrcmp(h.typeName(), "sqlite3*") != 0)
        return makeError(StoreError::Failed, QStringLiteral("the SQLite driver exposes no handle"));
    m_handle = *static_cast<sqlite3 *const *>(h.constData());
    if (!m_handle)
        return makeError(StoreError::Failed, QStringLiteral("the SQLite driver exposes no handle"));
    // Replaces SQLite's automatic checkpoint (every 1000 pages, inside the COMMIT that crosses
    // it) by a larger, size-triggered one: under a write load the same index pages are written
    // again and again, and a larger WAL copies each of them back once per checkpoint instead
    // of once per 4 MiB. Not much larger: a long WAL makes every page lookup in it slower
    // (16 MiB measured best once WAL writes were batched, 8 MiB before; 64 MiB and no checkpoint
    // at all were worse; docs/benchmarks.md). It runs right after a commit, in this thread.
    sqlite3_wal_hook(m_handle, &SqlStore::walHook, this);
    return Ok{};
}

int SqlStore::walHook(void *, sqlite3 *db, const char *name, int pages)
{
    if (pages >= CheckpointPages)
        (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
}

sqlite3_stmt *SqlStore::hot(Hot which)
{
    static_assert(std::size(HotSql) == std::size_t(Hot::Count));
    sqlite3_stmt *&s = m_hot[std::size_t(which)];
    if (!s && m_handle) {
        if (sqlite3_prepare_v3(m_handle, HotSql[std::size_t(which)], -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr)
            != SQLITE_OK)
            s = nullptr;
    }
    return s;
}

void SqlStore::finalizeHot()
{
    for (sqlite3_stmt *&s : m_hot) {
        sqlite3_finalize(s);
        s = nullptr;
    }
}

Error SqlStore::hotFailure() const
{
    return makeError(StoreError::Failed,
                     QStringLiteral("storage error: %1")
                         .arg(m_handle ? QString::fromUtf8(sqlite3_errmsg(m_handle)) : QStringLiteral("not open")));
}

Status SqlStore::stepHot(Hot which)
{
    sqlite3_stmt *s = hot(which);
    if (!s)
        return hotFailure();
    const int rc = sqlite3_step(s);
    Status out = rc == SQLITE_DONE || rc == SQLITE_ROW ? Status(Ok{}) : Status(hotFailure());
    sqlite3_reset(s);
    return out;
}

void SqlStore::forgetReads()
{
    m_dbCache.clear();
    m_membersCache.clear();
    m_memberCache.clear();
}

void SqlStore::forgetTxReads()
{
    m_txDbCache.clear();
    m_txMemberCache.clear();
}

Status SqlStore::checkDataVersion()
{
    sqlite3_stmt *s = hot(Hot::DataVersion);
    if (!s)
        return hotFailure();
    Reset reset{s};
    if (sqlite3_step(s) != SQLITE_ROW)
        return hotFailure();
    const qint64 v = sqlite3_column_int64(s, 0);
    if (v != m_dataVersion) {
        forgetReads();
        m_dataVersion = v;
    }
    return Ok{};
}

bool SqlStore::cacheUsable()
{
    if (m_inTransaction)
        return !m_metaWritten;
    if (!m_cacheAge.isValid() || m_cacheAge.hasExpired(100)) {
        if (!checkDataVersion())
            forgetReads();
        m_cacheAge.start();
    }
    return true;
}

void SqlStore::metaWrite()
{
    m_metaWritten = true;
    forgetTxReads();
}

Status SqlStore::begin()
{
    forgetTxReads();
    m_cv.clear();
    m_cvUndo.clear();
    m_spWanted = m_spOpen = false;
    m_metaWritten = m_metaMark = false;
    if (auto r = stepHot(Hot::Begin); !r)
        return r;
    m_inTransaction = true;
    // The first read of the transaction: fixes its snapshot and tells whether another
    // process committed since the cache was filled.
    if (auto r = checkDataVersion(); !r) {
        rollback();
        return r;
    }
    m_cacheAge.start();
    return Ok{};
}

Status SqlStore::commit()
{
    // The collectionVersions assigned in memory need no write of their own: each is the
    // collection_version of a keg row this transaction wrote.
    if (auto r = stepHot(Hot::Commit); !r)
        return r;
    m_inTransaction = false;
    if (m_metaWritten) {
        forgetReads();
    } else {
        // The cache holds committed rows: bring their counters up to what was just written.
        for (auto it = m_cv.cbegin(); it != m_cv.cend(); ++it) {
            if (auto c = m_dbCache.find(it.key()); c != m_dbCache.end() && c->has_value())
                (*c)->collectionVersion = it.value();
        }
    }
    m_cv.clear();
    m_cvUndo.clear();
    m_metaWritten = false;
    forgetTxReads();
    return Ok{};
}

void SqlStore::rollback()
{
    (void)stepHot(Hot::Rollback);
    m_inTransaction = false;
    m_cv.clear();
    m_cvUndo.clear();
    m_spWanted = m_spOpen = false;
    if (m_metaWritten)
        forgetReads();
    m_metaWritten = false;
    forgetTxReads();
}

Status SqlStore::savepoint(bool singleWrite)
{
    m_cvUndo.clear();
    m_metaMark = m_metaWritten;
    m_spWanted = !singleWrite;
    m_spOpen = false;
    return Ok{};
}

Status SqlStore::beforeWrite()
{
    if (!m_spWanted || m_spOpen)
        return Ok{};
    if (auto r = stepHot(Hot::Savepoint); !r)
        return r;
    m_spOpen = true;
    return Ok{};
}

Status SqlStore::release()
{
    Status r = Ok{};
    if (m_spOpen)
        r = stepHot(Hot::Release);
    m_spWanted = m_spOpen = false;
    m_cvUndo.clear();
    return r;
}

void SqlStore::rollbackToSavepoint()
{
    for (auto it = m_cvUndo.cbegin(); it != m_cvUndo.cend(); ++it) {
        if (it.value() == 0)
            m_cv.remove(it.key());
        else
            m_cv.insert(it.key(), it.value());
    }
    m_cvUndo.clear();
    forgetTxReads();
    if (m_spOpen) {
        (void)stepHot(Hot::RollbackTo);
        (void)stepHot(Hot::Release);
        // The job's writes are undone: if the transaction had not written dbs/members
        // before it, the committed cache describes its snapshot again. Without a savepoint
        // a write may have stayed, so the flag stays too.
        m_metaWritten = m_metaMark;
    }
    m_spWanted = m_spOpen = false;
}

void SqlStore::setCv(const QByteArray &dbId, quint64 v)
{
    if (!m_cvUndo.contains(dbId))
        m_cvUndo.insert(dbId, m_cv.value(dbId, 0));
    m_cv.insert(dbId, v);
}

Maybe<DbRecord> SqlStore::db(const QByteArray &dbId)
{
    // Inside a transaction: the collectionVersion assigned in memory, not yet written.
    const auto withCv = [this, &dbId](std::optional<DbRecord> d) {
        if (d && m_inTransaction) {
            if (auto it = m_cv.constFind(dbId); it != m_cv.cend())
                d->collectionVersion = *it;
        }
        return d;
    };
    const bool cache = cacheUsable();
    if (cache) {
        if (auto it = m_dbCache.constFind(dbId); it != m_dbCache.cend())
            return withCv(*it);
    } else if (auto it = m_txDbCache.constFind(dbId); it != m_txDbCache.cend()) {
        return withCv(*it);
    }
    sqlite3_stmt *s = hot(Hot::SelectDb);
    if (!s)
        return hotFailure();
    std::optional<DbRecord> out;
    {
        Reset reset{s};
        bindBytes(s, 1, dbId);
        const int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
            out = DbRecord{blobAt(s, 0), DbKind(sqlite3_column_int(s, 1)), textAt(s, 2), textAt(s, 3),
                           quint64(sqlite3_column_int64(s, 4))};
        else if (rc != SQLITE_DONE)
            return hotFailure();
    }
    if (cache)
        m_dbCache.insert(dbId, out);
    else
        m_txDbCache.insert(dbId, out);
    return withCv(out);
}

Result<quint64> SqlStore::nextCollectionVersion(const QByteArray &dbId)
{
    // Assigned in memory: the stored value is read once per DB (cached across transactions
    // while nothing else writes the file) and the latest one written back by commit(),
    // instead of an UPDATE per keg. One connection, one writer at a time.
    if (!m_inTransaction)
        return makeError(StoreError::Failed, QStringLiteral("collectionVersion outside a transaction"));
    if (auto it = m_cv.constFind(dbId); it != m_cv.cend()) {
        const quint64 v = *it + 1;
        setCv(dbId, v);
        return v;
    }
    auto d = db(dbId);
    if (!d)
        return d.error();
    if (!*d)
        return makeError(StoreError::Failed, QStringLiteral("no such KegDB"));
    const quint64 v = (*d)->collectionVersion + 1;
    setCv(dbId, v);
    return v;
}

void SqlStore::giveBackCollectionVersion(const QByteArray &dbId, quint64 v)
{
    if (auto it = m_cv.constFind(dbId); it != m_cv.cend() && *it == v)
        setCv(dbId, v - 1);
}

Maybe<MemberRecord> SqlStore::member(const QByteArray &dbId, const QString &username)
{
    const bool cache = cacheUsable();
    const QPair<QByteArray, QString> key{dbId, username};
    if (cache) {
        if (auto it = m_memberCache.constFind(key); it != m_memberCache.cend())
            return *it;
    } else if (auto it = m_txMemberCache.constFind(key); it != m_txMemberCache.cend()) {
        return *it;
    }
    sqlite3_stmt *s = hot(Hot::SelectMember);
    if (!s)
        return hotFailure();
    std::optional<MemberRecord> out;
    {
        Reset reset{s};
        const QByteArray name = username.toUtf8();
        bindBytes(s, 1, dbId);
        bindText(s, 2, name);
        const int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
            out = MemberRecord{blobAt(s, 0),
                               textAt(s, 1),
                               sqlite3_column_int(s, 2),
                               sqlite3_column_int(s, 3),
                               textAt(s, 4),
                               sqlite3_column_type(s, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 5)};
        else if (rc != SQLITE_DONE)
            return hotFailure();
    }
    if (cache)
        m_memberCache.insert(key, out);
    else
        m_txMemberCache.insert(key, out);
    return out;
}

Result<bool> SqlStore::insertKegIfAbsent(const KegRecord &k)
{
    if (auto w = beforeWrite(); !w)
        return w.error();
    sqlite3_stmt *s = hot(Hot::InsertKeg);
    if (!s)
        return hotFailure();
    Reset reset{s};
    const QByteArray author = k.author.toUtf8();
    bindBytes(s, 1, k.dbId);
    bindBytes(s, 2, k.kegId);
    sqlite3_bind_int64(s, 3, qint64(k.version));
    bindText(s, 4, author);
    sqlite3_bind_int(s, 5, k.kegType);
    sqlite3_bind_int64(s, 6, qint64(k.collectionVersion));
    sqlite3_bind_int(s, 7, k.deleted ? 1 : 0);
    if (k.deleted)
        sqlite3_bind_null(s, 8);
    else
        bindBytes(s, 8, k.data);
    if (sqlite3_step(s) != SQLITE_DONE)
        return hotFailure();
    return sqlite3_changes(m_handle) > 0;
}

} // namespace tavern::server
