// RoomState: what this device knows of one room: the verified boot-keg chain, the keys it
// holds, every identity that was ever a member (to verify old messages), and the authors'
// message chains. Built only from verified versions.
#pragma once

#include "authorchains.h"
#include "keg/bootkegbuilder.h"

#include <QHash>

namespace tavern::client {

struct PastMember
{
    QByteArray signPublicKey;
    QByteArray boxPublicKey;
    // A member re-added with new keys (an account reset, KeyTrust::readd): kegs of the
    // generations before the re-add are the earlier key's; later ones only the new key's.
    QByteArray earlierSignKey;
    quint32 newKeyFromGeneration = 0;
    [[nodiscard]] const QByteArray &signKeyFor(quint32 generation) const
    {
        return generation < newKeyFromGeneration ? earlierSignKey : signPublicKey;
    }
};

class RoomState
{
public:
    [[nodiscard]] Result<Ok> start(const keg::SignedBootKeg &genesis);
    // Verifies next against the head (chain rules) before taking it.
    [[nodiscard]] Result<Ok> append(const keg::SignedBootKeg &next);
    // Learns whatever keys this version gives `me`, and checks every seal it addresses to
    // `me` that this device has not checked yet (rule 4: a seal that does not open, or opens
    // to a key other than the committed one, is a problem even when the key is already held).
    struct LearnedKeys
    {
        QList<quint32> generations; // newly learned
        QString problem;            // a seal for `me` that did not open or check out
        bool sealOpened = false;    // a new seal of the current generation opened and matched
    };
    LearnedKeys learnKeys(const keg::SignedBootKeg &v, const crypto::Identity &me);
    // Whether `username` should hold generation `gen` by the signed data: it was the current
    // generation in a version listing them, or they were invited with shared history before
    // it. A key that should be held and is not is an attack or a broken client, never
    // "history from before they joined".
    [[nodiscard]] bool expectsKey(quint32 gen, const QString &username, QByteArrayView signKey) const;

    [[nodiscard]] bool started() const { return !m_chain.roomId().isEmpty(); }
    [[nodiscard]] const keg::SignedBootKeg &head() const { return m_chain.head(); }
    [[nodiscard]] const QByteArray &roomId() const { return m_chain.roomId(); }
    [[nodiscard]] const keg::RoomKeys &keys() const { return m_keys; }
    keg::RoomKeys &keys() { return m_keys; }
    AuthorChains &authors() { return m_authors; }
    [[nodiscard]] const AuthorChains &authors() const { return m_authors; }
    // Signing key of anyone who was ever a member (departed members' old messages verify).
    [[nodiscard]] const PastMember *pastMember(const QString &username) const;
    // Version hash at a number this device verified (for messages naming their head).
    [[nodiscard]] QByteArray hashAt(quint64 version) const { return m_hashes.value(version); }
    // The member as listed in a given version (role and state at the time of a message).
    [[nodiscard]] std::optional<keg::Member> memberAt(quint64 version, const QString &username) const;

private:
    void remember(const keg::SignedBootKeg &v);

    keg::ChainVerifier m_chain;
    keg::RoomKeys m_keys;
    AuthorChains m_authors;
    QHash<QString, PastMember> m_past;
    QHash<quint64, QByteArray> m_hashes;
    QHash<quint64, quint32> m_generationAt;               // version -> current generation
    QHash<QString, QPair<quint64, bool>> m_sharedHistory; // member -> (invited at, with shared history)
    QByteArray m_checkedSeal;                             // the last seal for this device that checked out
    // (version, username) -> role/state, for versions whose membership differs; kept small
    // by storing each version's member list only as (name, role, state).
    QHash<quint64, QHash<QString, QPair<keg::Role, keg::InviteState>>> m_membership;
};

} // namespace tavern::client
