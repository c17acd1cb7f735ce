// What an attacker builds: boot-keg versions the server makes up (unsigned, signed by keys
// it made, or by someone who is not a member), kegs with edited header fields that keep the
// author's original signature, and the pushes a server would send about them.
#pragma once

#include "keg/bootkeg.h"
#include "keg/keg.h"
#include "keg/roomkeys.h"
#include "protocol/frame.h"
#include "protocol/ops.h"
#include "serverdb.h"

#include <algorithm>
#include <functional>

namespace tavern::test {

// The next version after head, as the server would write it, before any change.
inline keg::BootKegVersion nextVersion(const keg::SignedBootKeg &head, const QString &signer)
{
    keg::BootKegVersion v = head.version();
    v.roomId = head.roomId();
    v.version += 1;
    v.previousHash = head.hash();
    v.genesisNonce = QByteArray(keg::GenesisNonceBytes, '\0');
    v.signer = signer.toUtf8();
    v.departures.clear();
    v.historySeals.clear();
    return v;
}

// Adds who as a joined member with a current-generation key sealed to them: a key the
// server made, since it never held the room's.
inline void addMember(keg::BootKegVersion &v, const crypto::Identity &who, const QByteArray &invitedBy,
                      const crypto::SecureBytes &madeUpKey)
{
    keg::Member m;
    m.username = who.username.toUtf8();
    m.signPublicKey = who.signing.publicKey;
    m.boxPublicKey = who.box.publicKey;
    m.role = keg::Role::Member;
    m.state = keg::InviteState::Joined;
    m.invitedBy = invitedBy;
    m.sinceVersion = v.version;
    const auto at = std::upper_bound(v.members.begin(), v.members.end(), m.username,
                                     [](const QByteArray &n, const keg::Member &x) { return n < x.username; });
    v.members.insert(at, m);
    keg::SealedKey s{m.username, keg::sealKeyFor(v.roomId, v.currentGeneration(), m, madeUpKey)};
    const auto sat = std::upper_bound(v.sealed.begin(), v.sealed.end(), s.username,
                                      [](const QByteArray &n, const keg::SealedKey &x) { return n < x.username; });
    v.sealed.insert(sat, s);
}

// The wire form of a version with no signature at all (algorithm None, empty signature).
inline QByteArray unsignedWire(const keg::SignedBootKeg &v)
{
    keg::Writer w;
    w.u8(keg::BootKegFormat);
    w.bytes(v.body());
    w.u8(quint8(keg::SigAlg::None));
    w.bytes(QByteArray());
    return w.take();
}

inline ServerDb::BootRow bootRow(const QByteArray &wire)
{
    auto v = keg::SignedBootKeg::decode(wire);
    Q_ASSERT(v);
    return {v->version().version, v->hash(), QString::fromUtf8(v->version().signer), wire};
}

// A keg with header fields edited after signing (the signature is the author's original).
inline QByteArray retagged(const QByteArray &wire, const std::function<void(keg::Keg &)> &edit)
{
    auto k = keg::decodeKeg(wire);
    Q_ASSERT(k);
    edit(*k);
    return keg::encodeKeg(*k);
}

inline protocol::Frame bootKegPush(const QByteArray &roomId, const ServerDb::BootRow &row)
{
    QCborMap body;
    body.insert(QStringLiteral("dbId"), roomId);
    body.insert(QStringLiteral("version"), qint64(row.version));
    body.insert(QStringLiteral("data"), row.data);
    return protocol::Frame::push(protocol::push::BootKeg, body);
}

// A "something changed in this DB" push: the client then lists the DB from its cursor.
inline protocol::Frame kegPush(const QByteArray &dbId, const ServerDb::KegRow &k)
{
    QCborMap body;
    body.insert(QStringLiteral("dbId"), dbId);
    body.insert(QStringLiteral("kegId"), k.kegId);
    body.insert(QStringLiteral("version"), qint64(k.version));
    body.insert(QStringLiteral("collectionVersion"), qint64(k.collectionVersion));
    body.insert(QStringLiteral("author"), k.author);
    body.insert(QStringLiteral("deleted"), false);
    body.insert(QStringLiteral("data"), k.data);
    return protocol::Frame::push(protocol::push::Keg, body);
}

// A keg entry as keg.list and keg.get carry it.
inline QCborMap kegEntry(const ServerDb::KegRow &k)
{
    QCborMap m;
    m.insert(QStringLiteral("kegId"), k.kegId);
    m.insert(QStringLiteral("version"), qint64(k.version));
    m.insert(QStringLiteral("collectionVersion"), qint64(k.collectionVersion));
    m.insert(QStringLiteral("author"), k.author);
    m.insert(QStringLiteral("deleted"), false);
    m.insert(QStringLiteral("data"), k.data);
    return m;
}

// The decoded message keg a row holds (for checks on generation, author, ids).
inline keg::Keg kegOf(const ServerDb::KegRow &row)
{
    auto k = keg::decodeKeg(row.data);
    return k ? *k : keg::Keg{};
}

} // namespace tavern::test
