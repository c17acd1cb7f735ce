// BLAKE2b-256 with a domain-separation context, one-shot and streaming.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <sodium.h>

namespace tavern::crypto {

inline constexpr qsizetype HashBytes = 32;

// Streaming hasher: context is fed first, followed by a 0x00 separator.
class Hasher
{
public:
    explicit Hasher(QByteArrayView context);
    void add(QByteArrayView data);
    [[nodiscard]] QByteArray finish(); // 32 bytes

private:
    crypto_generichash_state m_state;
};

[[nodiscard]] QByteArray hash(QByteArrayView context, QByteArrayView data);
[[nodiscard]] QByteArray hash(QByteArrayView context, QByteArrayView a, QByteArrayView b);

} // namespace tavern::crypto
