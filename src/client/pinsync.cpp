// Session: the pin log in the personal KegDB (client/pinlog.*). Every trust decision this
// device makes (a contact pinned on first sight, marked verified, a key change accepted, a
// room head advanced) is appended as a signed, hash-chained PinLog keg through the outbox;
// every device replays the log when it syncs the personal DB, so a new device inherits the
// pins of the others. Each device keeps its own chain (counter and previous hash): the
// chains' gaps, contradictions and a log that ends below what this device saw before are
// security notices.
#include "session.h"

#include "keytrust.h"
#include "pinlog.h"
#include "protocol/ops.h"

#include <QCborArray>

#include <sodium.h>

namespace tavern::client {

namespace {
const QString OwnHeadKey = QStringLiteral("pinlog.own");   // "<counter> <hash hex>"
const QString DeviceKey = QStringLiteral("device-id");     // 16 random bytes
const QString SeenPrefix = QStringLiteral("pinlog.seen:"); // + device hex: highest counter
const QString RoomPrefix = QStringLiteral("pinlog.room:"); // + room hex: "<version> <hash hex>"

std::optional<std::pair<quint64, QByteArray>> parsePair(const std::optional<QByteArray> &value)
{
    if (!value)
        return std::nullopt;
    const QList<QByteArray> parts = value->split(' ');
    if (parts.size() != 2)
        return std::nullopt;
    return std::pair{parts[0].toULongLong(), QByteArray::fromHex(parts[1])};
}

QByteArray formatPair(quint64 n, const QByteArray &hash)
{
    return QByteArray::number(n) + ' ' + hash.toHex();
}
} // namespace

QByteArray Session::personalDb() const
{
    return keg::personalDbId(m_identity->username);
}

QByteArray Session::deviceId()
{
    if (m_device.isEmpty()) {
        auto stored = m_cache.meta(DeviceKey);
        if (stored && *stored && (*stored)->size() == 16) {
            m_device = **stored;
        } else {
            QByteArray fresh(16, Qt::Uninitialized);
            randombytes_buf(fresh.data(), std::size_t(fresh.size()));
            if (m_cache.setMeta(DeviceKey, fresh))
                m_device = fresh;
        }
    }
    return m_device;
}

std::optional<std::pair<quint64, QByteArray>> Session::loggedRoomPin(const QByteArray &roomId)
{
    auto value = m_cache.meta(RoomPrefix + hex(roomId));
    return value ? parsePair(*value) : std::nullopt;
}

Status Session::appendPin(PinEntry e)
{
    auto own = m_cache.meta(OwnHeadKey);
    if (!own)
        return own.error();
    const auto head = parsePair(*own);
    e.device = deviceId();
    e.counter = head ? head->first + 1 : 1;
    e.previousHash = head ? head->second : QByteArray(32, '\0');
    e.timestampMs = quint64(QDateTime::currentMSecsSinceEpoch());
    const keg::Keg k = sealPinEntry(e, *m_identity, personalKey(*m_identity));
    QCborMap put;
    put.insert(QStringLiteral("dbId"), personalDb());
    put.insert(QStringLiteral("kegs"), QCborArray{keg::encodeKeg(k)});
    // The new head and the outbox entry (fixed bytes: a retry is the same keg) together.
    return m_cache.transaction([&]() -> Status {
        if (auto r = m_cache.setMeta(OwnHeadKey, formatPair(e.counter, keg::kegContentHash(k))); !r)
            return r;
        return enqueue(personalDb(), k.kegId, protocol::op::KegPut, put);
    });
}

Status Session::pinRoomHead(const QByteArray &roomId, quint64 version, const QByteArray &hash)
{
    const auto logged = loggedRoomPin(roomId);
    if (logged && logged->first >= version)
        return Ok{}; // already in the log (written by this or another device)
    if (auto r = m_cache.setMeta(RoomPrefix + hex(roomId), formatPair(version, hash)); !r)
        return r;
    PinEntry e;
    e.kind = PinKind::RoomHead;
    e.subject = hex(roomId);
    e.version = version;
    e.hash = hash;
    return appendPin(e);
}

void Session::addNoticeOnce(const QByteArray &dbId, const QString &kind, const QString &summary,
                            const QString &evidence)
{
    for (const storage::Notice &n : notices(dbId)) {
        if (n.kind == kind && n.evidence == evidence)
            return;
    }
    addNotice(dbId, kind, summary, evidence);
}

Status Session::applyPinKeg(const storage::CachedKeg &cached)
{
    if (cached.deleted)
        return Ok{};
    auto k = keg::decodeKeg(cached.data);
    if (!k || k->type != keg::KegType::PinLog)
        return Ok{};
    auto opened = openPinEntry(*k, *m_identity, personalKey(*m_identity));
    if (!opened) {
        addNoticeOnce(personalDb(), QStringLiteral("bad-signature"),
                      QStringLiteral("A pin log entry did not verify; Tavern ignored it."),
                      QStringLiteral("keg %1: %2").arg(hex(cached.kegId), opened.error().message));
        return Ok{};
    }
    const PinEntry &e = opened->first;
    const QString seenKey = SeenPrefix + hex(e.device);
    auto seen = m_cache.meta(seenKey);
    if (seen && (!*seen || (*seen)->toULongLong() < e.counter)) {
        if (auto r = m_cache.setMeta(seenKey, QByteArray::number(e.counter)); !r)
            return r;
    }
    if (e.kind == PinKind::RoomHead) {
        const QByteArray roomId = QByteArray::fromHex(e.subject.toLatin1());
        const auto logged = loggedRoomPin(roomId);
        if (!logged || logged->first < e.version)
            return m_cache.setMeta(RoomPrefix + e.subject, formatPair(e.version, e.hash));
        if (logged->first == e.version && logged->second != e.hash)
            addNoticeOnce(
                roomId, QStringLiteral("fork"),
                QStringLiteral("Two of your devices pinned different versions %1 of this room.").arg(e.version),
                QStringLiteral("pinned version %1 hashes %2 and %3")
                    .arg(e.version)
                    .arg(hex(logged->second), hex(e.hash)));
        return Ok{};
    }
    if (e.kind == PinKind::InvitationDeclined) {
        // A decline made on any device: the same invitation is not offered here either.
        const QByteArray roomId = QByteArray::fromHex(e.subject.toLatin1());
        if (m_declined.contains(roomId) && m_declined.value(roomId) >= e.version)
            return Ok{};
        if (auto r = m_cache.setMeta(QStringLiteral("declined:%1").arg(e.subject), QByteArray::number(e.version)); !r)
            return r;
        m_declined.insert(roomId, e.version);
        Q_EMIT roomChanged(roomId);
        return Ok{};
    }
    // This device's own entries took effect when it wrote them; replaying them would report
    // its own decisions as another device's (a false "Another of your devices..." after
    // every reconnect once a key change was accepted).
    if (e.device == deviceId() || e.subject == m_identity->username)
        return Ok{};
    const QByteArray sign = e.keys.left(32), box = e.keys.mid(32);
    const auto pinned = pinnedContact(e.subject);
    KeyTrust &keys = keyTrust();
    switch (e.kind) {
    case PinKind::ContactPinned:
        // Unknown here: adopted. Other keys: a key change (one notice per contact and key),
        // unless they are keys this user already replaced.
        return keys.observe(e.subject, sign, box, KeyTrust::Seen::PinLog);
    case PinKind::ContactVerified:
        // Also ends a mismatch: the user compared again on that device and it matched.
        return m_cache.exec(QStringLiteral("UPDATE contacts SET trust = ? WHERE username = ? AND trust IN (?, ?)"),
                            {int(Trust::Verified), e.subject, int(Trust::TrustedOnFirstUse), int(Trust::Mismatch)});
    case PinKind::ContactMismatch:
        if (auto r = keys.applyMismatch(e.subject, sign); !r)
            return r;
        if (trust(e.subject) == Trust::Mismatch)
            keys.raiseMismatchNotices(e.subject, sign);
        return Ok{};
    case PinKind::KeyChangeAccepted: {
        if (!pinned)
            return keys.observe(e.subject, sign, box, KeyTrust::Seen::PinLog);
        const bool same = pinned->signPublicKey == sign && pinned->boxPublicKey == box;
        if (same && trust(e.subject) != Trust::KeyChanged)
            return Ok{};
        // Never back to keys this user already replaced (an old acceptance served late).
        if (!same && keys.isSuperseded(e.subject, sign))
            return Ok{};
        // The user accepted these keys on another device: this device takes them too, and
        // the keys they replace are never pinned again.
        return m_cache.transaction([&]() -> Status {
            if (!same) {
                if (auto r = keys.supersede(e.subject, pinned->signPublicKey); !r)
                    return r;
            }
            return m_cache.exec(
                QStringLiteral("UPDATE contacts SET sign_pk = ?, box_pk = ?, pending_sign_pk = NULL, "
                               "pending_box_pk = NULL, trust = ?, updated_ms = ? WHERE username = ?"),
                {sign, box, int(Trust::TrustedOnFirstUse), QDateTime::currentMSecsSinceEpoch(), e.subject});
        });
    }
    default: return Ok{};
    }
}

void Session::checkPinLog()
{
    auto held = m_cache.kegs(personalDb());
    if (!held)
        return;
    // This device's own entries the server acknowledged must come back: one it does not serve
    // was dropped (or never stored). The list that just ended may have been asked before an
    // acknowledgement arrived, so the personal DB is listed once more before judging.
    QSet<QByteArray> served;
    for (const storage::CachedKeg &c : *held)
        served.insert(c.kegId);
    QStringList lost;
    if (auto acked = m_cache.select(QStringLiteral("SELECT keg_id FROM outbox WHERE db_id = ? AND state = ?"),
                                    {personalDb(), int(storage::OutboxState::Sent)})) {
        for (const auto &r : *acked) {
            if (!served.contains(r[0].toByteArray()))
                lost << hex(r[0].toByteArray());
        }
    }
    if (!lost.isEmpty() && !m_pinRecheck) {
        m_pinRecheck = true;
        return syncKegs(personalDb(), [this] {
            checkPinLog();
            m_pinRecheck = false;
        });
    }
    if (!lost.isEmpty())
        addNoticeOnce(personalDb(), QStringLiteral("pin-log"),
                      QStringLiteral("The server acknowledged entries of your pin log that it does not serve: "
                                     "trust decisions of this device were dropped."),
                      QStringLiteral("this device's entries %1 acknowledged, not served").arg(lost.join(u',')));
    // The log must not end below this device's cursor: the keg it received there is asked for
    // again (a collection that went back to a lower version, even one that grew again since).
    if (auto at = m_cache.cursor(personalDb()); at && *at > 0) {
        QCborMap body;
        body.insert(QStringLiteral("dbId"), personalDb());
        body.insert(QStringLiteral("since"), qint64(*at - 1));
        body.insert(QStringLiteral("limit"), 1);
        m_conn->request(protocol::op::KegList, body, [this, at = *at](Result<QCborMap> r) {
            if (!r)
                return; // asked again after the next sync
            const QCborArray kegs = r->value(QStringLiteral("kegs")).toArray();
            const QCborMap first = kegs.isEmpty() ? QCborMap() : kegs.first().toMap();
            const quint64 cv = quint64(first.value(QStringLiteral("collectionVersion")).toInteger());
            auto ours = m_cache.keg(personalDb(), first.value(QStringLiteral("kegId")).toByteArray());
            if (ours && (cv != at || !*ours || (*ours)->collectionVersion != at))
                addNoticeOnce(personalDb(), QStringLiteral("rollback"),
                              QStringLiteral("The server's copy of your pin log went back below what this device "
                                             "already received: it was rolled back. Tavern kept its pins."),
                              QStringLiteral("cursor %1, served there %2").arg(at).arg(kegs.isEmpty() ? 0 : cv));
        });
    }
    // The whole log as the server now serves it, each device's chain checked from scratch.
    AuthorChains chains;
    QHash<QString, quint64> highest;
    const crypto::SecureBytes key = personalKey(*m_identity);
    for (const storage::CachedKeg &c : *held) {
        auto k = c.deleted ? Result<keg::Keg>(Error{1, {}}) : keg::decodeKeg(c.data);
        if (!k || k->type != keg::KegType::PinLog)
            continue;
        auto opened = openPinEntry(*k, *m_identity, key);
        if (!opened)
            continue; // noticed when applied
        const PinEntry &e = opened->first;
        const QString device = hex(e.device);
        highest[device] = std::max(highest.value(device), e.counter);
        const Placement p = chains.add(device, e.counter, e.previousHash, opened->second);
        if (p == Placement::Equivocation || p == Placement::BrokenLink)
            addNoticeOnce(personalDb(), QStringLiteral("pin-log"),
                          QStringLiteral("Your pin log holds two different entries where one belongs. "
                                         "Tavern kept the first and trusts nothing new from it."),
                          QStringLiteral("device %1 entry %2 (keg %3)").arg(device).arg(e.counter).arg(hex(c.kegId)));
    }
    for (auto it = highest.cbegin(); it != highest.cend(); ++it) {
        const QList<quint64> gaps = chains.missing(it.key());
        if (!gaps.isEmpty()) {
            QStringList numbers;
            for (quint64 n : gaps)
                numbers << QString::number(n);
            addNoticeOnce(personalDb(), QStringLiteral("pin-log"),
                          QStringLiteral("Entries of your pin log are missing: the server dropped trust "
                                         "decisions one of your devices made."),
                          QStringLiteral("device %1 entries %2 missing").arg(it.key(), numbers.join(u',')));
        }
    }
    // A log that ends below what this device already saw: the server rolled it back.
    auto rows = m_cache.select(QStringLiteral("SELECT key, value FROM meta WHERE key LIKE 'pinlog.seen:%'"));
    if (!rows)
        return;
    for (const auto &r : *rows) {
        const QString device = r[0].toString().mid(SeenPrefix.size());
        const quint64 seen = r[1].toByteArray().toULongLong();
        if (highest.value(device) < seen)
            addNoticeOnce(personalDb(), QStringLiteral("rollback"),
                          QStringLiteral("The server's copy of your pin log ends before entries this device "
                                         "already saw: it was rolled back."),
                          QStringLiteral("device %1 seen up to %2, served up to %3")
                              .arg(device)
                              .arg(seen)
                              .arg(highest.value(device)));
    }
    keyTrust().settle(); // decisions taken on other devices resolve this device's notices
}

void Session::checkRoomPin(const QByteArray &roomId)
{
    if (m_revoked.contains(roomId))
        return;
    const auto pin = loggedRoomPin(roomId);
    if (!pin)
        return;
    const RoomState *state = roomFor(roomId);
    const quint64 head = state && state->started() ? state->head().version().version : 0;
    const QString evidence =
        QStringLiteral("pinned version %1 hash %2, server head %3").arg(pin->first).arg(hex(pin->second)).arg(head);
    if (head < pin->first)
        addNoticeOnce(roomId, QStringLiteral("rollback"),
                      QStringLiteral("The server's copy of this room ends at version %1, below version %2 "
                                     "your devices already pinned: it was rolled back.")
                          .arg(head)
                          .arg(pin->first),
                      evidence);
    else if (state && state->hashAt(pin->first) != pin->second)
        addNoticeOnce(roomId, QStringLiteral("fork"),
                      QStringLiteral("The server shows a different version %1 of this room than the one "
                                     "your devices pinned.")
                          .arg(pin->first),
                      evidence);
}

} // namespace tavern::client
