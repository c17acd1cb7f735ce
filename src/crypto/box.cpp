#include "box.h"

#include "sodium.h"

#include <sodium.h>

namespace tavern::crypto {

BoxKeyPair BoxKeyPair::generate()
{
    (void)ensureSodium();
    BoxKeyPair kp{QByteArray(BoxPublicKeyBytes, Qt::Uninitialized), SecureBytes(crypto_box_SECRETKEYBYTES)};
    crypto_box_keypair(reinterpret_cast<unsigned char *>(kp.publicKey.data()), kp.secretKey.data());
    return kp;
}

BoxKeyPair BoxKeyPair::fromSeed(const SecureBytes &seed32)
{
    // Refuse a wrong-length seed instead of reading past it (see SigningKeyPair::fromSeed).
    if (seed32.size() != crypto_box_SEEDBYTES)
        return {};
    (void)ensureSodium();
    BoxKeyPair kp{QByteArray(BoxPublicKeyBytes, Qt::Uninitialized), SecureBytes(crypto_box_SECRETKEYBYTES)};
    crypto_box_seed_keypair(reinterpret_cast<unsigned char *>(kp.publicKey.data()), kp.secretKey.data(), seed32.data());
    return kp;
}

QByteArray seal(QByteArrayView recipientPublicKey, QByteArrayView plaintext)
{
    if (recipientPublicKey.size() != BoxPublicKeyBytes)
        return {};
    (void)ensureSodium();
    QByteArray out(plaintext.size() + SealOverheadBytes, Qt::Uninitialized);
    if (crypto_box_seal(reinterpret_cast<unsigned char *>(out.data()),
                        reinterpret_cast<const unsigned char *>(plaintext.data()), std::size_t(plaintext.size()),
                        reinterpret_cast<const unsigned char *>(recipientPublicKey.data()))
        != 0)
        return {};
    return out;
}

qsizetype sealOpenInto(const BoxKeyPair &recipient, QByteArrayView sealed, unsigned char *out, qsizetype capacity)
{
    const qsizetype len = sealed.size() - SealOverheadBytes;
    if (len < 0 || len > capacity || recipient.publicKey.size() != BoxPublicKeyBytes
        || recipient.secretKey.size() != crypto_box_SECRETKEYBYTES)
        return -1;
    if (crypto_box_seal_open(out, reinterpret_cast<const unsigned char *>(sealed.data()), std::size_t(sealed.size()),
                             reinterpret_cast<const unsigned char *>(recipient.publicKey.data()),
                             recipient.secretKey.data())
        != 0)
        return -1;
    return len;
}

Result<SecureBytes> sealOpen(const BoxKeyPair &recipient, QByteArrayView sealed)
{
    if (sealed.size() < SealOverheadBytes)
        return Error{1, QStringLiteral("sealed box is too short")};
    if (recipient.publicKey.size() != BoxPublicKeyBytes || recipient.secretKey.size() != crypto_box_SECRETKEYBYTES)
        return Error{2, QStringLiteral("sealed box does not open with this key")};
    (void)ensureSodium();
    SecureBytes out(std::size_t(sealed.size() - SealOverheadBytes));
    if (crypto_box_seal_open(
            out.data(), reinterpret_cast<const unsigned char *>(sealed.data()), std::size_t(sealed.size()),
            reinterpret_cast<const unsigned char *>(recipient.publicKey.data()), recipient.secretKey.data())
        != 0)
        return Error{2, QStringLiteral("sealed box does not open with this key")};
    return out;
}

} // namespace tavern::crypto
