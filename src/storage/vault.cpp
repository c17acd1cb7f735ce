#include "vault.h"

#include "crypto/aead.h"
#include "crypto/sodium.h"

#include <QtEndian>

#include <sodium.h>

#include <cstring>

namespace tavern::storage {

namespace {
constexpr QByteArrayView Prefix = "tavern/v1/local-cache/";

// The associated data, "tavern/v1/local-cache/" + purpose; short ones stay on the stack.
template <typename F> auto withAd(QByteArrayView purpose, F &&use)
{
    std::array<char, 128> small;
    QByteArray large;
    char *buf = small.data();
    const qsizetype total = Prefix.size() + purpose.size();
    if (total > qsizetype(small.size())) {
        large.resize(total);
        buf = large.data();
    }
    std::memcpy(buf, Prefix.data(), std::size_t(Prefix.size()));
    if (!purpose.isEmpty())
        std::memcpy(buf + Prefix.size(), purpose.data(), std::size_t(purpose.size()));
    return use(QByteArrayView(buf, total));
}

Error damaged()
{
    return Error{1, QStringLiteral("A value in the local cache is damaged or was written under "
                                   "another key. Log in again to rebuild the cache from the "
                                   "server.")};
}
} // namespace

Vault::Vault(crypto::SecureBytes localKey) : m_key(std::move(localKey))
{
    (void)crypto::ensureSodium();
    randombytes_buf(m_prefix.data(), m_prefix.size());
}

Vault::Vault(Vault &&other) noexcept
    : m_key(std::move(other.m_key)), m_prefix(other.m_prefix), m_counter(other.m_counter.load())
{}

Vault &Vault::operator=(Vault &&other) noexcept
{
    m_key = std::move(other.m_key); // the moved-from Vault has no key: it can't seal again
    m_prefix = other.m_prefix;
    m_counter = other.m_counter.load();
    return *this;
}

QByteArray Vault::seal(QByteArrayView purpose, QByteArrayView plaintext) const
{
    if (!isOpen())
        return {};
    // One allocation: nonce || ciphertext || tag.
    QByteArray out(crypto::AeadNonceBytes + plaintext.size() + crypto::AeadTagBytes, Qt::Uninitialized);
    auto *p = reinterpret_cast<unsigned char *>(out.data());
    std::memcpy(p, m_prefix.data(), m_prefix.size());
    qToBigEndian(m_counter.fetch_add(1, std::memory_order_relaxed), p + m_prefix.size());
    withAd(purpose, [&](QByteArrayView ad) {
        unsigned long long len = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            p + crypto::AeadNonceBytes, &len, reinterpret_cast<const unsigned char *>(plaintext.data()),
            std::size_t(plaintext.size()), reinterpret_cast<const unsigned char *>(ad.data()), std::size_t(ad.size()),
            nullptr, p, m_key.data());
        return 0;
    });
    return out;
}

Result<QByteArray> Vault::open(QByteArrayView purpose, QByteArrayView sealed) const
{
    if (sealed.size() < crypto::AeadNonceBytes + crypto::AeadTagBytes)
        return damaged();
    auto r = withAd(purpose, [&](QByteArrayView ad) {
        return crypto::aeadDecrypt(m_key, sealed.first(crypto::AeadNonceBytes), ad,
                                   sealed.sliced(crypto::AeadNonceBytes));
    });
    if (!r)
        return damaged();
    return r;
}

Result<crypto::SecureBytes> Vault::openSecret(QByteArrayView purpose, QByteArrayView sealed) const
{
    if (sealed.size() < crypto::AeadNonceBytes + crypto::AeadTagBytes)
        return damaged();
    auto r = withAd(purpose, [&](QByteArrayView ad) {
        return crypto::aeadDecryptSecret(m_key, sealed.first(crypto::AeadNonceBytes), ad,
                                         sealed.sliced(crypto::AeadNonceBytes));
    });
    if (!r)
        return damaged();
    return r;
}

} // namespace tavern::storage
