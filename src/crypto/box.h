// X25519 key pairs and anonymous sealed boxes (crypto_box_seal), used to hand a room key
// to one member.
#pragma once

#include "common/result.h"
#include "securebytes.h"

#include <QByteArray>

namespace tavern::crypto {

inline constexpr qsizetype BoxPublicKeyBytes = 32;
inline constexpr qsizetype SealOverheadBytes = 48; // ephemeral public key + MAC

struct BoxKeyPair
{
    QByteArray publicKey;  // 32 bytes
    SecureBytes secretKey; // 32 bytes

    [[nodiscard]] static BoxKeyPair generate();
    [[nodiscard]] static BoxKeyPair fromSeed(const SecureBytes &seed32);
    [[nodiscard]] BoxKeyPair clone() const { return {publicKey, secretKey.clone()}; }
};

[[nodiscard]] QByteArray seal(QByteArrayView recipientPublicKey, QByteArrayView plaintext);
// Opens into the caller's buffer (a stack buffer it wipes: no sodium_malloc per call on hot
// paths); returns the plaintext length or -1 for a wrong recipient, short or altered blob.
[[nodiscard]] qsizetype sealOpenInto(const BoxKeyPair &recipient, QByteArrayView sealed, unsigned char *out,
                                     qsizetype capacity);
// Opens into secure memory; fails for a wrong recipient, a short or altered blob.
[[nodiscard]] Result<SecureBytes> sealOpen(const BoxKeyPair &recipient, QByteArrayView sealed);

} // namespace tavern::crypto
