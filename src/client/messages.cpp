// Session: messages. Received kegs are verified (signature by a member's pinned key, bound
// DB and id, a key generation we hold, the author's chain) before they become messages;
// anything else is quarantined with a notice that says why.
#include "session.h"

#include "keg/message.h"
#include "protocol/ops.h"

#include <QCborArray>

namespace tavern::client {

namespace {
constexpr qint64 UnsentOrder = std::numeric_limits<qint64>::max();
} // namespace

Status Session::applyKeg(const QByteArray &dbId, const QCborMap &entry)
{
    storage::CachedKeg cached{dbId, entry.value(QStringLiteral("kegId")).toByteArray(),
                              quint64(entry.value(QStringLiteral("collectionVersion")).toInteger()),
                              entry.value(QStringLiteral("data")).toByteArray(),
                              entry.value(QStringLiteral("deleted")).toBool()};
    if (auto r = m_cache.putKeg(cached); !r)
        return r;
    RoomState *room = roomFor(dbId);
    if (!room || cached.deleted)
        return Ok{};
    const auto quarantine = [&](const QString &why, const QString &kind = QStringLiteral("quarantined")) {
        addNotice(dbId, kind,
                  QStringLiteral("A message was not shown: %1.").arg(why),
                  QStringLiteral("keg %1 at collection version %2").arg(hex(cached.kegId)).arg(cached.collectionVersion));
        return Status(Ok{});
    };
    auto keg = keg::decodeKeg(cached.data);
    if (!keg)
        return quarantine(keg.error().message);
    if (keg->type != keg::KegType::Message)
        return Ok{}; // edits, receipts: next steps of the engine
    const PastMember *author = room->pastMember(keg->author);
    if (!author)
        return quarantine(QStringLiteral("%1 was never a member of this room").arg(keg->author),
                          QStringLiteral("bad-signature"));
    const crypto::SecureBytes *key = room->keys().get(keg->generation);
    if (!key)
        return Ok{}; // history from before this user joined (since-join): not readable by design
    auto plain = keg::openKeg(*keg, dbId, cached.kegId, *key, author->signPublicKey);
    if (!plain)
        return quarantine(plain.error().message, QStringLiteral("bad-signature"));
    auto msg = keg::decodeMessage(*plain);
    crypto::wipe(*plain);
    if (!msg)
        return quarantine(msg.error().message);
    // The author must have been a joined member allowed to post in the version they name,
    // and that version must be the one this device verified.
    const QByteArray known = room->hashAt(msg->headVersion);
    if (!known.isEmpty() && known != msg->headHash) {
        addNotice(dbId, QStringLiteral("fork"),
                  QStringLiteral("%1 wrote under a room version that differs from yours: the room may "
                                 "have been split by the server.").arg(keg->author),
                  QStringLiteral("version %1 theirs %2 ours %3").arg(msg->headVersion).arg(hex(msg->headHash), hex(known)));
        return Ok{};
    }
    if (!known.isEmpty()) {
        auto member = room->memberAt(msg->headVersion, keg->author);
        if (!member || member->state != keg::InviteState::Joined
            || !keg::roleAllows(member->role, keg::Privilege::Post))
            return quarantine(QStringLiteral("%1 was not allowed to post in room version %2")
                                  .arg(keg->author).arg(msg->headVersion),
                              QStringLiteral("unauthorised-change"));
    }
    const QByteArray hash = keg::kegContentHash(*keg);
    switch (room->authors().add(keg->author, msg->counter, msg->previousHash, hash)) {
    case Placement::Duplicate:
        // Shown once. Our own message coming back from the server takes its server position.
        return m_cache.exec(QStringLiteral("UPDATE messages SET server_order = ? WHERE db_id = ? AND keg_id = ? "
                                           "AND server_order > ?"),
                            {qint64(cached.collectionVersion), dbId, cached.kegId, qint64(cached.collectionVersion)});
    case Placement::Equivocation:
    case Placement::BrokenLink:
        return quarantine(QStringLiteral("%1's message %2 contradicts the messages before it (replayed, "
                                         "altered order, or signed twice)")
                              .arg(keg->author).arg(msg->counter),
                          QStringLiteral("message-chain"));
    case Placement::AfterDeparture:
        return quarantine(QStringLiteral("%1 sent it after leaving the room").arg(keg->author),
                          QStringLiteral("unauthorised-change"));
    case Placement::Accepted:
        break;
    }
    return m_cache.exec(
        QStringLiteral("INSERT INTO messages (db_id, keg_id, author, counter, hash, prev_hash, kind, "
                       "target, body, sent_ms, server_order) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) "
                       "ON CONFLICT (db_id, keg_id) DO UPDATE SET server_order = excluded.server_order"),
        {dbId, cached.kegId, keg->author, qint64(msg->counter), hash, msg->previousHash, msg->target,
         m_vault.seal("message-body", msg->body.toUtf8()), qint64(msg->timestampMs),
         qint64(cached.collectionVersion)});
}

Status Session::send(const QByteArray &roomId, const QString &text)
{
    RoomState *room = roomFor(roomId);
    if (!room || !room->started())
        return Error{int(SessionError::NotInRoom), QStringLiteral("You are not in this room.")};
    const auto &head = room->head();
    const keg::Member *me = head.version().member(m_identity->username.toUtf8());
    if (!me || me->state != keg::InviteState::Joined)
        return Error{int(SessionError::NotInRoom), QStringLiteral("You are not a joined member of this room.")};
    if (!keg::roleAllows(me->role, keg::Privilege::Post))
        return Error{int(SessionError::Refused), QStringLiteral("Guests can read but not post in this room.")};
    for (const keg::Member &m : head.version().members) {
        const QString name = QString::fromUtf8(m.username);
        if (trust(name) == Trust::KeyChanged)
            return Error{int(SessionError::KeyChanged),
                         QStringLiteral("%1's safety number changed. Review it ('contacts show %1') and "
                                        "accept the new key before sending.").arg(name)};
    }
    const quint32 gen = head.version().currentGeneration();
    const crypto::SecureBytes *key = room->keys().get(gen);
    if (!key)
        return Error{int(SessionError::Refused), QStringLiteral("This device does not hold the room's current key yet.")};
    const quint64 counter = room->authors().highest(m_identity->username) + 1;
    keg::MessagePayload payload{counter, room->authors().hashOf(m_identity->username, counter - 1),
                                head.version().version, head.hash(),
                                quint64(QDateTime::currentMSecsSinceEpoch()), text, {}};
    if (payload.previousHash.isEmpty())
        payload.previousHash = QByteArray(32, '\0');
    keg::Keg k = keg::sealKeg({roomId, keg::newKegId(), keg::KegType::Message, gen, 1},
                              keg::encodeMessage(payload), *key, m_identity->username, m_identity->signing);
    const QByteArray hash = keg::kegContentHash(k);
    if (room->authors().add(m_identity->username, counter, payload.previousHash, hash) != Placement::Accepted)
        return Error{int(SessionError::Busy), QStringLiteral("Could not number the message; try again.")};
    QCborMap put;
    put.insert(QStringLiteral("dbId"), roomId);
    put.insert(QStringLiteral("kegs"), QCborArray{keg::encodeKeg(k)});
    // The message row and its outbox entry are written together: nothing typed is lost.
    auto r = m_cache.transaction([&]() -> Status {
        if (auto s = m_cache.exec(QStringLiteral("INSERT INTO messages (db_id, keg_id, author, counter, hash, "
                                                 "prev_hash, kind, target, body, sent_ms, server_order) "
                                                 "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)"),
                                  {roomId, k.kegId, m_identity->username, qint64(counter), hash,
                                   payload.previousHash, QByteArray(16, '\0'),
                                   m_vault.seal("message-body", text.toUtf8()),
                                   qint64(payload.timestampMs), UnsentOrder});
            !s)
            return s;
        return enqueue(roomId, k.kegId, protocol::op::KegPut, put);
    });
    if (!r)
        return r;
    Q_EMIT messagesChanged(roomId);
    pumpOutbox();
    return Ok{};
}

QList<MessageView> Session::messages(const QByteArray &roomId)
{
    QList<MessageView> out;
    auto rows = m_cache.select(
        QStringLiteral("SELECT m.keg_id, m.author, m.counter, m.body, m.sent_ms, o.state, o.error "
                       "FROM messages m LEFT JOIN outbox o ON o.db_id = m.db_id AND o.keg_id = m.keg_id "
                       "WHERE m.db_id = ? ORDER BY m.server_order, m.rowid"),
        {roomId});
    if (!rows)
        return out;
    QList<TimelineItem> order;
    for (const auto &r : *rows) {
        MessageView m;
        m.kegId = r[0].toByteArray();
        m.author = r[1].toString();
        m.counter = r[2].toULongLong();
        auto body = m_vault.open("message-body", r[3].toByteArray());
        m.body = body ? QString::fromUtf8(*body) : QStringLiteral("(unreadable in the local cache)");
        m.sentMs = r[4].toLongLong();
        if (!r[5].isNull()) {
            const auto state = storage::OutboxState(r[5].toInt());
            m.delivery = state == storage::OutboxState::Queued ? MessageView::Delivery::Queued
                         : state == storage::OutboxState::Failed ? MessageView::Delivery::Failed
                                                                  : MessageView::Delivery::Sent;
            m.error = r[6].toString();
        }
        order.append({m.author, m.counter});
        out.append(m);
    }
    // Each author's messages in their own counter order (A12), in the slots the server gave.
    QList<MessageView> sorted;
    for (int i : authorOrdered(order))
        sorted.append(out[i]);
    return sorted;
}

QList<quint64> Session::missingCounters(const QByteArray &roomId, const QString &author)
{
    RoomState *room = roomFor(roomId);
    return room ? room->authors().missing(author) : QList<quint64>{};
}

} // namespace tavern::client
