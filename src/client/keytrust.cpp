#include "keytrust.h"

#include "pinlog.h"
#include "session.h"

#include "crypto/contexts.h"
#include "crypto/hash.h"
#include "crypto/safetynumber.h"
#include "crypto/sign.h"
#include "keg/canonical.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QRegularExpression>

namespace tavern::client {

namespace {
const QString KeyChanged = QStringLiteral("key-changed");
const QString Mismatch = QStringLiteral("mismatch");
const QString ReaddNeeded = QStringLiteral("readd-needed");
const QString Resolved = QStringLiteral("-resolved");
const QString OldKeyPrefix = QStringLiteral("pin.old:"); // + user ':' sign hex: a superseded pin
constexpr int LookupPage = 200;                          // names per batched user.lookup
// Hashes the head's members into the room fingerprint (crypto::roomFingerprint's second input).
constexpr QByteArrayView MembersContext = "tavern/v1/room-fingerprint/members";

// Evidence of contact notices: "contact <name> key <sign hex>", then for room notices of a
// mismatch " member" (in the head) or " sealed" (an earlier member).
QString contactEvidence(const QString &name, const QByteArray &sign)
{
    return QStringLiteral("contact %1 key %2").arg(name, hex(sign));
}

const keg::Member *memberWithKey(const keg::BootKegVersion &v, const QString &name, const QByteArray &sign)
{
    const keg::Member *m = v.member(name.toUtf8());
    return m && m->signPublicKey == sign ? m : nullptr;
}
} // namespace

KeyTrust::KeyTrust(Session &session) : QObject(&session), m_s(session)
{
    // A room change (another admin re-added someone, a removal) can settle a notice at once.
    connect(&session, &Session::roomChanged, this, [this] { settle(); });
}

KeyTrust &Session::keyTrust()
{
    if (!m_keyTrust)
        m_keyTrust = new KeyTrust(*this); // a child: deleted with the Session
    return *m_keyTrust;
}

bool KeyTrust::isSuperseded(const QString &name, const QByteArray &sign)
{
    auto v = m_s.m_cache.meta(OldKeyPrefix + name + u':' + hex(sign));
    return v && *v;
}

Status KeyTrust::supersede(const QString &name, const QByteArray &sign)
{
    return m_s.m_cache.setMeta(OldKeyPrefix + name + u':' + hex(sign), QByteArrayLiteral("1"));
}

Status KeyTrust::observe(const QString &name, const QByteArray &sign, const QByteArray &box, Seen from,
                         const QByteArray &roomId)
{
    storage::Cache &cache = m_s.m_cache;
    const auto pinned = m_s.pinnedContact(name);
    if (!pinned) {
        if (auto r = cache.exec(QStringLiteral("INSERT INTO contacts (username, sign_pk, box_pk, trust, updated_ms) "
                                               "VALUES (?, ?, ?, ?, ?)"),
                                {name, sign, box, int(Trust::TrustedOnFirstUse), QDateTime::currentMSecsSinceEpoch()});
            !r)
            return r;
        return from == Seen::PinLog ? Status(Ok{}) : m_s.logContactPin(name, sign + box);
    }
    if (pinned->signPublicKey == sign && pinned->boxPublicKey == box) {
        // The pinned key again, after another one was shown (a server that swapped the keys
        // and put them back, A17): sending stays blocked until the user looks, but accepting
        // must then keep the pinned key, not pin the one that was swapped in.
        return cache.exec(QStringLiteral("UPDATE contacts SET pending_sign_pk = sign_pk, pending_box_pk = box_pk "
                                         "WHERE username = ? AND pending_sign_pk IS NOT NULL "
                                         "AND (pending_sign_pk != sign_pk OR pending_box_pk != box_pk)"),
                          {name});
    }
    // An older key the user already replaced, listed by a room or pinned by another device
    // before it learnt of the change: never a reason to go back. A room that still lists it
    // is blocked by versionBlock until the member is re-added.
    if (from != Seen::Directory && isSuperseded(name, sign))
        return Ok{};
    auto pending =
        cache.select(QStringLiteral("SELECT pending_sign_pk, trust FROM contacts WHERE username = ?"), {name});
    if (!pending)
        return pending.error();
    const bool same = !pending->empty() && pending->front()[0].toByteArray() == sign
                      && Trust(pending->front()[1].toInt()) == Trust::KeyChanged;
    if (!same) {
        if (auto r =
                cache.exec(QStringLiteral("UPDATE contacts SET pending_sign_pk = ?, pending_box_pk = ?, trust = ?, "
                                          "updated_ms = ? WHERE username = ?"),
                           {sign, box, int(Trust::KeyChanged), QDateTime::currentMSecsSinceEpoch(), name});
            !r)
            return r;
    }
    // One notice per (contact, new key), wherever and however often it is seen.
    const QString evidence = contactEvidence(name, sign);
    auto seen =
        cache.select(QStringLiteral("SELECT 1 FROM notices WHERE kind = ? AND evidence = ?"), {KeyChanged, evidence});
    if (seen && !seen->empty())
        return Ok{};
    QString summary;
    switch (from) {
    case Seen::Directory:
        summary = QStringLiteral("%1's safety number changed. Sending to %1 is blocked until you review it.");
        break;
    case Seen::InRoom:
        summary = QStringLiteral("%1 is in this room with keys other than the ones you pinned. Sending is blocked "
                                 "until you review %1's safety number.");
        break;
    case Seen::PinLog:
        summary = QStringLiteral("Another of your devices pinned other keys for %1. Sending to %1 is blocked until "
                                 "you review %1's safety number.");
        break;
    }
    m_s.addNotice(roomId, KeyChanged, summary.arg(name), evidence);
    return Ok{};
}

void KeyTrust::check(std::function<void()> done)
{
    QSet<QString> names;
    for (const auto &[id, room] : m_s.m_rooms) {
        if (!room->started() || m_s.m_revoked.contains(id))
            continue;
        for (const keg::Member &m : room->head().version().members)
            names.insert(QString::fromUtf8(m.username));
    }
    names.remove(m_s.username());
    auto list = std::make_shared<QStringList>(names.values());
    list->sort();
    lookupPage(list, std::move(done));
}

void KeyTrust::lookupPage(std::shared_ptr<QStringList> names, std::function<void()> done)
{
    if (names->isEmpty()) {
        settle();
        return done();
    }
    QCborArray page;
    for (const QString &n : names->mid(0, LookupPage))
        page.append(n);
    names->remove(0, std::min<qsizetype>(LookupPage, names->size()));
    QCborMap body;
    body.insert(QStringLiteral("usernames"), page);
    m_s.m_conn->request(protocol::op::UserLookup, body, [this, names, done](Result<QCborMap> r) {
        if (!r)
            return done(); // offline or refused: the next sync checks again
        for (const QCborValue &v : r->value(QStringLiteral("users")).toArray()) {
            const QCborMap u = v.toMap();
            const QString name = u.value(QStringLiteral("username")).toString();
            const QByteArray sign = u.value(QStringLiteral("signKey")).toByteArray();
            const QByteArray box = u.value(QStringLiteral("boxKey")).toByteArray();
            // Keys the user did not sign themselves are the server's invention: not a change.
            if (sign.size() != 32 || box.size() != 32
                || !crypto::verify(sign, crypto::ctx::SignupSig, protocol::signupMessage(name, sign, box),
                                   u.value(QStringLiteral("sig")).toByteArray())) {
                m_s.addNoticeOnce(
                    {}, QStringLiteral("bad-signature"),
                    QStringLiteral("The server's keys for %1 are not self-signed; Tavern ignored them.").arg(name),
                    QStringLiteral("directory keys for %1: %2").arg(name, hex(sign)));
                continue;
            }
            (void)observe(name, sign, box, Seen::Directory);
        }
        lookupPage(names, done);
    });
}

Status KeyTrust::versionBlock(const keg::BootKegVersion &v)
{
    const QString me = m_s.username();
    for (const keg::Member &m : v.members) {
        const QString name = QString::fromUtf8(m.username);
        if (name == me)
            continue;
        const Trust t = m_s.trust(name);
        if (t == Trust::KeyChanged)
            return Error{int(SessionError::KeyChanged),
                         QStringLiteral("%1's safety number changed. Review it ('contacts show %1') and "
                                        "accept the new key before sending.")
                             .arg(name)};
        const auto pinned = m_s.pinnedContact(name);
        if (pinned && (pinned->signPublicKey != m.signPublicKey || pinned->boxPublicKey != m.boxPublicKey))
            return Error{int(SessionError::KeyChanged),
                         QStringLiteral("%1 is in this room with keys other than the ones you pinned. Sending here is "
                                        "blocked until an admin re-adds %1 with the new key ('readd ROOM %1') or "
                                        "removes them.")
                             .arg(name)};
        if (t == Trust::Mismatch)
            return Error{int(SessionError::KeyChanged),
                         QStringLiteral("%1's safety number did not match when you compared it: someone may be in "
                                        "between. Sending here is blocked until you verify %1 again or an admin "
                                        "removes %1.")
                             .arg(name)};
    }
    return Ok{};
}

Status KeyTrust::roomBlock(const QByteArray &roomId)
{
    const RoomState *room = m_s.roomFor(roomId);
    if (!room || !room->started())
        return Ok{};
    return versionBlock(room->head().version());
}

Status KeyTrust::sealBlock(const keg::BootKegVersion &next)
{
    for (const keg::Member &m : next.members) {
        const QString name = QString::fromUtf8(m.username);
        const auto pinned = m_s.pinnedContact(name);
        if (m_s.trust(name) == Trust::Mismatch && pinned && pinned->signPublicKey == m.signPublicKey)
            return Error{int(SessionError::KeyChanged),
                         QStringLiteral("%1's safety number did not match: Tavern does not give that key a new room "
                                        "key. Remove %1 or verify them again first.")
                             .arg(name)};
    }
    return Ok{};
}

Status KeyTrust::markMismatch(const QString &username)
{
    const auto pinned = m_s.pinnedContact(username);
    if (!pinned)
        return Error{int(SessionError::Refused),
                     QStringLiteral("No key is pinned for %1 yet; look them up first.").arg(username)};
    auto r = m_s.m_cache.transaction([&]() -> Status {
        if (auto s = applyMismatch(username, pinned->signPublicKey); !s)
            return s;
        PinEntry e;
        e.kind = PinKind::ContactMismatch;
        e.subject = username;
        e.keys = pinned->signPublicKey + pinned->boxPublicKey;
        return m_s.appendPin(e);
    });
    if (r)
        raiseMismatchNotices(username, pinned->signPublicKey);
    return r;
}

Status KeyTrust::applyMismatch(const QString &name, const QByteArray &sign)
{
    const auto pinned = m_s.pinnedContact(name);
    if (!pinned || pinned->signPublicKey != sign)
        return Ok{}; // a mismatch of a key no longer pinned here: nothing to mark
    return m_s.m_cache.exec(QStringLiteral("UPDATE contacts SET trust = ?, updated_ms = ? WHERE username = ?"),
                            {int(Trust::Mismatch), QDateTime::currentMSecsSinceEpoch(), name});
}

void KeyTrust::raiseMismatchNotices(const QString &name, const QByteArray &sign)
{
    const QString evidence = contactEvidence(name, sign);
    m_s.addNoticeOnce({}, Mismatch,
                      QStringLiteral("%1's safety number did not match when you compared it. Someone may be in "
                                     "between you and %1: Tavern blocks sending in rooms where this key is a member.")
                          .arg(name),
                      evidence);
    for (const auto &[roomId, room] : m_s.m_rooms) {
        if (!room->started())
            continue;
        if (memberWithKey(room->head().version(), name, sign)) {
            m_s.addNoticeOnce(roomId, Mismatch,
                              QStringLiteral("%1's safety number did not match when you compared it: someone may be "
                                             "in between. Sending here is blocked until you verify %1 again or an "
                                             "admin removes %1.")
                                  .arg(name),
                              evidence + QStringLiteral(" member"));
            continue;
        }
        // An earlier member with that key held the room keys of its time.
        auto versions = m_s.m_cache.bootKegs(roomId);
        for (const QByteArray &bytes : versions ? *versions : std::vector<QByteArray>{}) {
            auto v = keg::SignedBootKeg::decode(bytes);
            if (v && memberWithKey(v->version(), name, sign)) {
                m_s.addNoticeOnce(roomId, Mismatch,
                                  QStringLiteral("%1's key that did not match was a member of this room earlier: "
                                                 "messages of that time may have been read by someone in between.")
                                      .arg(name),
                                  evidence + QStringLiteral(" sealed"));
                break;
            }
        }
    }
}

bool KeyTrust::isResolved(const storage::Notice &n)
{
    for (const storage::Notice &other : m_s.notices(n.dbId)) {
        if (other.kind == n.kind + Resolved && other.evidence == n.evidence && other.dbId == n.dbId)
            return true;
    }
    return false;
}

void KeyTrust::settle()
{
    // Rooms that still list a key the user replaced: say why and what helps, once per key.
    for (const auto &[roomId, room] : m_s.m_rooms) {
        if (!room->started() || m_s.m_revoked.contains(roomId))
            continue;
        for (const keg::Member &m : room->head().version().members) {
            const QString name = QString::fromUtf8(m.username);
            if (name == m_s.username() || m_s.trust(name) == Trust::KeyChanged)
                continue;
            const auto pinned = m_s.pinnedContact(name);
            if (pinned && pinned->signPublicKey != m.signPublicKey)
                m_s.addNoticeOnce(roomId, ReaddNeeded,
                                  QStringLiteral("%1 is in this room with an older key than the one you accepted, so "
                                                 "%1 can't read here and sending is blocked. An admin can re-add %1 "
                                                 "with the new key (\"Re-add with new key\", 'readd ROOM %1') or "
                                                 "remove them.")
                                      .arg(name),
                                  QStringLiteral("member %1 key %2").arg(name, hex(m.signPublicKey)));
        }
    }
    static const QRegularExpression contact(QStringLiteral("^contact (\\S+) key ([0-9a-f]{64})( member| sealed)?$"));
    static const QRegularExpression member(QStringLiteral("^member (\\S+) key ([0-9a-f]{64})$"));
    const std::vector<storage::Notice> all = m_s.notices();
    QSet<QString> resolved; // room hex + kind + evidence of every resolved notice
    for (const storage::Notice &n : all) {
        if (n.kind.endsWith(Resolved))
            resolved.insert(hex(n.dbId) + u'|' + n.kind.chopped(Resolved.size()) + u'|' + n.evidence);
    }
    for (const storage::Notice &n : all) {
        if ((n.kind != KeyChanged && n.kind != Mismatch && n.kind != ReaddNeeded)
            || resolved.contains(hex(n.dbId) + u'|' + n.kind + u'|' + n.evidence))
            continue;
        const auto match = (n.kind == ReaddNeeded ? member : contact).match(n.evidence);
        if (!match.hasMatch())
            continue; // written before key changes had evidence of this shape
        const QString name = match.captured(1);
        const QByteArray sign = QByteArray::fromHex(match.captured(2).toLatin1());
        const RoomState *room = n.dbId.isEmpty() ? nullptr : m_s.roomFor(n.dbId);
        const bool inRoom = room && room->started() && memberWithKey(room->head().version(), name, sign);
        const Trust t = m_s.trust(name);
        const auto pinned = m_s.pinnedContact(name);
        QString summary;
        if (n.kind == KeyChanged && t != Trust::KeyChanged)
            summary = pinned && pinned->signPublicKey == sign
                          ? QStringLiteral("Resolved: you accepted %1's new key.")
                          : QStringLiteral("Resolved: you kept the key you had pinned for %1.");
        else if (n.kind == Mismatch && t != Trust::Mismatch)
            summary = QStringLiteral("Resolved: %1's safety number was verified again or replaced.");
        else if (n.kind == Mismatch && match.captured(3) == QLatin1String(" member") && !inRoom)
            summary = QStringLiteral("Resolved: %1's key that did not match is no longer in this room.");
        else if (n.kind == ReaddNeeded && !inRoom)
            summary = QStringLiteral("Resolved: %1's old key is no longer in this room.");
        if (!summary.isEmpty())
            m_s.addNotice(n.dbId, n.kind + Resolved, summary.arg(name), n.evidence);
    }
}

Status KeyTrust::readd(const QByteArray &roomId, const QString &username, std::optional<keg::HistoryPolicy> history)
{
    const RoomState *room = m_s.roomFor(roomId);
    if (!room || !room->started())
        return Error{int(SessionError::NotInRoom), QStringLiteral("You are not in this room.")};
    const keg::BootKegVersion &head = room->head().version();
    const keg::Member *old = head.member(username.toUtf8());
    if (!old)
        return Error{int(SessionError::Refused),
                     QStringLiteral("%1 is not in this room; invite them instead.").arg(username)};
    auto contact = m_s.lookupContact(username);
    if (!contact)
        return contact.error();
    const Trust t = m_s.trust(username);
    if (t == Trust::KeyChanged)
        return Error{int(SessionError::KeyChanged),
                     QStringLiteral("%1's safety number changed. Review and accept the new key before re-adding them.")
                         .arg(username)};
    if (t == Trust::Mismatch)
        return Error{
            int(SessionError::KeyChanged),
            QStringLiteral("%1's safety number did not match; Tavern will not invite that key.").arg(username)};
    const auto pinned = m_s.pinnedContact(username);
    if (!pinned)
        return Error{int(SessionError::Refused), QStringLiteral("No key is pinned for %1.").arg(username)};
    if (pinned->signPublicKey == old->signPublicKey && pinned->boxPublicKey == old->boxPublicKey)
        return Error{int(SessionError::Refused),
                     QStringLiteral("%1 is already in this room with the keys you pinned.").arg(username)};
    const keg::HistoryPolicy policy = history.value_or(head.policy);
    // Two intents, each a no-op once the room already shows its effect (another admin did it,
    // or this device crashed between the two): remove the old keys, then invite the new ones.
    QCborMap remove;
    remove.insert(QStringLiteral("action"), QStringLiteral("readd"));
    remove.insert(QStringLiteral("dbId"), roomId);
    remove.insert(QStringLiteral("username"), username);
    remove.insert(QStringLiteral("step"), QStringLiteral("remove"));
    remove.insert(QStringLiteral("oldSignKey"), QByteArray(old->signPublicKey.constData(), old->signPublicKey.size()));
    QCborMap invite = remove;
    invite.insert(QStringLiteral("step"), QStringLiteral("invite"));
    invite.insert(QStringLiteral("signKey"), pinned->signPublicKey);
    invite.insert(QStringLiteral("boxKey"), pinned->boxPublicKey);
    invite.insert(QStringLiteral("role"), int(old->role));
    invite.insert(QStringLiteral("history"), int(policy));
    return m_s.m_cache.transaction([&]() -> Status {
        if (auto r = m_s.enqueue(roomId, {}, protocol::op::BootKegPut, remove); !r)
            return r;
        return m_s.enqueue(roomId, {}, protocol::op::BootKegPut, invite);
    });
}

QStringList KeyTrust::roomFingerprint(const QByteArray &roomId)
{
    const RoomState *room = m_s.roomFor(roomId);
    if (!room || !room->started())
        return {};
    // The head's members in their canonical (sorted) order: name, both keys, role. Not the
    // name, topic, version or invite states: renaming the room or accepting an invitation
    // does not change who holds the keys.
    keg::Writer w(128);
    for (const keg::Member &m : room->head().version().members) {
        w.text(QString::fromUtf8(m.username));
        w.fixed(m.signPublicKey);
        w.fixed(m.boxPublicKey);
        w.u8(quint8(m.role));
    }
    return crypto::roomFingerprint(roomId, crypto::hash(MembersContext, w.take()));
}

} // namespace tavern::client
