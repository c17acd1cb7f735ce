#include "sqlstore.h"

#include "walbatch.h"

#include <QDateTime>
#include <QSqlError>
#include <QUuid>
#include <QVariant>

namespace tavern::server {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

DbRecord dbFrom(const QSqlQuery &q)
{
    return DbRecord{q.value(0).toByteArray(), DbKind(q.value(1).toInt()), q.value(2).toString(), q.value(3).toString(),
                    q.value(4).toULongLong()};
}

// dbs.collection_version is not kept up to date (see sqlstorehot.cpp): a DB's collection
// version is its newest keg's.
const QString DbCols =
    QStringLiteral("d.db_id, d.kind, d.owner, d.peer, "
                   "COALESCE((SELECT MAX(k.collection_version) FROM kegs k WHERE k.db_id = d.db_id), 0)");

} // namespace

SqlStore::SqlStore(QString path, QString sync)
    : m_path(std::move(path)), m_sync(std::move(sync)),
      m_connectionName(QStringLiteral("tavern-store-") + QUuid::createUuid().toString())
{}

SqlStore::~SqlStore()
{
    close();
}

Error SqlStore::failure(const QSqlQuery &q) const
{
    return makeError(StoreError::Failed, QStringLiteral("storage error: %1").arg(q.lastError().text()));
}

QSqlQuery &SqlStore::prepared(const QString &sql)
{
    auto it = m_queries.find(sql);
    if (it == m_queries.end()) {
        it = m_queries.insert(sql, QSqlQuery(m_db));
        it->setForwardOnly(true);
        it->prepare(sql);
    }
    return *it;
}

Status SqlStore::run(QSqlQuery &q)
{
    if (!q.exec())
        return failure(q);
    return Ok{};
}

Status SqlStore::exec(const QString &sql)
{
    QSqlQuery q(m_db);
    if (!q.exec(sql))
        return failure(q);
    return Ok{};
}

Status SqlStore::open()
{
    // Every connection of this process writes its WAL through the batching shim (walbatch.h).
    installWalBatchVfs();
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    // A writer waits for another (a backup tool, sqlite3 shell) instead of failing at once.
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open())
        return makeError(StoreError::Failed, QStringLiteral("cannot open %1: %2").arg(m_path, m_db.lastError().text()));
    if (auto r = attachHandle(); !r)
        return r;
    for (const QString &pragma :
         {QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=") + m_sync.toUpper(),
          QStringLiteral("PRAGMA foreign_keys=ON")}) {
        if (auto r = exec(pragma); !r)
            return r;
    }
    return migrate();
}

Status SqlStore::migrate()
{
    if (auto r = exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")); !r)
        return r;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT version FROM schema_version")))
        return failure(q);
    const int current = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    const auto all = migrations(SqlDialect::Sqlite);
    if (current > int(all.size()))
        return makeError(
            StoreError::Corrupt,
            QStringLiteral("database schema version %1 is newer than this server (%2)").arg(current).arg(all.size()));
    for (int v = current; v < int(all.size()); ++v) {
        if (auto r = begin(); !r)
            return r;
        for (const QString &sql : all[size_t(v)]) {
            if (auto r = exec(sql); !r) {
                rollback();
                return r;
            }
        }
        const QString bump = v == 0 ? QStringLiteral("INSERT INTO schema_version (version) VALUES (1)")
                                    : QStringLiteral("UPDATE schema_version SET version = %1").arg(v + 1);
        if (auto r = exec(bump); !r) {
            rollback();
            return r;
        }
        if (auto r = commit(); !r)
            return r;
    }
    return Ok{};
}

void SqlStore::close()
{
    if (!m_db.isValid())
        return;
    finalizeHot();
    m_queries.clear();
    if (m_db.isOpen()) {
        // Fold the WAL back into the main file so a clean stop leaves one file behind.
        (void)exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        m_db.close();
    }
    m_handle = nullptr;
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Maybe<UserRecord> SqlStore::user(const QString &username)
{
    QSqlQuery &q =
        prepared(QStringLiteral("SELECT username, sign_key, box_key, signup_sig FROM users WHERE username = ?"));
    q.addBindValue(username);
    if (auto r = run(q); !r)
        return r.error();
    std::optional<UserRecord> out;
    if (q.next())
        out = UserRecord{q.value(0).toString(), q.value(1).toByteArray(), q.value(2).toByteArray(),
                         q.value(3).toByteArray()};
    q.finish();
    return out;
}

Status SqlStore::insertUser(const UserRecord &u)
{
    if (auto r = beforeWrite(); !r)
        return r;
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO users (username, sign_key, box_key, "
                                           "signup_sig, created_ms) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(u.username);
    q.addBindValue(u.signKey);
    q.addBindValue(u.boxKey);
    q.addBindValue(u.signupSig);
    q.addBindValue(nowMs());
    return run(q);
}

Status SqlStore::insertDb(const DbRecord &d)
{
    if (auto r = beforeWrite(); !r)
        return r;
    metaWrite();
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO dbs (db_id, kind, owner, peer, "
                                           "collection_version, created_ms) VALUES (?, ?, ?, ?, ?, ?)"));
    q.addBindValue(d.dbId);
    q.addBindValue(int(d.kind));
    q.addBindValue(d.owner.isEmpty() ? QVariant() : QVariant(d.owner));
    q.addBindValue(d.peer.isEmpty() ? QVariant() : QVariant(d.peer));
    q.addBindValue(qint64(d.collectionVersion));
    q.addBindValue(nowMs());
    return run(q);
}

Result<std::vector<DbRecord>> SqlStore::dbsOf(const QString &username)
{
    QSqlQuery &q = prepared(
        QStringLiteral("SELECT ") + DbCols
        + QStringLiteral(" FROM dbs d WHERE d.owner = ? OR d.peer = ? "
                         "UNION ALL SELECT ")
        + DbCols
        + QStringLiteral(" FROM dbs d "
                         "JOIN members m ON m.db_id = d.db_id WHERE m.username = ? AND m.state = 1 AND NOT EXISTS "
                         "(SELECT 1 FROM requests r WHERE r.db_id = m.db_id AND r.username = m.username)"));
    q.addBindValue(username);
    q.addBindValue(username);
    q.addBindValue(username);
    if (auto r = run(q); !r)
        return r.error();
    std::vector<DbRecord> out;
    while (q.next())
        out.push_back(dbFrom(q));
    q.finish();
    return out;
}

} // namespace tavern::server
