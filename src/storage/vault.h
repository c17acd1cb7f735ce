// Vault: encrypts what the client keeps on disk (identity secrets, room keys, message
// bodies) under the account's local key, which only the OS keychain holds. Each use names
// its purpose in the associated data, so a value can't be moved to another field or row.
#pragma once

#include "common/result.h"
#include "crypto/securebytes.h"

#include <QByteArray>

namespace tavern::storage {

class Vault
{
public:
    Vault() = default;
    explicit Vault(crypto::SecureBytes localKey) : m_key(std::move(localKey)) {}
    [[nodiscard]] bool isOpen() const { return m_key.size() == 32; }

    // nonce(24) || ciphertext
    [[nodiscard]] QByteArray seal(QByteArrayView purpose, QByteArrayView plaintext) const;
    [[nodiscard]] Result<QByteArray> open(QByteArrayView purpose, QByteArrayView sealed) const;
    [[nodiscard]] Result<crypto::SecureBytes> openSecret(QByteArrayView purpose,
                                                        QByteArrayView sealed) const;

private:
    crypto::SecureBytes m_key;
};

} // namespace tavern::storage
