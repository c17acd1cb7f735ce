// Vault: encrypts what the client keeps on disk (identity secrets, room keys, message
// bodies) under the account's local key, which only the OS keychain holds. Each use names
// its purpose in the associated data, so a value can't be moved to another field or row.
#pragma once

#include "common/result.h"
#include "crypto/securebytes.h"

#include <QByteArray>

#include <array>
#include <atomic>

namespace tavern::storage {

class Vault
{
public:
    Vault() = default;
    explicit Vault(crypto::SecureBytes localKey);
    Vault(Vault &&other) noexcept;
    Vault &operator=(Vault &&other) noexcept;
    [[nodiscard]] bool isOpen() const { return m_key.size() == 32; }

    // nonce(24) || ciphertext. XChaCha20-Poly1305; the nonce is this Vault's random 16-byte
    // prefix (drawn when the key is set) followed by a 64-bit counter, so no two seals under
    // one key share a nonce (a new prefix per Vault: 2^-128 per pair of Vaults) and sealing
    // costs no call into the system's random source. open() reads any 24-byte nonce.
    [[nodiscard]] QByteArray seal(QByteArrayView purpose, QByteArrayView plaintext) const;
    [[nodiscard]] Result<QByteArray> open(QByteArrayView purpose, QByteArrayView sealed) const;
    [[nodiscard]] Result<crypto::SecureBytes> openSecret(QByteArrayView purpose, QByteArrayView sealed) const;

private:
    crypto::SecureBytes m_key;
    std::array<unsigned char, 16> m_prefix{};
    mutable std::atomic<quint64> m_counter{0};
};

} // namespace tavern::storage
