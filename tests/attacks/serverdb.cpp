#include "serverdb.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

namespace tavern::test {

ServerDb::ServerDb(QString path)
    : m_path(std::move(path)), m_name(QStringLiteral("attacker-") + QUuid::createUuid().toString())
{}

ServerDb::~ServerDb()
{
    if (QSqlDatabase::contains(m_name)) {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
}

bool ServerDb::open()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    db.setDatabaseName(m_path);
    // Wait for the server's write transactions instead of failing on them.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open()) {
        m_error = db.lastError().text();
        return false;
    }
    return true;
}

bool ServerDb::exec(const QString &sql, const QVariantList &args)
{
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    if (!q.prepare(sql)) {
        m_error = q.lastError().text();
        return false;
    }
    for (const QVariant &a : args)
        q.addBindValue(a);
    if (!q.exec()) {
        m_error = sql + QStringLiteral(": ") + q.lastError().text();
        return false;
    }
    q.finish();
    return true;
}

QList<QVariantList> ServerDb::select(const QString &sql, const QVariantList &args)
{
    QList<QVariantList> rows;
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        m_error = q.lastError().text();
        return rows;
    }
    for (const QVariant &a : args)
        q.addBindValue(a);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return rows;
    }
    while (q.next()) {
        QVariantList row;
        for (int c = 0; c < q.record().count(); ++c)
            row << q.value(c);
        rows << row;
    }
    q.finish(); // no read snapshot is kept open behind the server's back
    return rows;
}

bool ServerDb::transaction(const std::function<bool()> &body)
{
    if (!exec(QStringLiteral("BEGIN IMMEDIATE")))
        return false;
    if (!body()) {
        const QString why = m_error;
        (void)exec(QStringLiteral("ROLLBACK"));
        m_error = why;
        return false;
    }
    return exec(QStringLiteral("COMMIT"));
}

std::optional<quint64> ServerDb::nextCollectionVersion(const QByteArray &dbId)
{
    // As the server counts: one past the DB's newest keg.
    const auto rows =
        select(QStringLiteral("SELECT COALESCE(MAX(collection_version), 0) + 1 FROM kegs WHERE db_id = ?"), {dbId});
    if (rows.isEmpty())
        return std::nullopt;
    return rows.first().value(0).toULongLong();
}

QList<ServerDb::BootRow> ServerDb::bootKegs(const QByteArray &roomId)
{
    QList<BootRow> out;
    for (const QVariantList &r : select(QStringLiteral("SELECT version, hash, signer, data FROM bootkegs "
                                                       "WHERE db_id = ? ORDER BY version"),
                                        {roomId}))
        out.append({r[0].toULongLong(), r[1].toByteArray(), r[2].toString(), r[3].toByteArray()});
    return out;
}

bool ServerDb::insertBootKeg(const QByteArray &roomId, const BootRow &row)
{
    return exec(QStringLiteral("INSERT INTO bootkegs (db_id, version, hash, signer, data, created_ms) "
                               "VALUES (?, ?, ?, ?, ?, 0)"),
                {roomId, qint64(row.version), row.hash, row.signer, row.data});
}

bool ServerDb::deleteBootKegsFrom(const QByteArray &roomId, quint64 version)
{
    return exec(QStringLiteral("DELETE FROM bootkegs WHERE db_id = ? AND version >= ?"), {roomId, qint64(version)});
}

QList<ServerDb::MemberRow> ServerDb::members(const QByteArray &roomId)
{
    QList<MemberRow> out;
    for (const QVariantList &r : select(QStringLiteral("SELECT username, role, state, invited_by FROM members "
                                                       "WHERE db_id = ? ORDER BY username"),
                                        {roomId}))
        out.append({r[0].toString(), r[1].toInt(), r[2].toInt(), r[3].toString()});
    return out;
}

bool ServerDb::setMembers(const QByteArray &roomId, const QList<MemberRow> &rows)
{
    return transaction([&] {
        if (!exec(QStringLiteral("DELETE FROM members WHERE db_id = ?"), {roomId}))
            return false;
        for (const MemberRow &m : rows) {
            if (!exec(QStringLiteral("INSERT INTO members (db_id, username, role, state, invited_by) "
                                     "VALUES (?, ?, ?, ?, ?)"),
                      {roomId, m.username, m.role, m.state, m.invitedBy}))
                return false;
        }
        return true;
    });
}

bool ServerDb::setMemberState(const QByteArray &roomId, const QString &username, int state)
{
    return exec(QStringLiteral("UPDATE members SET state = ? WHERE db_id = ? AND username = ?"),
                {state, roomId, username});
}

QList<ServerDb::KegRow> ServerDb::kegs(const QByteArray &dbId)
{
    QList<KegRow> out;
    for (const QVariantList &r : select(QStringLiteral("SELECT keg_id, version, author, keg_type, collection_version, "
                                                       "data FROM kegs WHERE db_id = ? ORDER BY collection_version"),
                                        {dbId}))
        out.append({r[0].toByteArray(), r[1].toULongLong(), r[2].toString(), r[3].toInt(), r[4].toULongLong(),
                    r[5].toByteArray()});
    return out;
}

std::optional<ServerDb::KegRow> ServerDb::keg(const QByteArray &dbId, const QByteArray &kegId)
{
    for (const KegRow &k : kegs(dbId)) {
        if (k.kegId == kegId)
            return k;
    }
    return std::nullopt;
}

bool ServerDb::rewriteKeg(const QByteArray &dbId, const QByteArray &kegId, const QByteArray &data,
                          const QString &author, bool moveToEnd)
{
    return transaction([&] {
        if (!exec(QStringLiteral("UPDATE kegs SET data = ?, author = ? WHERE db_id = ? AND keg_id = ?"),
                  {data, author, dbId, kegId}))
            return false;
        if (!moveToEnd)
            return true;
        const auto cv = nextCollectionVersion(dbId);
        return cv
               && exec(QStringLiteral("UPDATE kegs SET collection_version = ? WHERE db_id = ? AND keg_id = ?"),
                       {qint64(*cv), dbId, kegId});
    });
}

bool ServerDb::deleteKeg(const QByteArray &dbId, const QByteArray &kegId)
{
    return transaction([&] {
        return exec(QStringLiteral("DELETE FROM kegs WHERE db_id = ? AND keg_id = ?"), {dbId, kegId});
    });
}

bool ServerDb::insertKeg(const QByteArray &dbId, const QByteArray &kegId, const QByteArray &data, const QString &author,
                         int type)
{
    return transaction([&] {
        const auto cv = nextCollectionVersion(dbId);
        return cv
               && exec(QStringLiteral("INSERT INTO kegs (db_id, keg_id, version, author, keg_type, "
                                      "collection_version, deleted, data) VALUES (?, ?, 1, ?, ?, ?, 0, ?)"),
                       {dbId, kegId, author, type, qint64(*cv), data});
    });
}

bool ServerDb::restoreKeg(const QByteArray &dbId, const KegRow &row)
{
    return transaction([&] {
        return exec(
            QStringLiteral("INSERT INTO kegs (db_id, keg_id, version, author, keg_type, collection_version, "
                           "deleted, data) VALUES (?, ?, ?, ?, ?, ?, 0, ?)"),
            {dbId, row.kegId, qint64(row.version), row.author, row.type, qint64(row.collectionVersion), row.data});
    });
}

bool ServerDb::tombstone(const QByteArray &dbId, const QByteArray &kegId)
{
    return transaction([&] {
        const auto cv = nextCollectionVersion(dbId);
        return cv
               && exec(QStringLiteral("UPDATE kegs SET version = version + 1, collection_version = ?, deleted = 1, "
                                      "data = X'' WHERE db_id = ? AND keg_id = ?"),
                       {qint64(*cv), dbId, kegId});
    });
}

bool ServerDb::undelete(const QByteArray &dbId, const QByteArray &kegId, const QByteArray &data)
{
    return transaction([&] {
        const auto cv = nextCollectionVersion(dbId);
        return cv
               && exec(QStringLiteral("UPDATE kegs SET collection_version = ?, deleted = 0, data = ? "
                                      "WHERE db_id = ? AND keg_id = ?"),
                       {qint64(*cv), data, dbId, kegId});
    });
}

bool ServerDb::swapOrder(const QByteArray &dbId, const QByteArray &kegA, const QByteArray &kegB)
{
    const auto a = keg(dbId, kegA);
    const auto b = keg(dbId, kegB);
    if (!a || !b)
        return false;
    // The collection version is unique per DB: park one keg on an unused number first.
    return transaction([&] {
        const QString set = QStringLiteral("UPDATE kegs SET collection_version = ? WHERE db_id = ? AND keg_id = ?");
        return exec(set, {qint64(-1), dbId, kegA}) && exec(set, {qint64(a->collectionVersion), dbId, kegB})
               && exec(set, {qint64(b->collectionVersion), dbId, kegA});
    });
}

std::optional<ServerDb::UserKeys> ServerDb::userKeys(const QString &username)
{
    const auto rows =
        select(QStringLiteral("SELECT sign_key, box_key, signup_sig FROM users WHERE username = ?"), {username});
    if (rows.isEmpty())
        return std::nullopt;
    return UserKeys{rows[0][0].toByteArray(), rows[0][1].toByteArray(), rows[0][2].toByteArray()};
}

bool ServerDb::setUserKeys(const QString &username, const UserKeys &keys)
{
    return exec(QStringLiteral("UPDATE users SET sign_key = ?, box_key = ?, signup_sig = ? WHERE username = ?"),
                {keys.signKey, keys.boxKey, keys.signupSig, username});
}

} // namespace tavern::test
