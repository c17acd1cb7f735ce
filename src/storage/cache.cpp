#include "cache.h"

#include <QDateTime>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

#include <sqlite3.h>

namespace tavern::storage {

namespace {

// Each entry migrates from version i to i+1; never edit a published one, append.
const QStringList Migrations[] = {
    {
        QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)"),
        QStringLiteral("CREATE TABLE dbs (db_id BLOB PRIMARY KEY, kind INTEGER NOT NULL, "
                       "name TEXT NOT NULL DEFAULT '', cursor INTEGER NOT NULL DEFAULT 0)"),
        QStringLiteral("CREATE TABLE kegs (db_id BLOB NOT NULL, keg_id BLOB NOT NULL, "
                       "collection_version INTEGER NOT NULL, data BLOB, deleted INTEGER NOT NULL, "
                       "PRIMARY KEY (db_id, keg_id))"),
        QStringLiteral("CREATE TABLE bootkegs (room_id BLOB NOT NULL, version INTEGER NOT NULL, "
                       "data BLOB NOT NULL, PRIMARY KEY (room_id, version))"),
        QStringLiteral("CREATE TABLE pins (room_id BLOB PRIMARY KEY, version INTEGER NOT NULL, "
                       "hash BLOB NOT NULL)"),
        QStringLiteral("CREATE TABLE room_keys (room_id BLOB NOT NULL, generation INTEGER NOT NULL, "
                       "sealed BLOB NOT NULL, PRIMARY KEY (room_id, generation))"),
        QStringLiteral("CREATE TABLE contacts (username TEXT PRIMARY KEY, sign_pk BLOB NOT NULL, "
                       "box_pk BLOB NOT NULL, trust INTEGER NOT NULL, pending_sign_pk BLOB, "
                       "pending_box_pk BLOB, updated_ms INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE messages (db_id BLOB NOT NULL, keg_id BLOB NOT NULL, "
                       "author TEXT NOT NULL, counter INTEGER NOT NULL, hash BLOB NOT NULL, "
                       "prev_hash BLOB NOT NULL, "
                       "kind INTEGER NOT NULL, target BLOB, body BLOB NOT NULL, "
                       "sent_ms INTEGER NOT NULL, server_order INTEGER NOT NULL, "
                       "PRIMARY KEY (db_id, keg_id))"),
        QStringLiteral("CREATE INDEX messages_order ON messages (db_id, server_order)"),
        QStringLiteral("CREATE TABLE notices (id INTEGER PRIMARY KEY AUTOINCREMENT, db_id BLOB, "
                       "kind TEXT NOT NULL, summary TEXT NOT NULL, evidence TEXT NOT NULL, "
                       "at_ms INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, db_id BLOB, "
                       "keg_id BLOB, op TEXT NOT NULL, payload BLOB NOT NULL, state INTEGER NOT NULL, "
                       "error TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, "
                       "created_ms INTEGER NOT NULL)"),
    },
    {
        // Edits and redactions are rows of `messages` (kind 1 edit, 2 own redaction, 3 a
        // redaction by a role allowed to remove others' messages, 9 refused: kept only for
        // the author's chain) naming their target; read receipts bound to a message hash.
        QStringLiteral("CREATE INDEX messages_target ON messages (db_id, target)"),
        QStringLiteral("CREATE TABLE receipts (db_id BLOB NOT NULL, target BLOB NOT NULL, "
                       "reader TEXT NOT NULL, hash BLOB NOT NULL, keg_id BLOB NOT NULL, "
                       "at_ms INTEGER NOT NULL, PRIMARY KEY (db_id, target, reader))"),
    },
    {
        // A page of a room looks up its own messages' delivery states in the outbox, which
        // keeps every item ever sent: without an index each page read scans all of it.
        QStringLiteral("CREATE INDEX outbox_keg ON outbox (db_id, keg_id)"),
    },
    {
        // Collection versions a keg.list skipped (client/sync.cpp, storage::Hole): kept until a
        // keg is served there, as the "history-incomplete" marker's data.
        QStringLiteral("CREATE TABLE holes (db_id BLOB NOT NULL, from_cv INTEGER NOT NULL, "
                       "to_cv INTEGER NOT NULL, state INTEGER NOT NULL, PRIMARY KEY (db_id, from_cv))"),
    },
};

Error sqlError(const QSqlQuery &q, const QString &what)
{
    return Error{int(CacheError::Sql),
                 QStringLiteral("The local cache could not %1: %2").arg(what, q.lastError().text())};
}

} // namespace

Cache::Cache() : m_connection(QStringLiteral("tavern-cache-") + QUuid::createUuid().toString()) {}

Cache::~Cache()
{
    close();
}

Status Cache::open(const QString &path)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    if (!db.open())
        return Error{int(CacheError::Sql), QStringLiteral("The local cache %1 can't be opened: %2. Check that the "
                                                          "folder exists and is writable.")
                                               .arg(path, db.lastError().text())};
    QSqlQuery q(db);
    // WAL for concurrent reads; FULL so a committed batch and its cursor survive a crash.
    for (const char *pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000",
          // 16 MiB of pages (at most; default 2 MiB): the sync inserts into
          // indexes keyed by random keg ids, which a small cache re-reads
          // from the OS for almost every row once a room is large.
          "PRAGMA cache_size=-16384",
          // Checkpoint at 64 MiB of WAL instead of 4 MiB: a sync rewrites the
          // same index pages again and again, and each checkpoint waits for
          // the disk (fsync); fewer, larger ones write each page back once.
          "PRAGMA wal_autocheckpoint=16384"}) {
        if (!q.exec(QString::fromLatin1(pragma)))
            return sqlError(q, QStringLiteral("be configured"));
    }
    const QVariant h = db.driver()->handle();
    if (h.isValid() && qstrcmp(h.typeName(), "sqlite3*") == 0)
        m_handle = *static_cast<sqlite3 *const *>(h.constData());
    if (!m_handle)
        return Error{int(CacheError::Sql), QStringLiteral("The local cache %1 can't be opened: the SQLite "
                                                          "driver exposes no handle.")
                                               .arg(path)};
    return migrate();
}

void Cache::close()
{
    m_statements.clear(); // queries must go before their connection
    finalizeHot();
    m_handle = nullptr;
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

bool Cache::isOpen() const
{
    return QSqlDatabase::contains(m_connection) && QSqlDatabase::database(m_connection, false).isOpen();
}

Status Cache::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return sqlError(q, QStringLiteral("read its schema version"));
    const int current = q.value(0).toInt();
    const int latest = int(std::size(Migrations));
    if (current > latest)
        return Error{int(CacheError::Corrupt),
                     QStringLiteral("The local cache was written by a newer Tavern (schema %1). "
                                    "Update Tavern, or remove the profile's cache to resync.")
                         .arg(current)};
    for (int v = current; v < latest; ++v) {
        auto r = transaction([&]() -> Status {
            for (const QString &sql : Migrations[v]) {
                if (!q.exec(sql))
                    return sqlError(q, QStringLiteral("be upgraded"));
            }
            if (!q.exec(QStringLiteral("PRAGMA user_version = %1").arg(v + 1)))
                return sqlError(q, QStringLiteral("be upgraded"));
            return Ok{};
        });
        if (!r)
            return r;
    }
    return Ok{};
}

Status Cache::transaction(const std::function<Status()> &body)
{
    // Nested: part of the enclosing transaction (its failure fails the outer one, whose body
    // passes the error on).
    if (m_depth > 0)
        return body();
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return Error{int(CacheError::Sql), QStringLiteral("The local cache is busy: %1").arg(db.lastError().text())};
    ++m_depth;
    Status r = body();
    --m_depth;
    if (!r) {
        db.rollback();
        return r;
    }
    if (!db.commit()) {
        const QString why = db.lastError().text();
        db.rollback();
        return Error{int(CacheError::Sql), QStringLiteral("The local cache could not save: %1").arg(why)};
    }
    return Ok{};
}

Status Cache::relaxedTransaction(const std::function<Status()> &body)
{
    if (m_depth > 0 || !m_handle)
        return transaction(body);
    (void)sqlite3_exec(m_handle, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
    Status r = transaction(body);
    (void)sqlite3_exec(m_handle, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
    return r;
}

Result<QSqlQuery *> Cache::prepared(const QString &sql)
{
    auto it = m_statements.find(sql);
    if (it != m_statements.end())
        return it->second.get();
    auto q = std::make_unique<QSqlQuery>(QSqlDatabase::database(m_connection, false));
    q->setForwardOnly(true);
    if (!q->prepare(sql))
        return sqlError(*q, QStringLiteral("prepare a statement"));
    QSqlQuery *raw = q.get();
    m_statements.emplace(sql, std::move(q));
    return raw;
}

namespace {
const char *const HotSql[] = {
    // Cache::putKeg
    "INSERT INTO kegs (db_id, keg_id, collection_version, data, deleted) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (db_id, keg_id) DO UPDATE SET collection_version = excluded.collection_version, "
    "data = excluded.data, deleted = excluded.deleted "
    "WHERE excluded.collection_version > kegs.collection_version",
    // Cache::putMessage
    "INSERT INTO messages (db_id, keg_id, author, counter, hash, prev_hash, kind, target, body, sent_ms, "
    "server_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (db_id, keg_id) DO UPDATE SET server_order = excluded.server_order",
};

// Binds without copying (the caller keeps the bytes alive until the step). A null pointer
// would make SQLite store NULL, so an empty value points at a static empty string.
int bindBlob(sqlite3_stmt *s, int i, QByteArrayView b)
{
    return sqlite3_bind_blob(s, i, b.isEmpty() ? "" : b.data(), int(b.size()), SQLITE_STATIC);
}

// Resets the statement and drops its bindings' pointers when the scope ends.
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

sqlite3_stmt *Cache::hot(Hot which)
{
    static_assert(std::size(HotSql) == std::size_t(Hot::Count));
    sqlite3_stmt *&s = m_hot[int(which)];
    if (!s && m_handle
        && sqlite3_prepare_v3(m_handle, HotSql[int(which)], -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
        s = nullptr;
    return s;
}

void Cache::finalizeHot()
{
    for (sqlite3_stmt *&s : m_hot) {
        sqlite3_finalize(s);
        s = nullptr;
    }
}

Status Cache::hotFailure(const QString &what) const
{
    return Error{int(CacheError::Sql),
                 QStringLiteral("The local cache could not %1: %2")
                     .arg(what, m_handle ? QString::fromUtf8(sqlite3_errmsg(m_handle)) : QStringLiteral("not open"))};
}

Status Cache::putKeg(const CachedKeg &k)
{
    sqlite3_stmt *s = hot(Hot::PutKeg);
    if (!s)
        return hotFailure(QStringLiteral("prepare a statement"));
    Reset reset{s};
    bindBlob(s, 1, k.dbId);
    bindBlob(s, 2, k.kegId);
    sqlite3_bind_int64(s, 3, sqlite3_int64(k.collectionVersion));
    bindBlob(s, 4, k.data); // a null QByteArray as an empty blob, as before
    sqlite3_bind_int(s, 5, int(k.deleted));
    if (sqlite3_step(s) != SQLITE_DONE)
        return hotFailure(QStringLiteral("write"));
    return Ok{};
}

Status Cache::putMessage(const MessageRow &m)
{
    sqlite3_stmt *s = hot(Hot::PutMessage);
    if (!s)
        return hotFailure(QStringLiteral("prepare a statement"));
    Reset reset{s};
    bindBlob(s, 1, m.dbId);
    bindBlob(s, 2, m.kegId);
    sqlite3_bind_text(s, 3, m.authorUtf8.isEmpty() ? "" : m.authorUtf8.data(), int(m.authorUtf8.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, m.counter);
    bindBlob(s, 5, m.hash);
    bindBlob(s, 6, m.previousHash);
    sqlite3_bind_int(s, 7, m.kind);
    if (m.target.isNull())
        sqlite3_bind_null(s, 8);
    else
        bindBlob(s, 8, m.target);
    bindBlob(s, 9, m.body);
    sqlite3_bind_int64(s, 10, m.sentMs);
    sqlite3_bind_int64(s, 11, m.serverOrder);
    if (sqlite3_step(s) != SQLITE_DONE)
        return hotFailure(QStringLiteral("write"));
    return Ok{};
}

Result<std::vector<std::vector<QVariant>>> Cache::select(const QString &sql, const QVariantList &args)
{
    auto prep = prepared(sql);
    if (!prep)
        return prep.error();
    QSqlQuery &q = **prep;
    for (int i = 0; i < args.size(); ++i)
        q.bindValue(i, args[i]);
    if (!q.exec())
        return sqlError(q, QStringLiteral("read"));
    std::vector<std::vector<QVariant>> rows;
    const int columns = q.record().count();
    while (q.next()) {
        std::vector<QVariant> row;
        row.reserve(std::size_t(columns));
        for (int c = 0; c < columns; ++c)
            row.push_back(q.value(c));
        rows.push_back(std::move(row));
    }
    q.finish(); // release the read cursor so writers are not held up
    return rows;
}

Status Cache::exec(const QString &sql, const QVariantList &args)
{
    auto prep = prepared(sql);
    if (!prep)
        return prep.error();
    QSqlQuery &q = **prep;
    for (int i = 0; i < args.size(); ++i)
        q.bindValue(i, args[i]);
    if (!q.exec())
        return sqlError(q, QStringLiteral("write"));
    q.finish();
    return Ok{};
}

} // namespace tavern::storage
