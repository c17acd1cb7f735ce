#include "roomkeys.h"

#include "common/username.h"
#include "crypto/aead.h"
#include "crypto/box.h"
#include "crypto/contexts.h"

#include <QtEndian>

#include <sodium.h>

#include <cstring>

namespace tavern::keg {

namespace {

// roomId + generation + name length + longest username + key
constexpr qsizetype MaxPlaintext = 32 + 4 + 4 + 32 + 32;

Error keyError(KeyError code, const QString &why)
{
    return Error{int(code), why};
}

qsizetype writePlaintext(unsigned char *p, QByteArrayView roomId, quint32 generation, QByteArrayView username,
                         const crypto::SecureBytes &key)
{
    if (roomId.size() != 32 || username.size() > UsernameMaxLength || key.size() != 32)
        return -1; // never write past the caller's MaxPlaintext buffer
    std::memcpy(p, roomId.data(), 32);
    qToBigEndian(generation, p + 32);
    qToBigEndian(quint32(username.size()), p + 36);
    std::memcpy(p + 40, username.data(), std::size_t(username.size()));
    std::memcpy(p + 40 + username.size(), key.data(), 32);
    return 40 + username.size() + 32;
}

bool allZero(QByteArrayView b)
{
    for (char c : b) {
        if (c)
            return false;
    }
    return true;
}

// Parses and checks a sealed-key plaintext; returns the key.
Result<crypto::SecureBytes> checkPlaintext(const unsigned char *p, qsizetype size, QByteArrayView roomId,
                                           quint32 generation, QByteArrayView username, const Generation &g)
{
    const qsizetype expected = 32 + 4 + 4 + username.size() + 32;
    if (size != expected)
        return keyError(KeyError::ContextMismatch, QStringLiteral("the sealed key has the wrong shape"));
    const QByteArrayView sealedRoom(reinterpret_cast<const char *>(p), 32);
    const quint32 sealedGen = qFromBigEndian<quint32>(p + 32);
    const quint32 nameLen = qFromBigEndian<quint32>(p + 36);
    const QByteArrayView sealedName(reinterpret_cast<const char *>(p + 40), qsizetype(nameLen));
    // Generation 0's seal for the creator is made before the room id exists (the id is
    // the genesis hash), so it names the all-zero room; every other seal names the room.
    const bool roomOk = sealedRoom == roomId || (generation == 0 && allZero(sealedRoom));
    if (!roomOk || sealedGen != generation || nameLen != quint32(username.size()) || sealedName != username)
        return keyError(KeyError::ContextMismatch,
                        QStringLiteral("the sealed key was made for another room, generation or "
                                       "member (generation %1)")
                            .arg(generation));
    crypto::SecureBytes key =
        crypto::SecureBytes::copyOf(QByteArrayView(reinterpret_cast<const char *>(p + 40 + nameLen), 32));
    if (!crypto::constantTimeEquals(keyCommitment(generation, key), g.commitment))
        return keyError(KeyError::CommitmentMismatch,
                        QStringLiteral("the key sealed to you for generation %1 is not the one "
                                       "the room committed to")
                            .arg(generation));
    return key;
}

Result<crypto::SecureBytes> openBlob(QByteArrayView blob, const crypto::Identity &me, QByteArrayView roomId,
                                     quint32 generation, const Generation &g)
{
    unsigned char plain[MaxPlaintext];
    const qsizetype len = crypto::sealOpenInto(me.box, blob, plain, MaxPlaintext);
    if (len < 0)
        return keyError(KeyError::OpenFailed,
                        QStringLiteral("the key for generation %1 was not sealed to your key").arg(generation));
    auto key = checkPlaintext(plain, len, roomId, generation, me.username.toUtf8(), g);
    sodium_memzero(plain, sizeof plain);
    return key;
}

} // namespace

void RoomKeys::insert(quint32 generation, crypto::SecureBytes key)
{
    m_keys.insert_or_assign(generation, std::move(key));
}

const crypto::SecureBytes *RoomKeys::get(quint32 generation) const
{
    auto it = m_keys.find(generation);
    return it == m_keys.end() ? nullptr : &it->second;
}

crypto::SecureBytes sealedKeyPlaintext(QByteArrayView roomId, quint32 generation, QByteArrayView username,
                                       const crypto::SecureBytes &key)
{
    crypto::SecureBytes out(MaxPlaintext);
    const qsizetype len = writePlaintext(out.data(), roomId, generation, username, key);
    return len < 0 ? crypto::SecureBytes() : crypto::SecureBytes::copyOf(out.view().first(len));
}

QByteArray sealKeyFor(QByteArrayView roomId, quint32 generation, const Member &to, const crypto::SecureBytes &key)
{
    // A wiped stack buffer, not SecureBytes: sodium_malloc per seal would cost more than
    // the seal itself in a 1000-member rekey, and serialise the sealing threads on mmap.
    unsigned char plain[MaxPlaintext];
    const qsizetype len = writePlaintext(plain, roomId, generation, to.username, key);
    if (len < 0)
        return {};
    QByteArray out = crypto::seal(to.boxPublicKey, QByteArrayView(reinterpret_cast<const char *>(plain), len));
    sodium_memzero(plain, sizeof plain);
    return out;
}

Result<crypto::SecureBytes> openCurrentKey(const SignedBootKeg &v, const crypto::Identity &me)
{
    const BootKegVersion &b = v.version();
    const SealedKey *s = b.sealedFor(me.username.toUtf8());
    if (!s)
        return keyError(KeyError::NotSealedForYou, QStringLiteral("version %1 holds no key for you").arg(b.version));
    return openBlob(s->blob, me, v.roomId(), b.currentGeneration(), b.generations.back());
}

Result<Ok> openHistorySeals(const SignedBootKeg &v, const crypto::Identity &me, RoomKeys &into)
{
    const BootKegVersion &b = v.version();
    const QByteArray name = me.username.toUtf8();
    for (const HistorySeal &h : b.historySeals) {
        if (h.username != name || h.generation >= b.generations.size())
            continue;
        auto key = openBlob(h.blob, me, v.roomId(), h.generation, b.generations[h.generation]);
        if (!key)
            return key.error();
        into.insert(h.generation, std::move(key).value());
    }
    return Ok{};
}

QByteArray wrapAssociatedData(QByteArrayView roomId, quint32 generation)
{
    QByteArray ad;
    ad.append(crypto::ctx::KeyWrapAead).append('\0').append(roomId);
    char n[4];
    qToBigEndian(generation, n);
    ad.append(n, 4);
    return ad;
}

void unwrapHistory(const SignedBootKeg &head, RoomKeys &keys)
{
    const auto &gens = head.version().generations;
    for (std::size_t i = gens.size(); i-- > 1;) {
        const Generation &g = gens[i];
        const crypto::SecureBytes *key = keys.get(g.number);
        if (!key || keys.has(g.number - 1) || g.wrapNonce.isEmpty())
            continue;
        auto prev = crypto::aeadDecryptSecret(*key, g.wrapNonce, wrapAssociatedData(head.roomId(), g.number),
                                              g.wrappedPrevious);
        if (prev && crypto::constantTimeEquals(keyCommitment(g.number - 1, *prev), gens[i - 1].commitment))
            keys.insert(g.number - 1, std::move(prev).value());
    }
}

} // namespace tavern::keg
