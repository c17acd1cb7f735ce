// A keg: one encrypted, signed record in a KegDB. The AEAD binds it to its DB, id, type,
// key generation, version and author; the author's signature covers the same and the
// ciphertext. Opening verifies first, then decrypts; every failure has its own code.
#pragma once

#include "canonical.h"
#include "common/result.h"
#include "crypto/securebytes.h"
#include "crypto/sign.h"

#include <QByteArray>
#include <QString>

namespace tavern::keg {

inline constexpr qsizetype DbIdBytes = 32;
inline constexpr qsizetype KegIdBytes = 16;
inline constexpr qsizetype MaxKegCiphertext = 4 * 1024 * 1024;
inline constexpr quint8 KegFormat = 1;

// Signature algorithms. There is exactly one; anything else is refused, never skipped.
enum class SigAlg : quint8 { None = 0, Ed25519 = 1 };

enum class KegType : quint8 {
    Message = 0,
    Edit = 1,
    Redaction = 2,
    Receipt = 3,
    PinLog = 4,
    InvitationAnswer = 5,
    Settings = 6,
    Contact = 7,
    Count
};

enum class KegError {
    Malformed = 1,
    UnsignedRecord, // no signature, or algorithm None
    UnknownSignatureAlgorithm,
    BadSignature,       // signature does not verify for the stated author
    WrongDb,            // keg names another DB than the one it was read from
    WrongKegId,         // keg names another id than the one the server stored it under
    NoKeyForGeneration, // we hold no key for its generation
    DecryptFailed,      // AEAD refused: ciphertext or bound context altered
};

struct Keg
{
    QByteArray dbId;  // 32
    QByteArray kegId; // 16, chosen by the client so retries are idempotent
    KegType type = KegType::Message;
    quint32 generation = 0;
    quint64 version = 1; // per-keg, +1 per update
    QString author;      // normalised username
    QByteArray nonce;    // 24
    QByteArray ciphertext;
    SigAlg sigAlg = SigAlg::Ed25519;
    QByteArray signature; // 64

    // Everything the AEAD and the signature bind, in canonical form.
    [[nodiscard]] QByteArray header() const;
};

[[nodiscard]] QByteArray encodeKeg(const Keg &keg);
[[nodiscard]] Result<Keg> decodeKeg(QByteArrayView bytes);

struct KegAddress
{
    QByteArray dbId;
    QByteArray kegId;
    KegType type = KegType::Message;
    quint32 generation = 0;
    quint64 version = 1;
};

[[nodiscard]] QByteArray newKegId();
[[nodiscard]] Keg sealKeg(const KegAddress &address, QByteArrayView plaintext, const crypto::SecureBytes &dbKey,
                          const QString &author, const crypto::SigningKeyPair &authorKey);
// Verifies against the author's public key and the DB/keg id the caller read it from,
// then decrypts. The plaintext is returned only if every check passed.
[[nodiscard]] Result<QByteArray> openKeg(const Keg &keg, QByteArrayView expectedDbId, QByteArrayView expectedKegId,
                                         const crypto::SecureBytes &dbKey, QByteArrayView authorSignPublicKey);

[[nodiscard]] QByteArrayView signatureContext(KegType type);
// Hash of everything the author signed (header, nonce, ciphertext): names one message in
// the author's chain (previousHash), in receipts and in departures.
[[nodiscard]] QByteArray kegContentHash(const Keg &keg);

// Deterministic DB ids: nobody (the server included) picks them.
[[nodiscard]] QByteArray personalDbId(const QString &username);
[[nodiscard]] QByteArray dmDbId(const QString &userA, const QString &userB);

} // namespace tavern::keg
