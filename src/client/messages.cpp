// Session: messages. Received kegs are verified (signature by a member's pinned key, bound
// DB and id, a key generation we hold, the author's chain) before they become messages;
// anything else is quarantined with a notice that says why.
#include "session.h"

#include "keg/message.h"
#include "pageopen.h"
#include "protocol/ops.h"

#include <QCborArray>

namespace tavern::client {

namespace {
constexpr qint64 UnsentOrder = std::numeric_limits<qint64>::max();
} // namespace

Status Session::applyKeg(const QByteArray &dbId, const QCborMap &entry, OpenedKeg *opened)
{
    storage::CachedKeg cached{dbId, entry.value(QStringLiteral("kegId")).toByteArray(),
                              quint64(entry.value(QStringLiteral("collectionVersion")).toInteger()),
                              entry.value(QStringLiteral("data")).toByteArray(),
                              entry.value(QStringLiteral("deleted")).toBool()};
    RoomState *room = roomFor(dbId);
    if (room && room->started()) {
        // A10: nothing of a room reaches an invitee before they accept. Refusing the page
        // keeps the cursor where it was, so after accepting the history arrives in full.
        const keg::Member *me = room->head().version().member(m_identity->username.toUtf8());
        if (me && me->state == keg::InviteState::Invited) {
            const QString evidence = QStringLiteral("room version %1, keg %2 at collection version %3")
                                         .arg(room->head().version().version)
                                         .arg(hex(cached.kegId))
                                         .arg(cached.collectionVersion);
            // Stored after the page's transaction rolls back (one notice per room version).
            QMetaObject::invokeMethod(
                this,
                [this, dbId, evidence, version = room->head().version().version] {
                    const QString tag = QStringLiteral("room version %1,").arg(version);
                    for (const storage::Notice &n : notices(dbId)) {
                        if (n.kind == QLatin1String("early-room-data") && n.evidence.startsWith(tag))
                            return;
                    }
                    addNotice(dbId, QStringLiteral("early-room-data"),
                              QStringLiteral("The server sent this room's messages before you accepted the "
                                             "invitation. Tavern did not open them."),
                              evidence);
                },
                Qt::QueuedConnection);
            return Error{int(SessionError::NotInRoom),
                         QStringLiteral("room data offered before the invitation was accepted")};
        }
    }
    const bool personal = dbId == personalDb();
    if (cached.deleted) {
        // A tombstone is the server's word only (keg.delete is not signed; Tavern deletes with
        // a signed Redaction keg): refused with a notice, and what this device holds stays
        // (the message, the pin-log entry's bytes). Its place moves to the tombstone's, so
        // that place is accounted for.
        auto held = m_cache.keg(dbId, cached.kegId);
        if (!held)
            return held.error();
        if (*held && (*held)->collectionVersion >= cached.collectionVersion)
            return Ok{}; // seen before
        const bool known = *held && !(*held)->deleted;
        auto moved = *held ? m_cache.exec(QStringLiteral("UPDATE kegs SET collection_version = ? WHERE db_id = ? AND "
                                                         "keg_id = ?"),
                                          {qint64(cached.collectionVersion), dbId, cached.kegId})
                           : m_cache.putKeg(cached);
        if (!moved)
            return moved;
        addNoticeOnce(dbId, QStringLiteral("server-deletion"),
                      personal ? QStringLiteral("The server removed an entry of your pin log that none of your "
                                                "devices can delete. Tavern keeps what it holds.")
                      : known  ? QStringLiteral("The server removed a message that no member deleted. Tavern keeps "
                                                 "showing it.")
                               : QStringLiteral("The server removed a message before this device received it; no "
                                                 "member deleted it."),
                      QStringLiteral("keg %1 deleted at collection version %2 without a signed redaction")
                          .arg(hex(cached.kegId))
                          .arg(cached.collectionVersion));
        return Ok{};
    }
    {
        // Room kegs are not stored twice: what they say lives in `messages`/`receipts` (bodies
        // sealed by the Vault); the `kegs` row keeps id, collection version and deleted flag,
        // which re-lists need. The pin log (personal DB) is re-checked from its raw kegs.
        storage::CachedKeg record{cached.dbId, cached.kegId, cached.collectionVersion,
                                  personal || !room ? cached.data : QByteArray(), cached.deleted};
        if (auto r = m_cache.putKeg(record); !r)
            return r;
    }
    if (personal)
        return applyPinKeg(cached);
    if (!room)
        return Ok{};
    // A keg that names a room version or key generation this device does not hold yet has
    // arrived early (the server chose the order): its bytes are kept and it is judged again
    // when the chain moves on (rejudgeHeld), never dropped for good.
    const auto holdEarly = [&](const QString &why, const QString &kind) -> Status {
        if (auto r = m_cache.exec(QStringLiteral("UPDATE kegs SET data = ? WHERE db_id = ? AND keg_id = ?"),
                                  {cached.data, dbId, cached.kegId});
            !r)
            return r;
        addNoticeOnce(
            dbId, kind,
            QStringLiteral("A message is not shown yet: %1. It is shown once that version arrives.").arg(why),
            QStringLiteral("keg %1 at collection version %2").arg(hex(cached.kegId)).arg(cached.collectionVersion));
        return Ok{};
    };
    const auto quarantine = [&](const QString &why, const QString &kind = QStringLiteral("quarantined")) {
        addNotice(
            dbId, kind, QStringLiteral("A message was not shown: %1.").arg(why),
            QStringLiteral("keg %1 at collection version %2").arg(hex(cached.kegId)).arg(cached.collectionVersion));
        return Status(Ok{});
    };
    // Opened here, unless onKegPage opened the whole page ahead on every core (pageopen.h):
    // the same steps either way, and the same answers reported below in the same order.
    OpenedKeg own;
    if (!opened || !opened->present) {
        openRoomKeg(*room, dbId, cached.kegId, cached.data, own);
        opened = &own;
    }
    const auto &keg = opened->keg;
    if (!keg)
        return quarantine(keg.error().message);
    if (!opened->authorKnown)
        return quarantine(QStringLiteral("%1 was never a member of this room").arg(keg->author),
                          QStringLiteral("bad-signature"));
    // Signature and binding (DB, keg id) were checked for every keg, whatever its type or
    // generation: a relabelled keg (A15) must not slip out as "not for this engine" or "no
    // key" without a notice.
    auto &plain = opened->plain;
    if (!plain) {
        switch (keg::KegError(plain.code())) {
        case keg::KegError::NoKeyForGeneration:
            if (keg->generation <= room->head().version().currentGeneration()) {
                // History from before this user joined (since-join) is not readable by design;
                // a generation the signed chain sealed to this user and that is missing is not.
                if (!room->expectsKey(keg->generation, m_identity->username, m_identity->signing.publicKey))
                    return Ok{};
                return quarantine(QStringLiteral("it uses key generation %1, which the room sealed to you but this "
                                                 "device could not open")
                                      .arg(keg->generation),
                                  QStringLiteral("keys-inconsistent"));
            }
            return holdEarly(QStringLiteral("it uses key generation %1, which no room version you verified "
                                            "has started")
                                 .arg(keg->generation),
                             QStringLiteral("unknown-generation"));
        case keg::KegError::WrongDb:
            return quarantine(QStringLiteral("%1 wrote it for another conversation (A14)").arg(keg->author),
                              QStringLiteral("wrong-room"));
        case keg::KegError::WrongKegId:
            return quarantine(
                QStringLiteral("it is a copy of %1's message %2 under another id").arg(keg->author, hex(keg->kegId)),
                QStringLiteral("replay"));
        case keg::KegError::DecryptFailed: return quarantine(plain.error().message);
        default: return quarantine(plain.error().message, QStringLiteral("bad-signature"));
        }
    }
    if (keg->type == keg::KegType::Receipt)
        return applyReceipt(*room, dbId, cached, *keg, std::move(*plain));
    if (!opened->message)
        return Ok{};                    // settings, contacts: not kegs of a room's timeline (their plaintext is wiped)
    const auto &msg = *opened->message; // decoded from the plaintext, which is wiped
    if (!msg)
        return quarantine(msg.error().message);
    // The author must have been a joined member allowed to post in the version they name,
    // and that version must be the one this device verified.
    const QByteArray known = room->hashAt(msg->headVersion);
    if (known.isEmpty()) {
        // Every version up to our head is known, and the chain is synced before the kegs:
        // a version we never verified can't vouch for the author (nor could any version).
        return holdEarly(QStringLiteral("%1 wrote it under room version %2, which this device has not "
                                        "verified")
                             .arg(keg->author)
                             .arg(msg->headVersion),
                         QStringLiteral("unknown-head"));
    }
    if (known != msg->headHash) {
        addNotice(
            dbId, QStringLiteral("fork"),
            QStringLiteral("%1 wrote under a room version that differs from yours: the room may "
                           "have been split by the server.")
                .arg(keg->author),
            QStringLiteral("version %1 theirs %2 ours %3").arg(msg->headVersion).arg(hex(msg->headHash), hex(known)));
        return Ok{};
    }
    // Posting (a message, an edit or deletion of one's own) needs Post; deleting someone
    // else's needs RedactOthers, checked against the target in applyChange.
    auto member = room->memberAt(msg->headVersion, keg->author);
    const bool joinedThen = member && member->state == keg::InviteState::Joined;
    const bool mayPost = joinedThen && keg::roleAllows(member->role, keg::Privilege::Post);
    const bool mayRedactOthers = joinedThen && keg::roleAllows(member->role, keg::Privilege::RedactOthers);
    if (!mayPost && !(keg->type == keg::KegType::Redaction && mayRedactOthers))
        return quarantine(QStringLiteral("%1 was not allowed to %2 in room version %3")
                              .arg(keg->author, keg->type == keg::KegType::Message ? QStringLiteral("post")
                                                : keg->type == keg::KegType::Edit  ? QStringLiteral("edit messages")
                                                                                   : QStringLiteral("delete messages"))
                              .arg(msg->headVersion),
                          QStringLiteral("unauthorised-change"));
    const QByteArray &hash = opened->contentHash;
    const quint64 highest = room->authors().highest(keg->author);
    switch (room->authors().add(keg->author, msg->counter, msg->previousHash, hash, msg->headVersion)) {
    case Placement::Duplicate: {
        // Shown once (A13). The same keg again at a later place in the collection is the
        // server replaying it (an honest server moves a keg only when its version changes).
        auto rows = m_cache.select(QStringLiteral("SELECT server_order FROM messages WHERE db_id = ? AND keg_id = ?"),
                                   {dbId, cached.kegId});
        if (rows && !rows->empty()) {
            const qint64 order = rows->front()[0].toLongLong();
            if (order != UnsentOrder && order < qint64(cached.collectionVersion))
                addNotice(dbId, QStringLiteral("replay"),
                          QStringLiteral("The server delivered %1's message %2 again. It is shown once.")
                              .arg(keg->author)
                              .arg(msg->counter),
                          QStringLiteral("keg %1 at collection version %2, first at %3")
                              .arg(hex(cached.kegId))
                              .arg(cached.collectionVersion)
                              .arg(order));
        }
        // Our own message coming back from the server takes its server position.
        return m_cache.exec(QStringLiteral("UPDATE messages SET server_order = ? WHERE db_id = ? AND keg_id = ? "
                                           "AND server_order > ?"),
                            {qint64(cached.collectionVersion), dbId, cached.kegId, qint64(cached.collectionVersion)});
    }
    case Placement::Equivocation:
    case Placement::BrokenLink:
        return quarantine(QStringLiteral("%1's message %2 contradicts the messages before it (replayed, "
                                         "altered order, or signed twice)")
                              .arg(keg->author)
                              .arg(msg->counter),
                          QStringLiteral("message-chain"));
    case Placement::AfterDeparture:
        return quarantine(QStringLiteral("%1 sent it after leaving the room").arg(keg->author),
                          QStringLiteral("unauthorised-change"));
    case Placement::Accepted: break;
    }
    const auto where = [&] {
        return QStringLiteral("keg %1 at collection version %2").arg(hex(cached.kegId)).arg(cached.collectionVersion);
    };
    if (msg->counter < highest) {
        // A12 (or a withheld message delivered late, A11): shown in the author's order.
        addNotice(dbId, QStringLiteral("message-order"),
                  QStringLiteral("%1's message %2 arrived after their message %3: the server delivered them "
                                 "out of order. Tavern shows them in %1's order.")
                      .arg(keg->author)
                      .arg(msg->counter)
                      .arg(highest),
                  where());
    } else if (msg->counter > highest + 1 && (highest > 0 || room->keys().has(0))) {
        // A11. (A reader without the room's first key joined later: an author's first
        // readable message may rightly have a higher counter.)
        noteGap(dbId, keg->author, highest);
        addNotice(dbId, QStringLiteral("message-missing"),
                  QStringLiteral("%1's messages %2 to %3 have not arrived: the server may be withholding them.")
                      .arg(keg->author)
                      .arg(highest + 1)
                      .arg(msg->counter - 1),
                  where());
    }
    if (keg->type != keg::KegType::Message)
        return applyChange(*room, dbId, cached, *keg, *msg, mayRedactOthers);
    const QByteArray authorUtf8 = keg->author.toUtf8();
    const QByteArray sealed = m_vault.seal("message-body", msg->body.toUtf8());
    if (auto r = m_cache.putMessage({dbId, cached.kegId, authorUtf8, qint64(msg->counter), hash, msg->previousHash, 0,
                                     msg->target, sealed, qint64(msg->timestampMs), qint64(cached.collectionVersion)});
        !r)
        return r;
    return settleTarget(dbId, cached.kegId, keg->author, hash);
}

Status Session::send(const QByteArray &roomId, const QString &text)
{
    if (auto c = canWrite(roomId, keg::Privilege::Post); !c)
        return c;
    return postChange(roomId, keg::KegType::Message, text, QByteArray(keg::KegIdBytes, '\0'), 0);
}

QList<MessageView> Session::messages(const QByteArray &roomId)
{
    QList<MessageView> out;
    auto rows = m_cache.select(
        QStringLiteral("SELECT m.keg_id, m.author, m.counter, m.body, m.sent_ms, o.state, o.error, m.kind, "
                       "m.target, m.hash FROM messages m LEFT JOIN outbox o ON o.db_id = m.db_id AND "
                       "o.keg_id = m.keg_id WHERE m.db_id = ? ORDER BY m.server_order, m.rowid"),
        {roomId});
    if (!rows)
        return out;
    QList<TimelineItem> order;
    QHash<QByteArray, qsizetype> index; // keg id -> position in out
    QList<QByteArray> hashes;
    struct Change
    {
        QString author;
        quint64 counter = 0;
        int kind = 0;
        QByteArray target;
        QByteArray body;
    };
    QList<Change> changes;
    for (const auto &r : *rows) {
        const int kind = r[7].toInt();
        if (kind != 0) {
            if (kind != 9) // refused changes are kept only for their author's chain
                changes.append({r[1].toString(), r[2].toULongLong(), kind, r[8].toByteArray(), r[3].toByteArray()});
            continue;
        }
        MessageView m;
        m.kegId = r[0].toByteArray();
        m.author = r[1].toString();
        m.counter = r[2].toULongLong();
        auto body = m_vault.open("message-body", r[3].toByteArray());
        m.body = body ? QString::fromUtf8(*body) : QStringLiteral("(unreadable in the local cache)");
        m.sentMs = r[4].toLongLong();
        if (!r[5].isNull()) {
            const auto state = storage::OutboxState(r[5].toInt());
            m.delivery = state == storage::OutboxState::Queued   ? MessageView::Delivery::Queued
                         : state == storage::OutboxState::Failed ? MessageView::Delivery::Failed
                                                                 : MessageView::Delivery::Sent;
            m.error = r[6].toString();
        }
        index.insert(m.kegId, out.size());
        order.append({m.author, m.counter});
        hashes.append(r[9].toByteArray());
        out.append(m);
    }
    // Edits and deletions as the role table allows them (applyChange refused the rest; this
    // holds for changes that arrived before their target, too): the author's newest edit.
    QHash<QByteArray, quint64> newestEdit;
    for (const Change &c : changes) {
        const auto it = index.constFind(c.target);
        if (it == index.constEnd())
            continue;
        MessageView &m = out[*it];
        if (c.kind == 3 || (c.kind == 2 && c.author == m.author)) {
            m.deleted = true;
        } else if (c.kind == 1 && c.author == m.author && c.counter > newestEdit.value(c.target)) {
            newestEdit.insert(c.target, c.counter);
            auto body = m_vault.open("message-body", c.body);
            m.body = body ? QString::fromUtf8(*body) : QStringLiteral("(unreadable in the local cache)");
            m.edited = true;
        }
    }
    if (auto receipts = m_cache.select(QStringLiteral("SELECT target, reader, hash FROM receipts WHERE db_id = ? "
                                                      "ORDER BY reader"),
                                       {roomId})) {
        for (const auto &r : *receipts) {
            const auto it = index.constFind(r[0].toByteArray());
            if (it != index.constEnd() && r[1].toString() != out[*it].author
                && crypto::constantTimeEquals(r[2].toByteArray(), hashes[*it]))
                out[*it].readBy.append(r[1].toString());
        }
    }
    for (MessageView &m : out) {
        if (m.deleted)
            m.body.clear();
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
    // A reader without the room's first key (invited since-join) can't read, so can't miss,
    // what an author wrote before their first message it holds.
    return room ? room->authors().missing(author, !room->keys().has(0)) : QList<quint64>{};
}

} // namespace tavern::client
