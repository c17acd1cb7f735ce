// Session: contacts and trust on first use. A user's keys are pinned the first time this
// device sees them (from the server's lookup or a verified room version) and before they
// are used; a different key later is a "key changed" state that blocks sending and sealing
// to that user until the user accepts it (KeyTrust, keytrust.h, decides what a key seen
// means; accepting supersedes the old key for good).
#include "session.h"

#include "keytrust.h"
#include "pinlog.h"

#include "crypto/contexts.h"
#include "protocol/ops.h"

#include <QEventLoop>

namespace tavern::client {

std::optional<crypto::PublicIdentity> Session::pinnedContact(const QString &username)
{
    auto rows = m_cache.select(QStringLiteral("SELECT sign_pk, box_pk FROM contacts WHERE username = ?"), {username});
    if (!rows || rows->empty())
        return std::nullopt;
    return crypto::PublicIdentity{username, rows->front()[0].toByteArray(), rows->front()[1].toByteArray()};
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
    if (auto r = keyTrust().observe(id.username, id.signPublicKey, id.boxPublicKey, KeyTrust::Seen::Directory); !r)
        return r.error();
    return id;
}

Status Session::pinMember(const QByteArray &roomId, const keg::Member &m)
{
    const QString name = QString::fromUtf8(m.username);
    if (name == m_identity->username)
        return Ok{};
    return keyTrust().observe(name, m.signPublicKey, m.boxPublicKey, KeyTrust::Seen::InRoom, roomId);
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
    // From Mismatch too: the user compared again and this time the numbers matched.
    auto done = m_cache.transaction([&]() -> Status {
        if (auto r = m_cache.exec(QStringLiteral("UPDATE contacts SET trust = ? WHERE username = ?"),
                                  {int(Trust::Verified), username});
            !r)
            return r;
        PinEntry e;
        e.kind = PinKind::ContactVerified;
        e.subject = username;
        return appendPin(e);
    });
    if (done)
        keyTrust().settle();
    return done;
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
    auto pending = m_cache.select(QStringLiteral("SELECT pending_sign_pk, pending_box_pk, sign_pk FROM contacts "
                                                 "WHERE username = ? AND pending_sign_pk IS NOT NULL"),
                                  {username});
    if (!pending)
        return pending.error();
    if (pending->empty())
        return Ok{};
    const QByteArray sign = pending->front()[0].toByteArray(), box = pending->front()[1].toByteArray();
    const QByteArray old = pending->front()[2].toByteArray();
    // Never back to a key the user already replaced (a server serving the old keys again).
    if (sign != old && keyTrust().isSuperseded(username, sign))
        return Error{int(SessionError::Refused),
                     QStringLiteral("These are %1's older keys, which you already replaced; Tavern keeps the newer "
                                    "ones. Someone may be replaying them.")
                         .arg(username)};
    auto r = m_cache.transaction([&]() -> Status {
        if (sign != old) {
            if (auto s = keyTrust().supersede(username, old); !s)
                return s;
        }
        if (auto s = m_cache.exec(QStringLiteral("UPDATE contacts SET sign_pk = ?, box_pk = ?, pending_sign_pk = NULL, "
                                                 "pending_box_pk = NULL, trust = ? WHERE username = ?"),
                                  {sign, box, int(Trust::TrustedOnFirstUse), username});
            !s)
            return s;
        return logContactPin(username, sign + box, true);
    });
    if (r)
        keyTrust().settle();
    return r;
}

} // namespace tavern::client
