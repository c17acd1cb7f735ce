// Cache: typed access to the synced and derived records (see cache.h).
#include "cache.h"

#include <QDateTime>

namespace tavern::storage {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
QVariant blob(const QByteArray &b)
{
    return QVariant(b.isNull() ? QByteArray("") : b);
}
} // namespace

Result<std::optional<QByteArray>> Cache::meta(const QString &key)
{
    auto rows = select(QStringLiteral("SELECT value FROM meta WHERE key = ?"), {key});
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<QByteArray>();
    return std::optional<QByteArray>(rows->front()[0].toByteArray());
}

Status Cache::setMeta(const QString &key, const QByteArray &value)
{
    return exec(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                {key, blob(value)});
}

Status Cache::upsertDb(const QByteArray &dbId, int kind, const QString &name)
{
    // A null name (db.list names no personal DB or room) is bound as SQL NULL, which the NOT
    // NULL column refused: the personal DB never had a row, so no cursor, and was listed from
    // 0 on every sync. Stored as '', and a name already known is not blanked.
    return exec(QStringLiteral("INSERT INTO dbs (db_id, kind, name) VALUES (?, ?, ?) "
                               "ON CONFLICT (db_id) DO UPDATE SET name = excluded.name WHERE excluded.name <> ''"),
                {dbId, kind, name.isNull() ? QStringLiteral("") : name});
}

Result<quint64> Cache::cursor(const QByteArray &dbId)
{
    auto rows = select(QStringLiteral("SELECT cursor FROM dbs WHERE db_id = ?"), {dbId});
    if (!rows)
        return rows.error();
    return rows->empty() ? quint64(0) : rows->front()[0].toULongLong();
}

Status Cache::setCursor(const QByteArray &dbId, quint64 cursor)
{
    return exec(QStringLiteral("UPDATE dbs SET cursor = ? WHERE db_id = ?"), {qint64(cursor), dbId});
}

Result<std::vector<QByteArray>> Cache::dbIds(int kind)
{
    auto rows = kind < 0 ? select(QStringLiteral("SELECT db_id FROM dbs ORDER BY db_id"))
                         : select(QStringLiteral("SELECT db_id FROM dbs WHERE kind = ? ORDER BY db_id"), {kind});
    if (!rows)
        return rows.error();
    std::vector<QByteArray> out;
    for (const auto &r : *rows)
        out.push_back(r[0].toByteArray());
    return out;
}

Status Cache::addHole(const QByteArray &dbId, quint64 from, quint64 to)
{
    return exec(QStringLiteral("INSERT INTO holes (db_id, from_cv, to_cv, state) VALUES (?, ?, ?, 0) "
                               "ON CONFLICT (db_id, from_cv) DO NOTHING"),
                {dbId, qint64(from), qint64(to)});
}

Result<std::vector<Hole>> Cache::holes(const QByteArray &dbId)
{
    auto rows =
        select(QStringLiteral("SELECT from_cv, to_cv, state FROM holes WHERE db_id = ? ORDER BY from_cv"), {dbId});
    if (!rows)
        return rows.error();
    std::vector<Hole> out;
    for (const auto &r : *rows)
        out.push_back({r[0].toULongLong(), r[1].toULongLong(), Hole::State(r[2].toInt())});
    return out;
}

Status Cache::setHoles(const QByteArray &dbId, const std::vector<Hole> &holes)
{
    return transaction([&]() -> Status {
        if (auto r = exec(QStringLiteral("DELETE FROM holes WHERE db_id = ?"), {dbId}); !r)
            return r;
        for (const Hole &h : holes) {
            if (auto r = exec(QStringLiteral("INSERT INTO holes (db_id, from_cv, to_cv, state) VALUES (?, ?, ?, ?)"),
                              {dbId, qint64(h.from), qint64(h.to), int(h.state)});
                !r)
                return r;
        }
        return Ok{};
    });
}

bool closeHole(std::vector<Hole> &holes, quint64 cv)
{
    for (auto it = holes.begin(); it != holes.end(); ++it) {
        if (it->state == Hole::Pending || cv < it->from || cv > it->to)
            continue;
        const Hole h = *it;
        it = holes.erase(it);
        if (cv < h.to)
            it = holes.insert(it, {cv + 1, h.to, h.state});
        if (cv > h.from)
            holes.insert(it, {h.from, cv - 1, h.state});
        return true;
    }
    return false;
}

Result<std::optional<CachedKeg>> Cache::keg(const QByteArray &dbId, const QByteArray &kegId)
{
    auto rows = select(QStringLiteral("SELECT collection_version, data, deleted FROM kegs "
                                      "WHERE db_id = ? AND keg_id = ?"),
                       {dbId, kegId});
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<CachedKeg>();
    const auto &r = rows->front();
    return std::optional<CachedKeg>(CachedKeg{dbId, kegId, r[0].toULongLong(), r[1].toByteArray(), r[2].toBool()});
}

Result<std::vector<CachedKeg>> Cache::kegs(const QByteArray &dbId)
{
    auto rows = select(QStringLiteral("SELECT keg_id, collection_version, data, deleted FROM kegs "
                                      "WHERE db_id = ? ORDER BY collection_version"),
                       {dbId});
    if (!rows)
        return rows.error();
    std::vector<CachedKeg> out;
    for (const auto &r : *rows)
        out.push_back({dbId, r[0].toByteArray(), r[1].toULongLong(), r[2].toByteArray(), r[3].toBool()});
    return out;
}

Status Cache::putBootKeg(const QByteArray &roomId, quint64 version, const QByteArray &data)
{
    return exec(QStringLiteral("INSERT INTO bootkegs (room_id, version, data) VALUES (?, ?, ?) "
                               "ON CONFLICT (room_id, version) DO NOTHING"),
                {roomId, qint64(version), data});
}

Result<std::vector<QByteArray>> Cache::bootKegs(const QByteArray &roomId)
{
    auto rows = select(QStringLiteral("SELECT data FROM bootkegs WHERE room_id = ? ORDER BY version"), {roomId});
    if (!rows)
        return rows.error();
    std::vector<QByteArray> out;
    for (const auto &r : *rows)
        out.push_back(r[0].toByteArray());
    return out;
}

Status Cache::setPin(const QByteArray &roomId, quint64 version, const QByteArray &hash)
{
    // Pins only move forward; a lower version never overwrites a higher one.
    return exec(QStringLiteral("INSERT INTO pins (room_id, version, hash) VALUES (?, ?, ?) "
                               "ON CONFLICT (room_id) DO UPDATE SET version = excluded.version, "
                               "hash = excluded.hash WHERE excluded.version > pins.version"),
                {roomId, qint64(version), hash});
}

Result<std::optional<std::pair<quint64, QByteArray>>> Cache::pin(const QByteArray &roomId)
{
    auto rows = select(QStringLiteral("SELECT version, hash FROM pins WHERE room_id = ?"), {roomId});
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<std::pair<quint64, QByteArray>>();
    return std::optional<std::pair<quint64, QByteArray>>(
        std::pair{rows->front()[0].toULongLong(), rows->front()[1].toByteArray()});
}

Status Cache::putRoomKey(const QByteArray &roomId, quint32 generation, const QByteArray &sealed)
{
    return exec(QStringLiteral("INSERT INTO room_keys (room_id, generation, sealed) VALUES (?, ?, ?) "
                               "ON CONFLICT (room_id, generation) DO NOTHING"),
                {roomId, qint64(generation), sealed});
}

Result<std::vector<std::pair<quint32, QByteArray>>> Cache::roomKeys(const QByteArray &roomId)
{
    auto rows = select(QStringLiteral("SELECT generation, sealed FROM room_keys WHERE room_id = ? "
                                      "ORDER BY generation"),
                       {roomId});
    if (!rows)
        return rows.error();
    std::vector<std::pair<quint32, QByteArray>> out;
    for (const auto &r : *rows)
        out.emplace_back(quint32(r[0].toUInt()), r[1].toByteArray());
    return out;
}

Result<qint64> Cache::addNotice(const Notice &n)
{
    auto r = exec(QStringLiteral("INSERT INTO notices (db_id, kind, summary, evidence, at_ms) "
                                 "VALUES (?, ?, ?, ?, ?)"),
                  {blob(n.dbId), n.kind, n.summary, n.evidence, n.atMs ? n.atMs : nowMs()});
    if (!r)
        return r.error();
    auto id = select(QStringLiteral("SELECT last_insert_rowid()"));
    if (!id)
        return id.error();
    return id->front()[0].toLongLong();
}

Result<std::vector<Notice>> Cache::notices(const QByteArray &dbId)
{
    auto rows =
        dbId.isEmpty()
            ? select(QStringLiteral("SELECT id, db_id, kind, summary, evidence, at_ms FROM notices ORDER BY id"))
            : select(QStringLiteral("SELECT id, db_id, kind, summary, evidence, at_ms FROM notices "
                                    "WHERE db_id = ? ORDER BY id"),
                     {dbId});
    if (!rows)
        return rows.error();
    std::vector<Notice> out;
    for (const auto &r : *rows)
        out.push_back({r[0].toLongLong(), r[1].toByteArray(), r[2].toString(), r[3].toString(), r[4].toString(),
                       r[5].toLongLong()});
    return out;
}

Result<qint64> Cache::enqueue(const OutboxItem &i)
{
    auto r = exec(QStringLiteral("INSERT INTO outbox (db_id, keg_id, op, payload, state, created_ms) "
                                 "VALUES (?, ?, ?, ?, ?, ?)"),
                  {blob(i.dbId), blob(i.kegId), i.op, i.payload, int(OutboxState::Queued), nowMs()});
    if (!r)
        return r.error();
    auto id = select(QStringLiteral("SELECT last_insert_rowid()"));
    if (!id)
        return id.error();
    return id->front()[0].toLongLong();
}

Result<std::vector<OutboxItem>> Cache::outbox(bool pendingOnly)
{
    auto rows = select(QStringLiteral("SELECT id, db_id, keg_id, op, payload, state, error, attempts, "
                                      "created_ms FROM outbox %1 ORDER BY id")
                           .arg(pendingOnly ? QStringLiteral("WHERE state = 0") : QString()));
    if (!rows)
        return rows.error();
    std::vector<OutboxItem> out;
    for (const auto &r : *rows)
        out.push_back({r[0].toLongLong(), r[1].toByteArray(), r[2].toByteArray(), r[3].toString(), r[4].toByteArray(),
                       OutboxState(r[5].toInt()), r[6].toString(), r[7].toInt(), r[8].toLongLong()});
    return out;
}

Status Cache::setOutboxState(qint64 id, OutboxState state, const QString &error)
{
    return exec(QStringLiteral("UPDATE outbox SET state = ?, error = ?, attempts = attempts + 1 "
                               "WHERE id = ?"),
                {int(state), error.isNull() ? QStringLiteral("") : error, id});
}

} // namespace tavern::storage
