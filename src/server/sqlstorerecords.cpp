// SqlStore, second half: kegs, boot-keg versions, room members and departure requests.
#include "sqlstore.h"

#include <QDateTime>
#include <QSqlError>
#include <QVariant>

namespace tavern::server {

namespace {

KegRecord kegFrom(const QSqlQuery &q)
{
    return KegRecord{q.value(0).toByteArray(), q.value(1).toByteArray(), q.value(2).toULongLong(),
                     q.value(3).toString(),    q.value(4).toInt(),       q.value(5).toULongLong(),
                     q.value(6).toInt() != 0,  q.value(7).toByteArray()};
}

BootKegRecord bootKegFrom(const QSqlQuery &q)
{
    return BootKegRecord{q.value(0).toByteArray(), q.value(1).toULongLong(), q.value(2).toByteArray(),
                         q.value(3).toString(), q.value(4).toByteArray()};
}

MemberRecord memberFrom(const QSqlQuery &q)
{
    return MemberRecord{q.value(0).toByteArray(), q.value(1).toString(), q.value(2).toInt(),
                        q.value(3).toInt(),       q.value(4).toString(), q.value(5).isNull() ? -1 : q.value(5).toInt()};
}

const QString KegSelect =
    QStringLiteral("SELECT db_id, keg_id, version, author, keg_type, collection_version, deleted, data FROM kegs ");
const QString BootSelect = QStringLiteral("SELECT db_id, version, hash, signer, data FROM bootkegs ");
const QString MemberSelect =
    QStringLiteral("SELECT m.db_id, m.username, m.role, m.state, m.invited_by, r.kind FROM members m "
                   "LEFT JOIN requests r ON r.db_id = m.db_id AND r.username = m.username ");

template <typename T, typename F> Result<std::vector<T>> collect(QSqlQuery &q, F from)
{
    std::vector<T> out;
    while (q.next())
        out.push_back(from(q));
    q.finish();
    return out;
}

} // namespace

Maybe<KegRecord> SqlStore::keg(const QByteArray &dbId, const QByteArray &kegId)
{
    QSqlQuery &q = prepared(KegSelect + QStringLiteral("WHERE db_id = ? AND keg_id = ?"));
    q.addBindValue(dbId);
    q.addBindValue(kegId);
    if (auto r = run(q); !r)
        return r.error();
    std::optional<KegRecord> out;
    if (q.next())
        out = kegFrom(q);
    q.finish();
    return out;
}

Status SqlStore::updateKeg(const KegRecord &k)
{
    if (auto w = beforeWrite(); !w)
        return w;
    QSqlQuery &q =
        prepared(QStringLiteral("UPDATE kegs SET version = ?, author = ?, keg_type = ?, collection_version = ?, "
                                "deleted = ?, data = ? WHERE db_id = ? AND keg_id = ?"));
    q.addBindValue(qint64(k.version));
    q.addBindValue(k.author);
    q.addBindValue(k.kegType);
    q.addBindValue(qint64(k.collectionVersion));
    q.addBindValue(k.deleted ? 1 : 0);
    q.addBindValue(k.deleted ? QVariant() : QVariant(k.data));
    q.addBindValue(k.dbId);
    q.addBindValue(k.kegId);
    return run(q);
}

Result<std::vector<KegRecord>> SqlStore::kegsSince(const QByteArray &dbId, quint64 since, int limit)
{
    QSqlQuery &q = prepared(
        KegSelect + QStringLiteral("WHERE db_id = ? AND collection_version > ? ORDER BY collection_version LIMIT ?"));
    q.addBindValue(dbId);
    q.addBindValue(qint64(since));
    q.addBindValue(limit);
    if (auto r = run(q); !r)
        return r.error();
    return collect<KegRecord>(q, kegFrom);
}

Maybe<BootKegRecord> SqlStore::bootKegHead(const QByteArray &dbId)
{
    QSqlQuery &q = prepared(BootSelect + QStringLiteral("WHERE db_id = ? ORDER BY version DESC LIMIT 1"));
    q.addBindValue(dbId);
    if (auto r = run(q); !r)
        return r.error();
    std::optional<BootKegRecord> out;
    if (q.next())
        out = bootKegFrom(q);
    q.finish();
    return out;
}

Result<std::vector<BootKegRecord>> SqlStore::bootKegs(const QByteArray &dbId, quint64 from, int limit)
{
    QSqlQuery &q = prepared(BootSelect + QStringLiteral("WHERE db_id = ? AND version >= ? ORDER BY version LIMIT ?"));
    q.addBindValue(dbId);
    q.addBindValue(qint64(from));
    q.addBindValue(limit);
    if (auto r = run(q); !r)
        return r.error();
    return collect<BootKegRecord>(q, bootKegFrom);
}

Status SqlStore::insertBootKeg(const BootKegRecord &b)
{
    if (auto w = beforeWrite(); !w)
        return w;
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO bootkegs (db_id, version, hash, signer, "
                                           "data, created_ms) VALUES (?, ?, ?, ?, ?, ?)"));
    q.addBindValue(b.dbId);
    q.addBindValue(qint64(b.version));
    q.addBindValue(b.hash);
    q.addBindValue(b.signer);
    q.addBindValue(b.data);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return run(q);
}

Result<std::vector<MemberRecord>> SqlStore::members(const QByteArray &dbId)
{
    const bool cache = cacheUsable();
    if (cache) {
        if (auto it = m_membersCache.constFind(dbId); it != m_membersCache.cend())
            return *it;
    }
    QSqlQuery &q = prepared(MemberSelect + QStringLiteral("WHERE m.db_id = ? ORDER BY m.username"));
    q.addBindValue(dbId);
    if (auto r = run(q); !r)
        return r.error();
    auto out = collect<MemberRecord>(q, memberFrom);
    if (cache && out)
        m_membersCache.insert(dbId, *out);
    return out;
}

Status SqlStore::setMembers(const QByteArray &dbId, const std::vector<MemberRecord> &members)
{
    if (auto w = beforeWrite(); !w)
        return w;
    metaWrite();
    QSqlQuery &del = prepared(QStringLiteral("DELETE FROM members WHERE db_id = ?"));
    del.addBindValue(dbId);
    if (auto r = run(del); !r)
        return r;
    QSqlQuery &ins = prepared(QStringLiteral("INSERT INTO members (db_id, username, role, state, "
                                             "invited_by) VALUES (?, ?, ?, ?, ?)"));
    for (const MemberRecord &m : members) {
        ins.addBindValue(dbId);
        ins.addBindValue(m.username);
        ins.addBindValue(m.role);
        ins.addBindValue(m.state);
        ins.addBindValue(m.invitedBy);
        if (auto r = run(ins); !r)
            return r;
    }
    // A processed leave/decline (its member is gone) must not haunt a later re-invitation.
    QSqlQuery &drop =
        prepared(QStringLiteral("DELETE FROM requests WHERE db_id = ? AND NOT EXISTS (SELECT 1 FROM members m WHERE "
                                "m.db_id = requests.db_id AND m.username = requests.username)"));
    drop.addBindValue(dbId);
    return run(drop);
}

Result<std::vector<MemberRecord>> SqlStore::invitationsOf(const QString &username)
{
    QSqlQuery &q = prepared(
        MemberSelect + QStringLiteral("WHERE m.username = ? AND m.state = 0 AND r.kind IS NULL ORDER BY m.db_id"));
    q.addBindValue(username);
    if (auto r = run(q); !r)
        return r.error();
    return collect<MemberRecord>(q, memberFrom);
}

Status SqlStore::insertRequest(const RequestRecord &r)
{
    if (auto w = beforeWrite(); !w)
        return w;
    metaWrite();
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO requests (db_id, username, kind, request, "
                                           "created_ms) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(r.dbId);
    q.addBindValue(r.username);
    q.addBindValue(r.kind);
    q.addBindValue(r.request);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return run(q);
}

Result<std::vector<RequestRecord>> SqlStore::requests(const QByteArray &dbId)
{
    QSqlQuery &q = prepared(
        QStringLiteral("SELECT db_id, username, kind, request FROM requests WHERE db_id = ? ORDER BY username"));
    q.addBindValue(dbId);
    if (auto r = run(q); !r)
        return r.error();
    return collect<RequestRecord>(q, [](const QSqlQuery &s) {
        return RequestRecord{s.value(0).toByteArray(), s.value(1).toString(), s.value(2).toInt(),
                             s.value(3).toByteArray()};
    });
}

} // namespace tavern::server
