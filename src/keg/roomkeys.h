// Room keys: the generations this device holds, and the checks for opening one. A sealed
// key names {room, generation, recipient} and must match the generation's commitment, so a
// blob moved between members or generations, or a key that differs from everyone else's,
// is refused (threat-model rule 4, attack A8).
#pragma once

#include "bootkeg.h"
#include "crypto/identity.h"

#include <map>

namespace tavern::keg {

enum class KeyError {
    NotSealedForYou = 1,
    OpenFailed,         // the blob does not open with this member's key
    ContextMismatch,    // opens, but names another room, generation or recipient
    CommitmentMismatch, // the key is not the one the version committed to
    MissingKey,         // a key needed to build or unwrap is not held here
    UnwrapFailed,       // a wrapped previous key does not decrypt
};

class RoomKeys
{
public:
    void insert(quint32 generation, crypto::SecureBytes key);
    [[nodiscard]] bool has(quint32 generation) const { return m_keys.count(generation) != 0; }
    [[nodiscard]] const crypto::SecureBytes *get(quint32 generation) const;
    [[nodiscard]] std::size_t size() const { return m_keys.size(); }

private:
    std::map<quint32, crypto::SecureBytes> m_keys;
};

// Plaintext of a sealed key: roomId(32) || generation(u32) || len(u32) || username || key(32).
[[nodiscard]] crypto::SecureBytes sealedKeyPlaintext(QByteArrayView roomId, quint32 generation, QByteArrayView username,
                                                     const crypto::SecureBytes &key);
[[nodiscard]] QByteArray sealKeyFor(QByteArrayView roomId, quint32 generation, const Member &to,
                                    const crypto::SecureBytes &key);

// Opens this member's seal of the version's current generation and checks it.
[[nodiscard]] Result<crypto::SecureBytes> openCurrentKey(const SignedBootKeg &v, const crypto::Identity &me);
// Opens the history seals addressed to this member in the version that invited them.
[[nodiscard]] Result<Ok> openHistorySeals(const SignedBootKeg &v, const crypto::Identity &me, RoomKeys &into);
// Walks the wrap chain down from the newest key held, filling in older generations.
void unwrapHistory(const SignedBootKeg &head, RoomKeys &keys);

[[nodiscard]] QByteArray wrapAssociatedData(QByteArrayView roomId, quint32 generation);

} // namespace tavern::keg
