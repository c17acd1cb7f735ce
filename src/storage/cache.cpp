#include "cache.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

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
};

Error sqlError(const QSqlQuery &q, const QString &what)
{
    return Error{int(CacheError::Sql),
                 QStringLiteral("The local cache could not %1: %2").arg(what, q.lastError().text())};
}

} // namespace

Cache::Cache() : m_connection(QStringLiteral("tavern-cache-") + QUuid::createUuid().toString()) {}

Cache::~Cache() { close(); }

Status Cache::open(const QString &path)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    if (!db.open())
        return Error{int(CacheError::Sql),
                     QStringLiteral("The local cache %1 can't be opened: %2. Check that the "
                                    "folder exists and is writable.")
                         .arg(path, db.lastError().text())};
    QSqlQuery q(db);
    // WAL for concurrent reads; FULL so a committed batch and its cursor survive a crash.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000"}) {
        if (!q.exec(QString::fromLatin1(pragma)))
            return sqlError(q, QStringLiteral("be configured"));
    }
    return migrate();
}

void Cache::close()
{
    m_statements.clear(); // queries must go before their connection
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
