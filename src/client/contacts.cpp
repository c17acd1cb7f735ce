// Session: contacts and trust on first use. A user's keys are pinned the first time this
// device sees them (from the server's lookup or a verified room version) and before they
// are used; a different key later is a "key changed" state that blocks sending and sealing
// to that user until the user accepts it.
#include "session.h"

#include "pinlog.h"

#include "crypto/contexts.h"
#include "protocol/ops.h"

#include <QEventLoop>

namespace tavern::client {

namespace {
Status upsertPin(storage::Cache &cache, const QString &name, const QByteArray &sign, const QByteArray &box)
{
    return cache.exec(QStringLiteral("INSERT INTO contacts (username, sign_pk, box_pk, trust, updated_ms) "
                                     "VALUES (?, ?, ?, ?, ?)"),
                      {name, sign, box, int(Trust::TrustedOnFirstUse), QDateTime::currentMSecsSinceEpoch()});
}
} // namespace

std::optional<crypto::PublicIdentity> Session::pinnedContact(const QString &username)
{
    auto rows = m_cache.select(QStringLiteral("SELECT sign_pk, box_pk FROM contacts WHERE username = ?"), {username});
    if (!rows || rows->empty())
        return std::nullopt;
    return crypto::PublicIdentity{username, rows->front()[0].toByteArray(), rows->front()[1].toByteArray()};
}

// Compares keys with the pin: pins on first sight, flags a change otherwise.
// *fresh: pinned just now (a decision for the pin log).
static Status checkAgainstPin(Session &s, storage::Cache &cache, const QString &name, const QByteArray &sign,
                              const QByteArray &box, bool *changed, bool *fresh)
{
    *changed = false;
    *fresh = false;
    auto pinned = s.pinnedContact(name);
    if (!pinned) {
        *fresh = true;
        return upsertPin(cache, name, sign, box);
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
    *changed = true;
    return cache.exec(QStringLiteral("UPDATE contacts SET pending_sign_pk = ?, pending_box_pk = ?, trust = ?, "
                                     "updated_ms = ? WHERE username = ?"),
                      {sign, box, int(Trust::KeyChanged), QDateTime::currentMSecsSinceEpoch(), name});
}

Result<crypto::PublicIdentity> Session::lookupContact(const QString &username)
{
    QCborMap body;
    body.insert(QStringLiteral("username"), username);
    std::optional<Result<QCborMap>> out;
    QEventLoop loop;
    m_conn->request(protocol::op::UserLookup, body, [&](Result<QCborMap> r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec();
    if (!*out)
        return Error{int(SessionError::Server),
                     QStringLiteral("Could not look up %1: %2").arg(username, out->error().message)};
    const QCborMap &m = out->value();
    crypto::PublicIdentity id{m.value(QStringLiteral("username")).toString(),
                              m.value(QStringLiteral("signKey")).toByteArray(),
                              m.value(QStringLiteral("boxKey")).toByteArray()};
    // The server relays the user's own signup signature: keys it made up would not carry it.
    if (!crypto::verify(id.signPublicKey, crypto::ctx::SignupSig,
                        protocol::signupMessage(id.username, id.signPublicKey, id.boxPublicKey),
                        m.value(QStringLiteral("sig")).toByteArray()))
        return Error{
            int(SessionError::Refused),
            QStringLiteral("The server's keys for %1 are not self-signed; Tavern refused them.").arg(username)};
    bool changed = false, fresh = false;
    if (auto r = checkAgainstPin(*this, m_cache, id.username, id.signPublicKey, id.boxPublicKey, &changed, &fresh); !r)
        return r.error();
    if (fresh) {
        if (auto r = logContactPin(id.username, id.signPublicKey + id.boxPublicKey); !r)
            return r.error();
    }
    if (changed)
        addNotice({}, QStringLiteral("key-changed"),
                  QStringLiteral("%1's safety number changed. Sending to %1 is blocked until you review it.")
                      .arg(id.username),
                  QStringLiteral("new signing key %1").arg(hex(id.signPublicKey)));
    return id;
}

Status Session::pinMember(const QByteArray &roomId, const keg::Member &m)
{
    const QString name = QString::fromUtf8(m.username);
    if (name == m_identity->username)
        return Ok{};
    bool changed = false, fresh = false;
    const QByteArray sign(m.signPublicKey.constData(), m.signPublicKey.size());
    const QByteArray box(m.boxPublicKey.constData(), m.boxPublicKey.size());
    if (auto r = checkAgainstPin(*this, m_cache, name, sign, box, &changed, &fresh); !r)
        return r;
    if (fresh) {
        if (auto r = logContactPin(name, sign + box); !r)
            return r;
    }
    if (changed)
        addNotice(roomId, QStringLiteral("key-changed"),
                  QStringLiteral("%1 is in this room with keys other than the ones you pinned. Sending is "
                                 "blocked until you review %1's safety number.")
                      .arg(name),
                  QStringLiteral("room key %1").arg(hex(m.signPublicKey)));
    return Ok{};
}

Trust Session::trust(const QString &username)
{
    auto rows = m_cache.select(QStringLiteral("SELECT trust FROM contacts WHERE username = ?"), {username});
    if (!rows || rows->empty())
        return Trust::Unverified;
    return Trust(rows->front()[0].toInt());
}

Status Session::markVerified(const QString &username)
{
    if (trust(username) == Trust::KeyChanged)
        return Error{int(SessionError::KeyChanged),
                     QStringLiteral("Accept or reject %1's new key first.").arg(username)};
    if (!pinnedContact(username))
        return Error{int(SessionError::Refused),
                     QStringLiteral("No key is pinned for %1 yet; look them up first.").arg(username)};
    if (trust(username) == Trust::Verified)
        return Ok{};
    return m_cache.transaction([&]() -> Status {
        if (auto r = m_cache.exec(QStringLiteral("UPDATE contacts SET trust = ? WHERE username = ?"),
                                  {int(Trust::Verified), username});
            !r)
            return r;
        PinEntry e;
        e.kind = PinKind::ContactVerified;
        e.subject = username;
        return appendPin(e);
    });
}

Status Session::logContactPin(const QString &username, const QByteArray &keys, bool accepted)
{
    PinEntry e;
    e.kind = accepted ? PinKind::KeyChangeAccepted : PinKind::ContactPinned;
    e.subject = username;
    e.keys = keys;
    return appendPin(e);
}

Status Session::acceptKeyChange(const QString &username)
{
    auto pending = m_cache.select(QStringLiteral("SELECT pending_sign_pk, pending_box_pk FROM contacts "
                                                 "WHERE username = ? AND pending_sign_pk IS NOT NULL"),
                                  {username});
    if (!pending)
        return pending.error();
    if (pending->empty())
        return Ok{};
    const QByteArray keys = pending->front()[0].toByteArray() + pending->front()[1].toByteArray();
    return m_cache.transaction([&]() -> Status {
        if (auto r =
                m_cache.exec(QStringLiteral("UPDATE contacts SET sign_pk = pending_sign_pk, box_pk = pending_box_pk, "
                                            "pending_sign_pk = NULL, pending_box_pk = NULL, trust = ? "
                                            "WHERE username = ? AND pending_sign_pk IS NOT NULL"),
                             {int(Trust::TrustedOnFirstUse), username});
            !r)
            return r;
        return logContactPin(username, keys, true);
    });
}

} // namespace tavern::client
