// Session: room life cycle. Every change is an intent in the outbox; the boot-keg version is
// built from it on the newest head when it is sent (so a lost race re-applies cleanly).
#include "session.h"

#include "pinlog.h"

#include "keytrust.h"
#include "protocol/ops.h"

#include <QCborArray>

namespace tavern::client {

namespace {
constexpr int KindRoom = 2;

QCborMap intent(const QString &action, const QByteArray &roomId)
{
    QCborMap m;
    m.insert(QStringLiteral("action"), action);
    m.insert(QStringLiteral("dbId"), roomId);
    return m;
}
} // namespace

Status Session::loadRooms()
{
    auto ids = m_cache.dbIds(KindRoom);
    if (!ids)
        return ids.error();
    if (auto rows = m_cache.select(QStringLiteral("SELECT key FROM meta WHERE key LIKE 'revoked:%'"))) {
        for (const auto &r : *rows)
            m_revoked.insert(QByteArray::fromHex(r[0].toString().mid(8).toLatin1()));
    }
    if (auto rows = m_cache.select(QStringLiteral("SELECT key, value FROM meta WHERE key LIKE 'declined:%'"))) {
        for (const auto &r : *rows)
            m_declined.insert(QByteArray::fromHex(r[0].toString().mid(9).toLatin1()), r[1].toByteArray().toULongLong());
    }
    for (const QByteArray &roomId : *ids) {
        auto versions = m_cache.bootKegs(roomId);
        if (!versions || versions->empty())
            continue;
        auto room = std::make_unique<RoomState>();
        bool ok = true;
        for (const QByteArray &bytes : *versions) {
            auto v = keg::SignedBootKeg::decode(bytes);
            // The cache holds only verified versions; re-verifying catches a damaged disk.
            ok = v && (room->started() ? room->append(*v) : room->start(*v)).ok();
            if (!ok) {
                addNotice(roomId, QStringLiteral("damaged-cache"),
                          QStringLiteral("The local copy of this room is damaged; Tavern will fetch it again."),
                          QString());
                break;
            }
        }
        if (!ok)
            continue;
        if (auto keys = m_cache.roomKeys(roomId)) {
            for (const auto &[gen, sealed] : *keys) {
                if (auto k =
                        m_vault.openSecret(QStringLiteral("room-key:%1:%2").arg(hex(roomId)).arg(gen).toUtf8(), sealed))
                    room->keys().insert(gen, std::move(k).value());
            }
        }
        // (Own messages still waiting in the outbox are not in the chain yet.)
        if (auto rows = m_cache.select(QStringLiteral("SELECT author, counter, prev_hash, hash FROM messages "
                                                      "WHERE db_id = ? AND counter < ? ORDER BY counter"),
                                       {roomId, UnsealedCounter})) {
            for (const auto &r : *rows)
                (void)room->authors().add(r[0].toString(), r[1].toULongLong(), r[2].toByteArray(), r[3].toByteArray());
        }
        m_rooms[roomId] = std::move(room);
        if (auto bad = m_cache.meta(QStringLiteral("keys-inconsistent:%1").arg(hex(roomId))); bad && *bad) {
            m_keysBadGeneration.insert(roomId, quint32((*bad)->toUInt()));
            m_guard.set(roomId, Hold::KeysInconsistent,
                        QStringLiteral("The key sealed for you in this room does not open. Messages wait until an "
                                       "admin starts a new key (Rotate key)."));
        }
        judgeRoom(roomId);
        // Changes and receipts still waiting for the message they name.
        if (auto rows = m_cache.select(
                QStringLiteral("SELECT target FROM messages c WHERE c.db_id = ? AND c.kind IN (1, 2, 3) AND NOT EXISTS "
                               "(SELECT 1 FROM messages m WHERE m.db_id = c.db_id AND m.keg_id = c.target) UNION "
                               "SELECT target FROM receipts r WHERE r.db_id = ? AND NOT EXISTS "
                               "(SELECT 1 FROM messages m WHERE m.db_id = r.db_id AND m.keg_id = r.target)"),
                {roomId, roomId})) {
            for (const auto &r : *rows)
                m_awaited[roomId].insert(r[0].toByteArray());
        }
    }
    return Ok{};
}

void Session::markRevoked(const QByteArray &roomId)
{
    if (m_revoked.contains(roomId))
        return;
    if (!m_cache.setMeta(QStringLiteral("revoked:%1").arg(hex(roomId)), QByteArrayLiteral("1")))
        return;
    m_revoked.insert(roomId);
    Q_EMIT roomChanged(roomId);
}

void Session::clearRevoked(const QByteArray &roomId)
{
    if (m_cache.exec(QStringLiteral("DELETE FROM meta WHERE key = ?"), {QStringLiteral("revoked:%1").arg(hex(roomId))}))
        m_revoked.remove(roomId);
}

QList<RoomSummary> Session::rooms() const
{
    QList<RoomSummary> out;
    const QByteArray me = m_identity->username.toUtf8();
    for (const auto &[id, room] : m_rooms) {
        if (!room->started() || m_revoked.contains(id))
            continue;
        const auto &v = room->head().version();
        const keg::Member *m = v.member(me);
        if (!m)
            continue; // departed: kept in the cache, not listed
        const bool invited = m->state == keg::InviteState::Invited;
        // Declined during this invitation (a re-invitation is a later version): not offered again.
        if (invited && m_declined.contains(id) && m_declined.value(id) >= m->sinceVersion)
            continue;
        RoomSummary r{id,        QString::fromUtf8(v.name), QString::fromUtf8(v.topic), invited, false,
                      v.version, int(v.members.size())};
        r.expired = invited && m_guard.blocks(id, protocol::op::BootKegPut);
        out.append(r);
    }
    return out;
}

Result<QByteArray> Session::createRoom(const QString &name, const QString &topic, keg::HistoryPolicy policy)
{
    keg::BuiltVersion g = keg::createRoom(*m_identity, {name, topic, policy});
    const QByteArray roomId = g.version.roomId();
    auto room = std::make_unique<RoomState>();
    RoomState &r = *room;
    m_rooms[roomId] = std::move(room);
    QCborMap put;
    put.insert(QStringLiteral("genesis"), g.version.encode());
    auto ok = m_cache.transaction([&]() -> Status {
        if (auto s = m_cache.upsertDb(roomId, KindRoom, name); !s)
            return s;
        return enqueue(roomId, {}, protocol::op::RoomCreate, put);
    });
    if (!ok)
        return ok.error();
    if (auto s = applyVersion(r, g.version); !s)
        return s.error();
    pumpOutbox();
    return roomId;
}

Status Session::invite(const QByteArray &roomId, const QString &username, keg::Role role, keg::HistoryPolicy history)
{
    if (!roomFor(roomId))
        return Error{int(SessionError::NotInRoom), QStringLiteral("You are not in this room.")};
    auto contact = lookupContact(username);
    if (!contact)
        return contact.error();
    if (trust(contact->username) == Trust::KeyChanged || trust(contact->username) == Trust::Mismatch)
        return Error{int(SessionError::KeyChanged),
                     QStringLiteral("%1's safety number changed since you first saw them. Review and "
                                    "accept the new key before inviting them.")
                         .arg(contact->username)};
    QCborMap i = intent(QStringLiteral("invite"), roomId);
    i.insert(QStringLiteral("username"), contact->username);
    i.insert(QStringLiteral("signKey"), contact->signPublicKey);
    i.insert(QStringLiteral("boxKey"), contact->boxPublicKey);
    i.insert(QStringLiteral("role"), int(role));
    i.insert(QStringLiteral("history"), int(history));
    return enqueue(roomId, {}, protocol::op::BootKegPut, i);
}

Status Session::accept(const QByteArray &roomId)
{
    return enqueue(roomId, {}, protocol::op::BootKegPut, intent(QStringLiteral("accept"), roomId));
}

Status Session::remove(const QByteArray &roomId, const QString &username)
{
    QCborMap i = intent(QStringLiteral("remove"), roomId);
    i.insert(QStringLiteral("username"), username);
    return enqueue(roomId, {}, protocol::op::BootKegPut, i);
}

Status Session::setRole(const QByteArray &roomId, const QString &username, keg::Role role)
{
    QCborMap i = intent(QStringLiteral("role"), roomId);
    i.insert(QStringLiteral("username"), username);
    i.insert(QStringLiteral("role"), int(role));
    return enqueue(roomId, {}, protocol::op::BootKegPut, i);
}

Status Session::setSettings(const QByteArray &roomId, const keg::RoomSettings &s)
{
    QCborMap i = intent(QStringLiteral("settings"), roomId);
    i.insert(QStringLiteral("name"), s.name);
    i.insert(QStringLiteral("topic"), s.topic);
    i.insert(QStringLiteral("policy"), int(s.policy));
    return enqueue(roomId, {}, protocol::op::BootKegPut, i);
}

Status Session::rotateKey(const QByteArray &roomId)
{
    const RoomState *room = roomFor(roomId);
    const keg::Member *me =
        room && room->started() ? room->head().version().member(m_identity->username.toUtf8()) : nullptr;
    if (!me || me->state != keg::InviteState::Joined || !keg::roleAllows(me->role, keg::Privilege::Rekey))
        return Error{int(SessionError::Refused), QStringLiteral("Only an admin of this room can start a new key.")};
    return enqueue(roomId, {}, protocol::op::BootKegPut, intent(QStringLiteral("rekey"), roomId));
}

Status Session::decline(const QByteArray &roomId)
{
    return depart(roomId, keg::DepartureKind::Declined);
}
Status Session::leave(const QByteArray &roomId)
{
    return depart(roomId, keg::DepartureKind::Left);
}

Status Session::depart(const QByteArray &roomId, keg::DepartureKind kind)
{
    RoomState *room = roomFor(roomId);
    if (!room || !room->started())
        return Error{int(SessionError::NotInRoom), QStringLiteral("You are not in this room.")};
    const quint64 at = room->head().version().version;
    const auto req = keg::signDepartureRequest(roomId, m_identity->username, kind, at, m_identity->signing);
    if (kind == keg::DepartureKind::Declined) {
        // Remembered, so the same invitation is never offered again (a restart, or a server
        // that keeps serving it).
        if (auto r = m_cache.setMeta(QStringLiteral("declined:%1").arg(hex(roomId)), QByteArray::number(at)); !r)
            return r;
        m_declined.insert(roomId, at);
        // ... and in the pin log, so the user's other and future devices know it too.
        PinEntry e;
        e.kind = PinKind::InvitationDeclined;
        e.subject = hex(roomId);
        e.version = at;
        if (auto r = appendPin(e); !r)
            return r;
        Q_EMIT roomChanged(roomId);
    }
    QCborMap body;
    body.insert(QStringLiteral("dbId"), roomId);
    body.insert(QStringLiteral("request"), keg::encodeDepartureRequest(req));
    return enqueue(roomId, {},
                   kind == keg::DepartureKind::Declined ? protocol::op::InvitationDecline : protocol::op::RoomLeave,
                   body);
}

// Someone asked to leave or declined: a member allowed to complete it writes the removal
// (with a new key) carrying their signed request. Admins and the inviter do it; a race
// between several is settled by the server's head check.
void Session::pumpDepartures(const QByteArray &roomId)
{
    RoomState *room = roomFor(roomId);
    if (!room || !room->started())
        return;
    // Every joined member asks: whoever knows of a departure holds its messages (the leaver
    // still has the key) until the removal with a new key is in the chain.
    const keg::Member *me = room->head().version().member(m_identity->username.toUtf8());
    if (!me || me->state != keg::InviteState::Joined)
        return;
    QCborMap body;
    body.insert(QStringLiteral("dbId"), roomId);
    m_conn->request(protocol::op::RoomRequests, body, [this, roomId](Result<QCborMap> r) {
        if (!r)
            return;
        RoomState *current = roomFor(roomId);
        // Looked up again: the head may have moved on (even removed us) while we asked.
        const keg::Member *self = current ? current->head().version().member(m_identity->username.toUtf8()) : nullptr;
        if (!self || self->state != keg::InviteState::Joined)
            return;
        QSet<QByteArray> pending;
        for (const QCborValue &v : r->value(QStringLiteral("requests")).toArray()) {
            const QByteArray request = v.toMap().value(QStringLiteral("request")).toByteArray();
            auto req = keg::decodeDepartureRequest(request);
            if (!req || req->roomId != roomId)
                continue;
            // Only the member's own signature, made during this membership, counts: the server
            // can neither invent a departure nor replay one from an earlier membership.
            const keg::Member *who = current->head().version().member(req->username);
            if (!who || req->atVersion < who->sinceVersion || !keg::verifyDepartureRequest(*req, who->signPublicKey))
                continue;
            pending.insert(req->username);
            // Never the leaver: the removal starts a key they must not learn (decision 4).
            if (req->username == m_identity->username.toUtf8())
                continue;
            // Any member whose role may complete departures carries it (a race between
            // several is settled by the server's head check; the losers find it done).
            if (!keg::roleAllows(self->role, keg::Privilege::ProcessDeparture))
                continue;
            QCborMap i = intent(QStringLiteral("depart"), roomId);
            i.insert(QStringLiteral("request"), request);
            (void)enqueue(roomId, {}, protocol::op::BootKegPut, i);
        }
        m_guard.setPendingDepartures(roomId, pending);
        Q_EMIT roomChanged(roomId);
        pumpOutbox();
    });
}

// The bootkeg.put body for a queued room change, built on the current head; an empty map
// when nothing is left to change (a departure another member carried first).
Result<QCborMap> Session::buildBootKegEdit(const QCborMap &i)
{
    const QByteArray roomId = i.value(QStringLiteral("dbId")).toByteArray();
    RoomState *room = roomFor(roomId);
    if (!room || !room->started())
        return Error{int(SessionError::NotInRoom), QStringLiteral("This device has not synced the room.")};
    if (m_guard.blocks(roomId, protocol::op::BootKegPut))
        return Error{int(SessionError::Busy), m_guard.reason(roomId)}; // never built on a head in doubt
    keg::BootKegBuilder b(room->head(), *m_identity, room->keys());
    const QString action = i.value(QStringLiteral("action")).toString();
    const QString user = i.value(QStringLiteral("username")).toString();
    Status step = Ok{};
    if (action == QLatin1String("invite")) {
        step = b.invite(
            {user, i.value(QStringLiteral("signKey")).toByteArray(), i.value(QStringLiteral("boxKey")).toByteArray()},
            keg::Role(i.value(QStringLiteral("role")).toInteger()),
            keg::HistoryPolicy(i.value(QStringLiteral("history")).toInteger()));
    } else if (action == QLatin1String("accept")) {
        step = b.acceptInvitation();
    } else if (action == QLatin1String("remove")) {
        const quint64 last = room->authors().highest(user);
        step = b.remove(user, last, room->authors().hashOf(user, last));
    } else if (action == QLatin1String("readd")) {
        // Re-adding a member with new keys (KeyTrust::readd): two intents, each done already
        // when the head shows its effect. Member keys are immutable inside a room, so the
        // old entry goes in one version and the new keys come in the next (decisions.md 15).
        const keg::Member *m = room->head().version().member(user.toUtf8());
        const QByteArray sign = i.value(QStringLiteral("signKey")).toByteArray();
        if (i.value(QStringLiteral("step")).toString() == QLatin1String("remove")) {
            if (!m || m->signPublicKey != i.value(QStringLiteral("oldSignKey")).toByteArray())
                return QCborMap{};
            const quint64 last = room->authors().highest(user);
            step = b.remove(user, last, room->authors().hashOf(user, last));
        } else if (m && m->signPublicKey == sign) {
            return QCborMap{};
        } else {
            step = b.invite({user, sign, i.value(QStringLiteral("boxKey")).toByteArray()},
                            keg::Role(i.value(QStringLiteral("role")).toInteger()),
                            keg::HistoryPolicy(i.value(QStringLiteral("history")).toInteger()));
        }
    } else if (action == QLatin1String("role")) {
        step = b.setRole(user, keg::Role(i.value(QStringLiteral("role")).toInteger()));
    } else if (action == QLatin1String("rekey")) {
        b.rekey();
    } else if (action == QLatin1String("settings")) {
        b.setSettings({i.value(QStringLiteral("name")).toString(), i.value(QStringLiteral("topic")).toString(),
                       keg::HistoryPolicy(i.value(QStringLiteral("policy")).toInteger())});
    } else if (action == QLatin1String("depart")) {
        auto req = keg::decodeDepartureRequest(i.value(QStringLiteral("request")).toByteArray());
        if (!req)
            return req.error();
        if (!room->head().version().member(req->username))
            return QCborMap{}; // another member carried it first: nothing left to do
        const QString who = QString::fromUtf8(req->username);
        const quint64 last = room->authors().highest(who);
        step = b.completeDeparture(*req, last, room->authors().hashOf(who, last));
    } else {
        return Error{int(SessionError::Refused), QStringLiteral("unknown room change '%1'").arg(action)};
    }
    if (!step)
        return step.error();
    auto built = b.build();
    if (!built)
        return built.error();
    // No new room key for a key whose out-of-band comparison failed (KeyTrust::markMismatch).
    if (built->newGeneration) {
        if (auto r = keyTrust().sealBlock(built->version.version()); !r)
            return r.error();
    }
    QCborMap put;
    put.insert(QStringLiteral("dbId"), roomId);
    put.insert(QStringLiteral("version"), built->version.encode());
    return put;
}

} // namespace tavern::client
