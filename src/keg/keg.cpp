#include "keg.h"

#include "crypto/aead.h"
#include "crypto/contexts.h"
#include "crypto/hash.h"
#include "crypto/sodium.h"

#include <QDateTime>
#include <QtEndian>

#include <sodium.h>

namespace tavern::keg {

namespace {

void writeHeader(Writer &w, const Keg &k)
{
    w.u8(KegFormat);
    w.fixed(k.dbId);
    w.fixed(k.kegId);
    w.u8(quint8(k.type));
    w.u32(k.generation);
    w.u64(k.version);
    w.text(k.author);
}

QByteArray associatedData(const QByteArray &header)
{
    QByteArray ad;
    ad.reserve(crypto::ctx::KegAead.size() + 1 + header.size());
    ad.append(crypto::ctx::KegAead).append('\0').append(header);
    return ad;
}

QByteArray signedPart(const QByteArray &header, const Keg &k)
{
    QByteArray m;
    m.reserve(header.size() + k.nonce.size() + k.ciphertext.size() + 4);
    m.append(header).append(k.nonce);
    char len[4];
    qToBigEndian(quint32(k.ciphertext.size()), len);
    m.append(len, 4).append(k.ciphertext);
    return m;
}

} // namespace

QByteArray Keg::header() const
{
    Writer w(96);
    writeHeader(w, *this);
    return w.take();
}

QByteArray encodeKeg(const Keg &k)
{
    Writer w(k.ciphertext.size() + 200);
    writeHeader(w, k);
    w.fixed(k.nonce);
    w.bytes(k.ciphertext);
    w.u8(quint8(k.sigAlg));
    w.bytes(k.signature);
    return w.take();
}

Result<Keg> decodeKeg(QByteArrayView bytes)
{
    Reader r(bytes);
    Keg k;
    const quint8 format = r.u8();
    if (r.ok() && format != KegFormat)
        r.fail(DecodeError::UnknownFormat);
    k.dbId = r.fixed(DbIdBytes).toByteArray();
    k.kegId = r.fixed(KegIdBytes).toByteArray();
    k.type = KegType(r.enumValue(quint8(KegType::Count)));
    k.generation = r.u32();
    k.version = r.u64();
    k.author = QString::fromUtf8(r.username());
    k.nonce = r.fixed(crypto::AeadNonceBytes).toByteArray();
    k.ciphertext = r.bytes(MaxKegCiphertext).toByteArray();
    const quint8 alg = r.u8();
    const QByteArrayView sig = r.bytes(crypto::SignatureBytes);
    r.finish();
    if (!r.ok())
        return Error{int(KegError::Malformed),
                     QStringLiteral("keg refused: %1 (at byte %2)").arg(describe(r.error())).arg(r.position())};
    if (k.version == 0)
        return Error{int(KegError::Malformed), QStringLiteral("keg refused: version 0")};
    if (alg == quint8(SigAlg::None) || sig.isEmpty())
        return Error{int(KegError::UnsignedRecord), QStringLiteral("keg refused: it is unsigned")};
    if (alg != quint8(SigAlg::Ed25519))
        return Error{int(KegError::UnknownSignatureAlgorithm),
                     QStringLiteral("keg refused: unknown signature algorithm %1").arg(alg)};
    if (sig.size() != crypto::SignatureBytes)
        return Error{int(KegError::Malformed), QStringLiteral("keg refused: signature has the wrong length")};
    k.sigAlg = SigAlg::Ed25519;
    k.signature = sig.toByteArray();
    return k;
}

QByteArray newKegId()
{
    // 48-bit milliseconds since 1970 (big-endian), then 80 random bits (the UUIDv7 layout).
    // Time-ordered ids keep a store's keg-id index appending at its end instead of dirtying a
    // random index page per keg (docs/decisions.md, "time-ordered keg ids"). Nothing trusts
    // the time part: uniqueness rests on the random bits, and readers compare ids only.
    (void)crypto::ensureSodium();
    QByteArray id(KegIdBytes, Qt::Uninitialized);
    const auto ms = quint64(QDateTime::currentMSecsSinceEpoch());
    for (int i = 0; i < 6; ++i)
        id[i] = char((ms >> (8 * (5 - i))) & 0xff);
    randombytes_buf(id.data() + 6, std::size_t(id.size() - 6));
    return id;
}

QByteArrayView signatureContext(KegType type)
{
    using namespace crypto::ctx;
    switch (type) {
    case KegType::Message:
    case KegType::Edit:
    case KegType::Redaction: return MessageSig;
    case KegType::Receipt: return ReceiptSig;
    case KegType::PinLog: return PinLogSig;
    case KegType::InvitationAnswer: return InvitationAnswerSig;
    case KegType::Settings:
    case KegType::Contact:
    case KegType::Count: break;
    }
    return KegSig;
}

Keg sealKeg(const KegAddress &a, QByteArrayView plaintext, const crypto::SecureBytes &dbKey, const QString &author,
            const crypto::SigningKeyPair &authorKey)
{
    Keg k{a.dbId, a.kegId, a.type, a.generation, a.version, author, crypto::randomNonce(), {}, SigAlg::Ed25519, {}};
    const QByteArray header = k.header();
    k.ciphertext = crypto::aeadEncrypt(dbKey, k.nonce, associatedData(header), plaintext);
    k.signature = crypto::sign(authorKey, signatureContext(k.type), signedPart(header, k));
    return k;
}

Result<QByteArray> openKeg(const Keg &k, QByteArrayView expectedDbId, QByteArrayView expectedKegId,
                           const crypto::SecureBytes &dbKey, QByteArrayView authorSignPublicKey)
{
    // Same codes as decodeKeg: algorithm None or no signature is "unsigned", anything
    // else but Ed25519 is "unknown".
    if (k.sigAlg == SigAlg::None || k.signature.isEmpty())
        return Error{int(KegError::UnsignedRecord), QStringLiteral("keg refused: it is unsigned")};
    if (k.sigAlg != SigAlg::Ed25519)
        return Error{int(KegError::UnknownSignatureAlgorithm),
                     QStringLiteral("keg refused: unknown signature algorithm")};
    const QByteArray header = k.header();
    if (!crypto::verify(authorSignPublicKey, signatureContext(k.type), signedPart(header, k), k.signature))
        return Error{int(KegError::BadSignature),
                     QStringLiteral("keg refused: the signature is not %1's").arg(k.author)};
    if (!crypto::constantTimeEquals(k.dbId, expectedDbId))
        return Error{int(KegError::WrongDb), QStringLiteral("keg refused: it was written for another conversation")};
    // The id is always checked: an empty expected id must not turn the check off, or a
    // replay under another id (A13) would pass for any caller that forgot to pass it.
    if (!crypto::constantTimeEquals(k.kegId, expectedKegId))
        return Error{int(KegError::WrongKegId), QStringLiteral("keg refused: it was stored under another id")};
    if (dbKey.size() != std::size_t(crypto::AeadKeyBytes))
        return Error{int(KegError::NoKeyForGeneration),
                     QStringLiteral("keg refused: no key for generation %1").arg(k.generation)};
    auto plain = crypto::aeadDecrypt(dbKey, k.nonce, associatedData(header), k.ciphertext);
    if (!plain)
        return Error{int(KegError::DecryptFailed),
                     QStringLiteral("keg refused: it does not decrypt under generation %1").arg(k.generation)};
    return std::move(plain).value();
}

QByteArray kegContentHash(const Keg &k)
{
    return crypto::hash(crypto::ctx::MessageHash, signedPart(k.header(), k));
}

QByteArray personalDbId(const QString &username)
{
    return crypto::hash(crypto::ctx::PersonalDbId, username.toUtf8());
}

QByteArray dmDbId(const QString &userA, const QString &userB)
{
    // Sorted, and each name length-prefixed, so (a,b) and (b,a) give one id and no
    // two pairs collide by concatenation.
    const QString &lo = userA < userB ? userA : userB;
    const QString &hi = userA < userB ? userB : userA;
    Writer w;
    w.text(lo);
    w.text(hi);
    return crypto::hash(crypto::ctx::DmDbId, w.data());
}

} // namespace tavern::keg
