// Session: edits, deletions (redactions) and read receipts (threat-model rule 7). Edits and
// redactions are message kegs in their author's chain naming a target; they count only as
// the role table allows (an author edits and deletes their own; a role with RedactOthers
// deletes anybody's). A receipt counts only when signed by a member and bound to the hash
// of the message it names. Anything refused stays out of the view and gets a notice.
#include "session.h"

#include "keytrust.h"

#include "protocol/ops.h"
#include "receipt.h"

#include <QCborArray>

namespace tavern::client {

namespace {
constexpr qint64 UnsentOrder = std::numeric_limits<qint64>::max();
enum Kind { KindMessage = 0, KindEdit = 1, KindRedaction = 2, KindRedactionByRole = 3, KindRefused = 9 };

QString where(const storage::CachedKeg &cached)
{
    return QStringLiteral("keg %1 at collection version %2").arg(hex(cached.kegId)).arg(cached.collectionVersion);
}
} // namespace

std::optional<Session::Target> Session::messageTarget(const QByteArray &dbId, const QByteArray &kegId)
{
    auto rows = m_cache.select(
        QStringLiteral("SELECT m.author, m.hash, m.kind, EXISTS (SELECT 1 FROM messages r WHERE r.db_id = m.db_id "
                       "AND r.target = m.keg_id AND (r.kind = 3 OR (r.kind = 2 AND r.author = m.author))) "
                       "FROM messages m WHERE m.db_id = ? AND m.keg_id = ?"),
        {dbId, kegId});
    if (!rows || rows->empty())
        return std::nullopt;
    const auto &r = rows->front();
    return Target{r[0].toString(), r[1].toByteArray(), r[2].toInt(), r[3].toBool()};
}

Status Session::applyChange(RoomState &, const QByteArray &dbId, const storage::CachedKeg &cached, const keg::Keg &k,
                            const keg::MessagePayload &msg, bool mayRedactOthers)
{
    const bool isEdit = k.type == keg::KegType::Edit;
    int kind = isEdit ? KindEdit : mayRedactOthers ? KindRedactionByRole : KindRedaction;
    QString refusal;
    const auto target = messageTarget(dbId, msg.target);
    if (msg.target == QByteArray(keg::KegIdBytes, '\0')) {
        refusal = QStringLiteral("%1's %2 names no message")
                      .arg(k.author, isEdit ? QStringLiteral("edit") : QStringLiteral("deletion"));
    } else if (target && target->kind != KindMessage) {
        refusal = QStringLiteral("%1's %2 names an edit or deletion, not a message")
                      .arg(k.author, isEdit ? QStringLiteral("edit") : QStringLiteral("deletion"));
    } else if (target && isEdit && target->author != k.author) {
        refusal = QStringLiteral("%1 tried to edit %2's message; only its author may edit a message")
                      .arg(k.author, target->author);
    } else if (target && kind == KindRedaction && target->author != k.author) {
        refusal = QStringLiteral("%1 tried to delete %2's message without a role allowed to remove other "
                                 "people's messages")
                      .arg(k.author, target->author);
    }
    if (!target && refusal.isEmpty())
        m_awaited[dbId].insert(msg.target); // settled when it arrives: settleTarget
    if (!refusal.isEmpty()) {
        kind = KindRefused;
        addNotice(dbId, QStringLiteral("unauthorised-change"),
                  QStringLiteral("A change was not applied: %1.").arg(refusal),
                  QStringLiteral("%1, target %2").arg(where(cached), hex(msg.target)));
    }
    const QByteArray body = kind == KindEdit ? msg.body.toUtf8() : QByteArray();
    const QByteArray author = k.author.toUtf8(), hash = keg::kegContentHash(k);
    const QByteArray sealed = m_vault.seal("message-body", body);
    if (auto r = m_cache.putMessage({dbId, cached.kegId, author, qint64(msg.counter), hash, msg.previousHash, kind,
                                     msg.target, sealed, qint64(msg.timestampMs), qint64(cached.collectionVersion)});
        !r)
        return r;
    if (target && (kind == KindRedaction || kind == KindRedactionByRole)) {
        // Deleted here too: the text is no longer kept in this device's cache.
        return m_cache.exec(QStringLiteral("UPDATE messages SET body = ? WHERE db_id = ? AND keg_id = ? AND kind = 0"),
                            {m_vault.seal("message-body", QByteArray()), dbId, msg.target});
    }
    return Ok{};
}

Status Session::settleTarget(const QByteArray &dbId, const QByteArray &kegId, const QString &author,
                             const QByteArray &hash)
{
    auto awaited = m_awaited.find(dbId);
    if (awaited == m_awaited.end() || !awaited->remove(kegId))
        return Ok{}; // nothing named it before it came (the common case: no lookup)
    // Edits and deletions that arrived before their message (A12): the ones the role table
    // does not allow for this author are refused now.
    auto changes = m_cache.select(QStringLiteral("SELECT keg_id, author, kind FROM messages WHERE db_id = ? "
                                                 "AND target = ? AND kind IN (1, 2, 3)"),
                                  {dbId, kegId});
    if (!changes)
        return changes.error();
    bool deleted = false;
    for (const auto &c : *changes) {
        const QString by = c[1].toString();
        const int kind = c[2].toInt();
        if (kind == KindRedactionByRole || by == author) {
            deleted = deleted || kind != KindEdit;
            continue;
        }
        addNotice(dbId, QStringLiteral("unauthorised-change"),
                  QStringLiteral("A change was not applied: %1 tried to %2 %3's message%4.")
                      .arg(by, kind == KindEdit ? QStringLiteral("edit") : QStringLiteral("delete"), author,
                           kind == KindEdit
                               ? QStringLiteral("; only its author may edit a message")
                               : QStringLiteral(" without a role allowed to remove other people's messages")),
                  QStringLiteral("keg %1, target %2").arg(hex(c[0].toByteArray()), hex(kegId)));
        if (auto r =
                m_cache.exec(QStringLiteral("UPDATE messages SET kind = 9, body = ? WHERE db_id = ? AND keg_id = ?"),
                             {m_vault.seal("message-body", QByteArray()), dbId, c[0].toByteArray()});
            !r)
            return r;
    }
    if (deleted) {
        if (auto r = m_cache.exec(QStringLiteral("UPDATE messages SET body = ? WHERE db_id = ? AND keg_id = ?"),
                                  {m_vault.seal("message-body", QByteArray()), dbId, kegId});
            !r)
            return r;
    }
    // Receipts that came first: each must name this message's hash.
    auto receipts = m_cache.select(
        QStringLiteral("SELECT reader, hash, keg_id FROM receipts WHERE db_id = ? AND target = ?"), {dbId, kegId});
    if (!receipts)
        return receipts.error();
    for (const auto &r : *receipts) {
        if (crypto::constantTimeEquals(r[1].toByteArray(), hash))
            continue;
        addNotice(dbId, QStringLiteral("bad-receipt"),
                  QStringLiteral("%1's read receipt names %2's message with another hash than the message you "
                                 "hold; it was not counted.")
                      .arg(r[0].toString(), author),
                  QStringLiteral("receipt keg %1, target %2").arg(hex(r[2].toByteArray()), hex(kegId)));
        if (auto d = m_cache.exec(QStringLiteral("DELETE FROM receipts WHERE db_id = ? AND target = ? AND reader = ?"),
                                  {dbId, kegId, r[0].toString()});
            !d)
            return d;
    }
    return Ok{};
}

Status Session::applyReceipt(RoomState &room, const QByteArray &dbId, const storage::CachedKeg &cached,
                             const keg::Keg &k, QByteArray plain)
{
    auto receipt = decodeReceipt(plain);
    crypto::wipe(plain);
    const auto refuse = [&](const QString &kind, const QString &why) {
        addNotice(dbId, kind, QStringLiteral("A read receipt was not counted: %1.").arg(why), where(cached));
        return Status(Ok{});
    };
    if (!receipt)
        return refuse(QStringLiteral("quarantined"), receipt.error().message);
    const QByteArray known = room.hashAt(receipt->headVersion);
    if (known.isEmpty())
        return refuse(QStringLiteral("unknown-head"),
                      QStringLiteral("%1 wrote it under room version %2, which this device has not verified")
                          .arg(k.author)
                          .arg(receipt->headVersion));
    if (!crypto::constantTimeEquals(known, receipt->headHash))
        return refuse(QStringLiteral("fork"),
                      QStringLiteral("%1 wrote it under a room version that differs from yours").arg(k.author));
    auto member = room.memberAt(receipt->headVersion, k.author);
    if (!member || member->state != keg::InviteState::Joined
        || !keg::roleAllows(member->role, keg::Privilege::SendReceipt))
        return refuse(
            QStringLiteral("unauthorised-change"),
            QStringLiteral("%1 was not a joined member in room version %2").arg(k.author).arg(receipt->headVersion));
    const auto target = messageTarget(dbId, receipt->target);
    if (target && (target->kind != KindMessage || !crypto::constantTimeEquals(target->hash, receipt->messageHash)))
        return refuse(QStringLiteral("bad-receipt"),
                      QStringLiteral("%1's receipt names %2's message with another hash than the message you hold")
                          .arg(k.author, target->author));
    if (!target)
        m_awaited[dbId].insert(receipt->target); // checked when it arrives: settleTarget
    return m_cache.exec(
        QStringLiteral("INSERT INTO receipts (db_id, target, reader, hash, keg_id, at_ms) "
                       "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
        {dbId, receipt->target, k.author, receipt->messageHash, cached.kegId, qint64(receipt->timestampMs)});
}

Status Session::canWrite(const QByteArray &roomId, keg::Privilege need)
{
    if (m_revoked.contains(roomId))
        return Error{int(SessionError::NotInRoom),
                     QStringLiteral("You were removed from this room (or left it); you can no longer send to it.")};
    RoomState *room = roomFor(roomId);
    if (!room || !room->started())
        return Error{int(SessionError::NotInRoom), QStringLiteral("You are not in this room.")};
    const auto &head = room->head();
    const keg::Member *me = head.version().member(m_identity->username.toUtf8());
    if (!me || me->state != keg::InviteState::Joined)
        return Error{int(SessionError::NotInRoom), QStringLiteral("You are not a joined member of this room.")};
    if (!keg::roleAllows(me->role, need))
        return Error{int(SessionError::Refused),
                     need == keg::Privilege::Post
                         ? QStringLiteral("Guests can read but not post in this room.")
                         : QStringLiteral("Your role in this room does not allow that (%1 is for %2).")
                               .arg(keg::privilegeName(need), need == keg::Privilege::RedactOthers
                                                                  ? QStringLiteral("moderators and admins")
                                                                  : QStringLiteral("other roles"))};
    // A member's key changed, is not the one pinned, or failed a comparison (keytrust.h).
    if (auto blocked = keyTrust().versionBlock(head.version()); !blocked)
        return blocked;
    // (A room the guard holds takes the message into the outbox: it waits there for the key.)
    if (!room->keys().get(head.version().currentGeneration()) && !m_guard.held(roomId))
        return Error{int(SessionError::Refused),
                     QStringLiteral("This device does not hold the room's current key yet.")};
    return Ok{};
}

Status Session::postChange(const QByteArray &roomId, keg::KegType type, const QString &text, const QByteArray &target,
                           int kind)
{
    if (text.toUtf8().size() > keg::MaxMessageBody)
        return Error{int(SessionError::Refused),
                     QStringLiteral("The message is too long (at most %1 bytes).").arg(keg::MaxMessageBody)};
    // Stored now, numbered and sealed when it goes out (sealQueued): the author chain is one
    // per account, and only a device that has caught up knows which counter comes next — one
    // that was offline while another device of this account wrote would otherwise number its
    // message like one already sent, and everyone would see two messages under one counter.
    const QByteArray kegId = keg::newKegId();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QCborMap put;
    put.insert(QStringLiteral("dbId"), roomId);
    put.insert(QStringLiteral("post"), int(type)); // the text stays in messages.body, sealed by the Vault
    // The row and its outbox entry are written together: nothing typed is lost.
    auto r = m_cache.transaction([&]() -> Status {
        if (auto s = m_cache.exec(QStringLiteral("INSERT INTO messages (db_id, keg_id, author, counter, hash, "
                                                 "prev_hash, kind, target, body, sent_ms, server_order) "
                                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                                  {roomId, kegId, m_identity->username, UnsealedCounter, QByteArray(""), QByteArray(""),
                                   kind, target, m_vault.seal("message-body", text.toUtf8()), now, UnsentOrder});
            !s)
            return s;
        if (kind == KindRedaction || kind == KindRedactionByRole) {
            if (auto s = m_cache.exec(QStringLiteral("UPDATE messages SET body = ? WHERE db_id = ? AND keg_id = ? "
                                                     "AND kind = 0"),
                                      {m_vault.seal("message-body", QByteArray()), roomId, target});
                !s)
                return s;
        }
        return enqueue(roomId, kegId, protocol::op::KegPut, put);
    });
    if (!r)
        return r;
    Q_EMIT messagesChanged(roomId);
    pumpOutbox();
    return Ok{};
}

Result<QCborMap> Session::sealQueued(const storage::OutboxItem &item, int type)
{
    if (type != int(keg::KegType::Message) && type != int(keg::KegType::Edit) && type != int(keg::KegType::Redaction))
        return Error{
            int(SessionError::Refused),
            QStringLiteral("This message could not be sent: its copy on this device is damaged. Type it again.")};
    auto rows = m_cache.select(QStringLiteral("SELECT kind, target, body, sent_ms FROM messages WHERE db_id = ? "
                                              "AND keg_id = ?"),
                               {item.dbId, item.kegId});
    if (!rows || rows->empty())
        return Error{
            int(SessionError::Refused),
            QStringLiteral("This message could not be sent: it is no longer in this device's cache. Type it again.")};
    if (m_guard.blocks(item.dbId, protocol::op::KegPut))
        return Error{int(SessionError::Busy), m_guard.reason(item.dbId)}; // waits in the outbox
    const auto &row = rows->front();
    const int kind = row[0].toInt();
    // What allowed it when it was typed must still hold now (removed, demoted, a key changed).
    if (auto c = canWrite(item.dbId, kind == KindRedactionByRole ? keg::Privilege::RedactOthers : keg::Privilege::Post);
        !c)
        return c.error();
    auto body = m_vault.open("message-body", row[2].toByteArray());
    if (!body)
        return Error{int(SessionError::Refused),
                     QStringLiteral("This message could not be sent: its copy on this device cannot be read (the local "
                                    "key changed?). Type it again.")};
    RoomState *room = roomFor(item.dbId);
    const auto &head = room->head();
    const quint32 gen = head.version().currentGeneration();
    const crypto::SecureBytes *key = room->keys().get(gen);
    if (!key)
        return Error{int(SessionError::NotInRoom),
                     QStringLiteral("This device does not hold the room's current key yet, so the message was not "
                                    "sent. Let the room sync, then send it again.")};
    const quint64 counter = room->authors().highest(m_identity->username) + 1;
    keg::MessagePayload payload{counter,
                                room->authors().hashOf(m_identity->username, counter - 1),
                                head.version().version,
                                head.hash(),
                                quint64(row[3].toLongLong()),
                                QString::fromUtf8(*body),
                                row[1].toByteArray()};
    crypto::wipe(*body);
    if (payload.previousHash.isEmpty())
        payload.previousHash = QByteArray(32, '\0');
    if (payload.target.isEmpty())
        payload.target = QByteArray(keg::KegIdBytes, '\0');
    QByteArray plain = keg::encodeMessage(payload);
    keg::Keg k = keg::sealKeg({item.dbId, item.kegId, keg::KegType(type), gen, 1}, plain, *key, m_identity->username,
                              m_identity->signing);
    crypto::wipe(plain);
    const QByteArray hash = keg::kegContentHash(k);
    QCborMap put;
    put.insert(QStringLiteral("dbId"), item.dbId);
    put.insert(QStringLiteral("kegs"), QCborArray{keg::encodeKeg(k)});
    // Numbered, and these bytes fixed, before they go out: a retry sends the very same keg.
    auto stored = m_cache.transaction([&]() -> Status {
        if (auto s = m_cache.exec(QStringLiteral("UPDATE messages SET counter = ?, hash = ?, prev_hash = ? "
                                                 "WHERE db_id = ? AND keg_id = ?"),
                                  {qint64(counter), hash, payload.previousHash, item.dbId, item.kegId});
            !s)
            return s;
        return m_cache.exec(QStringLiteral("UPDATE outbox SET payload = ? WHERE id = ?"),
                            {put.toCborValue().toCbor(), item.id});
    });
    if (!stored)
        return stored.error();
    if (room->authors().add(m_identity->username, counter, payload.previousHash, hash) != Placement::Accepted)
        return Error{int(SessionError::Busy), QStringLiteral("Could not number the message; try again.")};
    Q_EMIT messagesChanged(item.dbId);
    return put;
}

Status Session::edit(const QByteArray &roomId, const QByteArray &kegId, const QString &newText)
{
    if (auto c = canWrite(roomId, keg::Privilege::Post); !c)
        return c;
    const auto target = messageTarget(roomId, kegId);
    if (!target || target->kind != KindMessage)
        return Error{int(SessionError::Refused), QStringLiteral("There is no such message in this room.")};
    if (target->author != m_identity->username)
        return Error{int(SessionError::Refused), QStringLiteral("Only its author can edit a message.")};
    if (target->deleted)
        return Error{int(SessionError::Refused), QStringLiteral("The message was deleted.")};
    return postChange(roomId, keg::KegType::Edit, newText, kegId, KindEdit);
}

Status Session::redact(const QByteArray &roomId, const QByteArray &kegId)
{
    const auto target = messageTarget(roomId, kegId);
    if (!target || target->kind != KindMessage)
        return Error{int(SessionError::Refused), QStringLiteral("There is no such message in this room.")};
    if (target->deleted)
        return Ok{}; // already gone
    const bool own = target->author == m_identity->username;
    if (own) {
        if (auto c = canWrite(roomId, keg::Privilege::Post); !c)
            return c;
    } else if (auto c = canWrite(roomId, keg::Privilege::RedactOthers); !c) {
        return c;
    }
    const RoomState *room = roomFor(roomId);
    const keg::Member *me = room->head().version().member(m_identity->username.toUtf8());
    const bool byRole = keg::roleAllows(me->role, keg::Privilege::RedactOthers);
    return postChange(roomId, keg::KegType::Redaction, QString(), kegId, byRole ? KindRedactionByRole : KindRedaction);
}

Status Session::markRead(const QByteArray &roomId, const QByteArray &kegId)
{
    if (auto c = canWrite(roomId, keg::Privilege::SendReceipt); !c)
        return c;
    if (m_guard.blocks(roomId, protocol::op::KegPut)) // sealed now: not while the room is held
        return Error{int(SessionError::Busy), m_guard.reason(roomId)};
    const auto target = messageTarget(roomId, kegId);
    if (!target || target->kind != KindMessage)
        return Error{int(SessionError::Refused), QStringLiteral("There is no such message in this room.")};
    if (target->author == m_identity->username)
        return Ok{}; // one's own messages are read
    auto held = m_cache.select(QStringLiteral("SELECT 1 FROM receipts WHERE db_id = ? AND target = ? AND reader = ?"),
                               {roomId, kegId, m_identity->username});
    if (held && !held->empty())
        return Ok{}; // once per message
    RoomState *room = roomFor(roomId);
    const auto &head = room->head();
    const quint32 gen = head.version().currentGeneration();
    const ReceiptPayload payload{kegId, target->hash, head.version().version, head.hash(),
                                 quint64(QDateTime::currentMSecsSinceEpoch())};
    keg::Keg k = keg::sealKeg({roomId, keg::newKegId(), keg::KegType::Receipt, gen, 1}, encodeReceipt(payload),
                              *room->keys().get(gen), m_identity->username, m_identity->signing);
    QCborMap put;
    put.insert(QStringLiteral("dbId"), roomId);
    put.insert(QStringLiteral("kegs"), QCborArray{keg::encodeKeg(k)});
    auto r = m_cache.transaction([&]() -> Status {
        if (auto s =
                m_cache.exec(QStringLiteral("INSERT INTO receipts (db_id, target, reader, hash, keg_id, at_ms) "
                                            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
                             {roomId, kegId, m_identity->username, target->hash, k.kegId, qint64(payload.timestampMs)});
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

} // namespace tavern::client
