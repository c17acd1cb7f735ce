#include "vault.h"

#include "crypto/aead.h"

namespace tavern::storage {

namespace {
QByteArray ad(QByteArrayView purpose)
{
    return QByteArray("tavern/v1/local-cache/") + purpose.toByteArray();
}

Error damaged()
{
    return Error{1, QStringLiteral("A value in the local cache is damaged or was written under "
                                   "another key. Log in again to rebuild the cache from the "
                                   "server.")};
}
} // namespace

QByteArray Vault::seal(QByteArrayView purpose, QByteArrayView plaintext) const
{
    const QByteArray nonce = crypto::randomNonce();
    return nonce + crypto::aeadEncrypt(m_key, nonce, ad(purpose), plaintext);
}

Result<QByteArray> Vault::open(QByteArrayView purpose, QByteArrayView sealed) const
{
    if (sealed.size() < crypto::AeadNonceBytes + crypto::AeadTagBytes)
        return damaged();
    auto r = crypto::aeadDecrypt(m_key, sealed.first(crypto::AeadNonceBytes), ad(purpose),
                                 sealed.sliced(crypto::AeadNonceBytes));
    if (!r)
        return damaged();
    return r;
}

Result<crypto::SecureBytes> Vault::openSecret(QByteArrayView purpose, QByteArrayView sealed) const
{
    if (sealed.size() < crypto::AeadNonceBytes + crypto::AeadTagBytes)
        return damaged();
    auto r = crypto::aeadDecryptSecret(m_key, sealed.first(crypto::AeadNonceBytes), ad(purpose),
                                       sealed.sliced(crypto::AeadNonceBytes));
    if (!r)
        return damaged();
    return r;
}

} // namespace tavern::storage
