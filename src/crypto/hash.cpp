#include "hash.h"

#include "sodium.h"

namespace tavern::crypto {

Hasher::Hasher(QByteArrayView context)
{
    (void)ensureSodium();
    crypto_generichash_init(&m_state, nullptr, 0, HashBytes);
    add(context);
    static const unsigned char sep = 0;
    crypto_generichash_update(&m_state, &sep, 1);
}

void Hasher::add(QByteArrayView data)
{
    crypto_generichash_update(&m_state, reinterpret_cast<const unsigned char *>(data.data()), std::size_t(data.size()));
}

QByteArray Hasher::finish()
{
    QByteArray out(HashBytes, Qt::Uninitialized);
    crypto_generichash_final(&m_state, reinterpret_cast<unsigned char *>(out.data()), HashBytes);
    return out;
}

QByteArray hash(QByteArrayView context, QByteArrayView data)
{
    Hasher h(context);
    h.add(data);
    return h.finish();
}

QByteArray hash(QByteArrayView context, QByteArrayView a, QByteArrayView b)
{
    Hasher h(context);
    h.add(a);
    h.add(b);
    return h.finish();
}

} // namespace tavern::crypto
