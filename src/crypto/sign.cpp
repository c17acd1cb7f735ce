#include "sign.h"

#include "sodium.h"

#include <sodium.h>

#include <array>
#include <cstring>

namespace tavern::crypto {

namespace {

// Builds context || 0x00 || message. Short messages (digests, challenges) stay on the stack.
template <typename F> auto withSignedBytes(QByteArrayView context, QByteArrayView message, F &&use)
{
    const std::size_t total = std::size_t(context.size() + 1 + message.size());
    std::array<unsigned char, 256> small;
    QByteArray large;
    unsigned char *buf = small.data();
    if (total > small.size()) {
        large.resize(qsizetype(total));
        buf = reinterpret_cast<unsigned char *>(large.data());
    }
    if (!context.isEmpty()) // memcpy from a null pointer is undefined even for 0 bytes
        std::memcpy(buf, context.data(), std::size_t(context.size()));
    buf[context.size()] = 0;
    if (!message.isEmpty())
        std::memcpy(buf + context.size() + 1, message.data(), std::size_t(message.size()));
    return use(buf, total);
}

} // namespace

SigningKeyPair SigningKeyPair::generate()
{
    (void)ensureSodium();
    SigningKeyPair kp{QByteArray(SignPublicKeyBytes, Qt::Uninitialized), SecureBytes(crypto_sign_SECRETKEYBYTES)};
    crypto_sign_keypair(reinterpret_cast<unsigned char *>(kp.publicKey.data()), kp.secretKey.data());
    return kp;
}

SigningKeyPair SigningKeyPair::fromSeed(const SecureBytes &seed32)
{
    // A wrong-length seed would be read out of bounds (Q_ASSERT is compiled out in release
    // builds): give back an empty key pair, which sign() refuses to use.
    if (seed32.size() != crypto_sign_SEEDBYTES)
        return {};
    (void)ensureSodium();
    SigningKeyPair kp{QByteArray(SignPublicKeyBytes, Qt::Uninitialized), SecureBytes(crypto_sign_SECRETKEYBYTES)};
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char *>(kp.publicKey.data()), kp.secretKey.data(),
                             seed32.data());
    return kp;
}

QByteArray sign(const SigningKeyPair &key, QByteArrayView context, QByteArrayView message)
{
    // An empty or wrong-sized key (default-constructed, moved-from) gives no signature
    // rather than a read through a null pointer; verify() refuses an empty signature.
    if (key.secretKey.size() != crypto_sign_SECRETKEYBYTES)
        return {};
    QByteArray sig(SignatureBytes, Qt::Uninitialized);
    withSignedBytes(context, message, [&](const unsigned char *m, std::size_t n) {
        crypto_sign_detached(reinterpret_cast<unsigned char *>(sig.data()), nullptr, m, n, key.secretKey.data());
        return 0;
    });
    return sig;
}

bool verify(QByteArrayView publicKey, QByteArrayView context, QByteArrayView message, QByteArrayView signature)
{
    if (publicKey.size() != SignPublicKeyBytes || signature.size() != SignatureBytes)
        return false;
    (void)ensureSodium();
    return withSignedBytes(context, message, [&](const unsigned char *m, std::size_t n) {
        return crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.data()), m, n,
                                           reinterpret_cast<const unsigned char *>(publicKey.data()))
               == 0;
    });
}

} // namespace tavern::crypto
