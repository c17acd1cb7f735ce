// Shared by the boot-keg tests: users with real keys, and the moves an insider or a
// server can make on signed versions.
#pragma once

#include "keg/bootkegbuilder.h"
#include "keg/chainrules.h"

#include <QTest>

#include <map>

namespace tavern::testing {

using namespace tavern::keg;

struct User
{
    crypto::Identity id;
    RoomKeys keys;
    crypto::PublicIdentity pub() const { return {id.username, id.signing.publicKey, id.box.publicKey}; }
};

inline User makeUser(const QString &name)
{
    return User{crypto::randomIdentity(name), {}};
}

// Wire bytes from parts, as a server that rewrites a stored version would produce them.
inline QByteArray wire(QByteArrayView body, quint8 alg, QByteArrayView sig)
{
    Writer w;
    w.u8(BootKegFormat);
    w.bytes(body);
    w.u8(alg);
    w.bytes(sig);
    return w.take();
}

inline SignedBootKeg reparse(const QByteArray &bytes)
{
    auto r = SignedBootKeg::decode(bytes);
    if (!r)
        qFatal("reparse failed: %s", qPrintable(r.error().message));
    return r.value();
}

// A copy of a version whose fields own their bytes (decoded versions view their body).
inline BootKegVersion ownedCopy(const BootKegVersion &v)
{
    BootKegVersion c = v;
    const auto own = [](QByteArray &b) { b = QByteArray(b.constData(), b.size()); };
    own(c.roomId);
    own(c.previousHash);
    own(c.genesisNonce);
    own(c.signer);
    own(c.name);
    own(c.topic);
    for (auto &m : c.members) {
        own(m.username);
        own(m.signPublicKey);
        own(m.boxPublicKey);
        own(m.invitedBy);
    }
    for (auto &g : c.generations) {
        own(g.commitment);
        own(g.wrapNonce);
        own(g.wrappedPrevious);
    }
    for (auto &s : c.sealed) {
        own(s.username);
        own(s.blob);
    }
    for (auto &h : c.historySeals) {
        own(h.username);
        own(h.blob);
    }
    for (auto &d : c.departures) {
        own(d.username);
        own(d.lastMessageHash);
        own(d.request);
    }
    return c;
}

// The next version's frame (number, previous hash, signer) over a copy of head, for an
// insider who edits fields by hand and signs with real keys.
inline BootKegVersion nextFrame(const SignedBootKeg &head, const User &signer)
{
    BootKegVersion v = ownedCopy(head.version());
    v.roomId = head.roomId();
    v.version = head.version().version + 1;
    v.previousHash = head.hash();
    v.genesisNonce = QByteArray(GenesisNonceBytes, '\0');
    v.signer = signer.id.username.toUtf8();
    v.historySeals.clear();
    v.departures.clear();
    return v;
}

inline Member *memberIn(BootKegVersion &v, const char *name)
{
    for (auto &m : v.members) {
        if (m.username == name)
            return &m;
    }
    return nullptr;
}

// Keeps the key a user learns from a version (current generation, history seals, wraps).
inline void learnKeys(User &u, const SignedBootKeg &v)
{
    auto key = openCurrentKey(v, u.id);
    if (key)
        u.keys.insert(v.version().currentGeneration(), std::move(key).value());
    (void)openHistorySeals(v, u.id, u.keys);
    unwrapHistory(v, u.keys);
}

} // namespace tavern::testing
