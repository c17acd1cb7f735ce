// Ed25519 detached signatures under a context string: the signed bytes are
// context || 0x00 || message, so a signature made for one use never verifies for another.
#pragma once

#include "securebytes.h"

#include <QByteArray>

namespace tavern::crypto {

inline constexpr qsizetype SignPublicKeyBytes = 32;
inline constexpr qsizetype SignatureBytes = 64;

struct SigningKeyPair
{
    QByteArray publicKey;  // 32 bytes
    SecureBytes secretKey; // 64 bytes (libsodium's seed || public key form)

    [[nodiscard]] static SigningKeyPair generate();
    [[nodiscard]] static SigningKeyPair fromSeed(const SecureBytes &seed32);
    [[nodiscard]] SigningKeyPair clone() const { return {publicKey, secretKey.clone()}; }
};

[[nodiscard]] QByteArray sign(const SigningKeyPair &key, QByteArrayView context, QByteArrayView message);
// False for a wrong key or signature length as well as a bad signature.
[[nodiscard]] bool verify(QByteArrayView publicKey, QByteArrayView context, QByteArrayView message,
                          QByteArrayView signature);

} // namespace tavern::crypto
