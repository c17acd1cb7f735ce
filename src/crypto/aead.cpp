#include "aead.h"

#include "sodium.h"

#include <sodium.h>

namespace tavern::crypto {

namespace {
const unsigned char *u(QByteArrayView v)
{
    return reinterpret_cast<const unsigned char *>(v.data());
}

bool validInputs(const SecureBytes &key, QByteArrayView nonce)
{
    return key.size() == std::size_t(AeadKeyBytes) && nonce.size() == AeadNonceBytes;
}
} // namespace

QByteArray randomNonce()
{
    (void)ensureSodium();
    QByteArray n(AeadNonceBytes, Qt::Uninitialized);
    randombytes_buf(n.data(), std::size_t(n.size()));
    return n;
}

QByteArray aeadEncrypt(const SecureBytes &key, QByteArrayView nonce, QByteArrayView associatedData,
                       QByteArrayView plaintext)
{
    if (!validInputs(key, nonce))
        return {};
    QByteArray out(plaintext.size() + AeadTagBytes, Qt::Uninitialized);
    unsigned long long outLen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char *>(out.data()), &outLen, u(plaintext),
                                               std::size_t(plaintext.size()), u(associatedData),
                                               std::size_t(associatedData.size()), nullptr, u(nonce), key.data());
    return out;
}

Result<QByteArray> aeadDecrypt(const SecureBytes &key, QByteArrayView nonce, QByteArrayView associatedData,
                               QByteArrayView ciphertext)
{
    if (!validInputs(key, nonce) || ciphertext.size() < AeadTagBytes)
        return Error{1, QStringLiteral("malformed ciphertext")};
    QByteArray out(ciphertext.size() - AeadTagBytes, Qt::Uninitialized);
    unsigned long long outLen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char *>(out.data()), &outLen, nullptr,
                                                   u(ciphertext), std::size_t(ciphertext.size()), u(associatedData),
                                                   std::size_t(associatedData.size()), u(nonce), key.data())
        != 0)
        return Error{2, QStringLiteral("ciphertext or its context was altered")};
    return out;
}

Result<SecureBytes> aeadDecryptSecret(const SecureBytes &key, QByteArrayView nonce, QByteArrayView associatedData,
                                      QByteArrayView ciphertext)
{
    if (!validInputs(key, nonce) || ciphertext.size() < AeadTagBytes)
        return Error{1, QStringLiteral("malformed ciphertext")};
    SecureBytes out(std::size_t(ciphertext.size() - AeadTagBytes));
    unsigned long long outLen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &outLen, nullptr, u(ciphertext),
                                                   std::size_t(ciphertext.size()), u(associatedData),
                                                   std::size_t(associatedData.size()), u(nonce), key.data())
        != 0)
        return Error{2, QStringLiteral("ciphertext or its context was altered")};
    return out;
}

} // namespace tavern::crypto
