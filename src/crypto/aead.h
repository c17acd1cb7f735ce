// XChaCha20-Poly1305 (IETF) with associated data. Nonces are random (192 bits make
// collisions negligible), so callers never manage counters.
#pragma once

#include "common/result.h"
#include "securebytes.h"

#include <QByteArray>

namespace tavern::crypto {

inline constexpr qsizetype AeadKeyBytes = 32;
inline constexpr qsizetype AeadNonceBytes = 24;
inline constexpr qsizetype AeadTagBytes = 16;

[[nodiscard]] QByteArray randomNonce();
// Ciphertext includes the 16-byte tag.
[[nodiscard]] QByteArray aeadEncrypt(const SecureBytes &key, QByteArrayView nonce, QByteArrayView associatedData,
                                     QByteArrayView plaintext);
[[nodiscard]] Result<QByteArray> aeadDecrypt(const SecureBytes &key, QByteArrayView nonce,
                                             QByteArrayView associatedData, QByteArrayView ciphertext);
// Same, decrypting into secure memory (for wrapped keys).
[[nodiscard]] Result<SecureBytes> aeadDecryptSecret(const SecureBytes &key, QByteArrayView nonce,
                                                    QByteArrayView associatedData, QByteArrayView ciphertext);

} // namespace tavern::crypto
