// Unit tests for kegs (src/keg/keg): canonical encoding round trips, seal/open, and the
// server-side tampering the threat model lists (A9, A14, A15, A16), down to every bit of
// an encoded keg, each refused with its own error and never yielding the plaintext.
#include "common/username.h"
#include "crypto/aead.h"
#include "crypto/contexts.h"
#include "crypto/sign.h"
#include "keg/keg.h"

#include <QTest>
#include <QtEndian>

using namespace tavern;
using namespace tavern::keg;
using crypto::SecureBytes;
using crypto::SigningKeyPair;

namespace {

const QString Bob = QStringLiteral("bob"); // 3 bytes: the tamper table below relies on it
const QByteArray Plain = "attack at dawn, bring snacks";

KegError code(const auto &result)
{
    return KegError(result.code());
}

// Re-signs a keg as a malicious author would after editing its header: the signed bytes
// are header || nonce || u32 ciphertext length || ciphertext (docs/protocol.md).
void resign(Keg &k, const SigningKeyPair &key)
{
    char len[4];
    qToBigEndian(quint32(k.ciphertext.size()), len);
    const QByteArray m = k.header() + k.nonce + QByteArray(len, 4) + k.ciphertext;
    k.signature = crypto::sign(key, signatureContext(k.type), m);
}

} // namespace

class TestKeg : public QObject
{
    Q_OBJECT

    SigningKeyPair m_bob = SigningKeyPair::generate();
    SigningKeyPair m_eve = SigningKeyPair::generate();
    SecureBytes m_key = SecureBytes::random(32);
    QByteArray m_db = personalDbId(QStringLiteral("room-a"));
    QByteArray m_otherDb = personalDbId(QStringLiteral("room-b"));
    KegAddress m_addr{m_db, newKegId(), KegType::Message, 3, 1};

    Keg sealed(QByteArrayView plain = Plain) const { return sealKeg(m_addr, plain, m_key, Bob, m_bob); }
    KegError openCode(const Keg &k) const { return code(openKeg(k, m_db, m_addr.kegId, m_key, m_bob.publicKey)); }

private Q_SLOTS:
    void encodeDecodeRoundTrip()
    {
        const Keg k = sealed();
        const QByteArray bytes = encodeKeg(k);
        QVERIFY(bytes.startsWith(k.header()));
        QCOMPARE(quint8(bytes[0]), KegFormat);
        auto d = decodeKeg(bytes);
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
        QCOMPARE(encodeKeg(*d), bytes);
        QCOMPARE(d->dbId, k.dbId);
        QCOMPARE(d->kegId, k.kegId);
        QCOMPARE(d->type, k.type);
        QCOMPARE(d->generation, 3u);
        QCOMPARE(d->version, 1ULL);
        QCOMPARE(d->author, Bob);
        QCOMPARE(d->nonce, k.nonce);
        QCOMPARE(d->ciphertext, k.ciphertext);
        QCOMPARE(d->sigAlg, SigAlg::Ed25519);
        QCOMPARE(d->signature, k.signature);
        auto opened = openKeg(*d, m_db, m_addr.kegId, m_key, m_bob.publicKey);
        QVERIFY(opened.ok());
        QCOMPARE(*opened, Plain);
    }

    void sealOpenRoundTrip()
    {
        for (int t = 0; t < int(KegType::Count); ++t) {
            for (const QByteArray &plain : {QByteArray(), QByteArray("x"), QByteArray(100000, 'p')}) {
                const KegAddress a{m_db, newKegId(), KegType(t), quint32(t * 7), quint64(t + 1)};
                const Keg k = sealKeg(a, plain, m_key, Bob, m_bob);
                QCOMPARE(k.ciphertext.size(), plain.size() + crypto::AeadTagBytes);
                QCOMPARE(k.nonce.size(), crypto::AeadNonceBytes);
                QCOMPARE(k.signature.size(), crypto::SignatureBytes);
                QVERIFY(plain.size() < 8 || !k.ciphertext.contains(plain)); // short ones may match by chance
                auto d = decodeKeg(encodeKeg(k));
                QVERIFY(d.ok());
                auto opened = openKeg(*d, m_db, a.kegId, m_key, m_bob.publicKey);
                QVERIFY(opened.ok());
                QCOMPARE(*opened, plain);
            }
        }
        // Two seals of the same plaintext differ (fresh nonce).
        QVERIFY(sealed().ciphertext != sealed().ciphertext);
    }

    // Flips each of the 8 bits of every byte of an encoded keg. Each result must fail
    // decoding or opening with the error the layout predicts, never give the plaintext.
    void everyBitOfAnEncodedKeg()
    {
        Keg k = sealed();
        // Make the author-length cases deterministic: the byte after "bob" (the first
        // nonce byte) must not extend a username.
        while (isCanonicalUsername(QByteArray("bob") + k.nonce.at(0)))
            k = sealed();
        const QByteArray bytes = encodeKeg(k);
        const qsizetype nonceAt = 1 + DbIdBytes + KegIdBytes + 1 + 4 + 8 + 4 + 3;
        const qsizetype ctLenAt = nonceAt + crypto::AeadNonceBytes;
        const qsizetype algAt = ctLenAt + 4 + k.ciphertext.size();
        const qsizetype sigLenAt = algAt + 1;
        QCOMPARE(bytes.size(), sigLenAt + 4 + crypto::SignatureBytes);
        const qsizetype typeAt = 1 + DbIdBytes + KegIdBytes, versionAt = typeAt + 5;
        const qsizetype authorLenAt = versionAt + 8, authorAt = authorLenAt + 4;

        auto expected = [&](qsizetype i, const QByteArray &t) {
            if (i == 0 || (i >= authorLenAt && i < authorAt) || (i >= ctLenAt && i < ctLenAt + 4)
                || (i >= sigLenAt && i < sigLenAt + 4))
                return KegError::Malformed; // format byte and length fields: structure
            if (i == typeAt)
                return quint8(t[i]) < quint8(KegType::Count) ? KegError::BadSignature : KegError::Malformed;
            if (i >= versionAt && i < versionAt + 8)
                return qFromBigEndian<quint64>(t.constData() + versionAt) == 0 ? KegError::Malformed
                                                                               : KegError::BadSignature;
            if (i >= authorAt && i < nonceAt)
                return isCanonicalUsername(t.mid(authorAt, 3)) ? KegError::BadSignature : KegError::Malformed;
            if (i == algAt)
                return t[i] == 0 ? KegError::UnsignedRecord : KegError::UnknownSignatureAlgorithm;
            return KegError::BadSignature; // ids, generation, nonce, ciphertext, signature
        };

        int decodedCount = 0;
        for (qsizetype i = 0; i < bytes.size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                QByteArray t = bytes;
                t[i] = char(t[i] ^ (1 << bit));
                const QString where = QStringLiteral("byte %1 bit %2").arg(i).arg(bit);
                const KegError want = expected(i, t);
                auto d = decodeKeg(t);
                if (!d.ok()) {
                    QVERIFY2(!d.error().message.isEmpty(), qPrintable(where));
                    QVERIFY2(
                        code(d) == want,
                        qPrintable(where + QStringLiteral(": decode gave %1, want %2").arg(d.code()).arg(int(want))));
                    continue;
                }
                ++decodedCount;
                QVERIFY2(encodeKeg(*d) == t, qPrintable(where)); // decoding stays canonical
                auto opened = openKeg(*d, m_db, m_addr.kegId, m_key, m_bob.publicKey);
                QVERIFY2(!opened.ok(), qPrintable(where + QStringLiteral(": tampered keg opened")));
                QVERIFY2(
                    code(opened) == want,
                    qPrintable(where + QStringLiteral(": open gave %1, want %2").arg(opened.code()).arg(int(want))));
            }
        }
        QVERIFY(decodedCount > 8 * (DbIdBytes + KegIdBytes + crypto::SignatureBytes)); // both paths ran
    }

    void signatureAlgorithmAndStripping()
    {
        const Keg k = sealed();
        QByteArray bytes = encodeKeg(k);
        const qsizetype algAt = bytes.size() - 4 - crypto::SignatureBytes - 1;
        for (quint8 alg : {quint8(2), quint8(0x7f), quint8(0xff)}) {
            bytes[algAt] = char(alg);
            QCOMPARE(code(decodeKeg(bytes)), KegError::UnknownSignatureAlgorithm);
        }
        bytes[algAt] = 0;
        QCOMPARE(code(decodeKeg(bytes)), KegError::UnsignedRecord);
        // Signature stripped to length 0, under either algorithm byte.
        for (SigAlg alg : {SigAlg::Ed25519, SigAlg::None, SigAlg(2)}) {
            Keg s = k;
            s.sigAlg = alg;
            s.signature.clear();
            QCOMPARE(code(decodeKeg(encodeKeg(s))), KegError::UnsignedRecord);
        }
        // A signature of the wrong length is malformed, not truncated or padded.
        for (qsizetype n : {1, 63, 65}) {
            Keg s = k;
            s.signature = k.signature.left(n).leftJustified(n, 'x');
            QCOMPARE(code(decodeKeg(encodeKeg(s))), KegError::Malformed);
        }
        // The same refusals when handed a Keg in memory: no fallback path.
        Keg s = k;
        s.sigAlg = SigAlg(2);
        QCOMPARE(openCode(s), KegError::UnknownSignatureAlgorithm);
        s.sigAlg = SigAlg::None;
        QCOMPARE(openCode(s), KegError::UnsignedRecord);
        s = k;
        s.signature.clear();
        QCOMPARE(openCode(s), KegError::UnsignedRecord);
        s = k;
        s.signature = k.signature.left(63);
        QCOMPARE(openCode(s), KegError::BadSignature);
    }

    void structuralRefusals()
    {
        const QByteArray bytes = encodeKeg(sealed());
        for (qsizetype n = 0; n < bytes.size(); ++n)
            QCOMPARE(code(decodeKeg(bytes.left(n))), KegError::Malformed);
        QCOMPARE(code(decodeKeg(bytes + '\0')), KegError::Malformed);
        QByteArray other = bytes;
        other[0] = 2;
        auto r = decodeKeg(other);
        QCOMPARE(code(r), KegError::Malformed);
        QVERIFY(r.error().message.contains(QStringLiteral("format")));
        KegAddress zero = m_addr;
        zero.version = 0;
        QCOMPARE(code(decodeKeg(encodeKeg(sealKeg(zero, Plain, m_key, Bob, m_bob)))), KegError::Malformed);
        // A non-normalised author cannot be decoded.
        const Keg upper = sealKeg(m_addr, Plain, m_key, QStringLiteral("Bob"), m_bob);
        QCOMPARE(code(decodeKeg(encodeKeg(upper))), KegError::Malformed);
    }

    // A14: the server moves a keg to another DB whose members hold the same key.
    void movedToAnotherDb()
    {
        const Keg k = sealed();
        QCOMPARE(code(openKeg(k, m_otherDb, m_addr.kegId, m_key, m_bob.publicKey)), KegError::WrongDb);
        Keg moved = k;
        moved.dbId = m_otherDb; // the server cannot re-sign
        QCOMPARE(code(openKeg(moved, m_otherDb, m_addr.kegId, m_key, m_bob.publicKey)), KegError::BadSignature);
        // Even the author re-signing the moved keg cannot make it decrypt: the AEAD binds the DB.
        resign(moved, m_bob);
        QCOMPARE(code(openKeg(moved, m_otherDb, m_addr.kegId, m_key, m_bob.publicKey)), KegError::DecryptFailed);
    }

    // A15: generation label or type changed.
    void generationOrTypeChanged()
    {
        const Keg k = sealed();
        Keg g = k;
        g.generation = 4;
        QCOMPARE(openCode(g), KegError::BadSignature);
        resign(g, m_bob);
        QCOMPARE(openCode(g), KegError::DecryptFailed);
        for (KegType t : {KegType::Edit, KegType::Receipt, KegType::Contact}) {
            Keg ty = k;
            ty.type = t;
            QCOMPARE(openCode(ty), KegError::BadSignature);
            resign(ty, m_bob);
            QCOMPARE(openCode(ty), KegError::DecryptFailed);
        }
        Keg v = k;
        v.version = 2;
        QCOMPARE(openCode(v), KegError::BadSignature);
        resign(v, m_bob);
        QCOMPARE(openCode(v), KegError::DecryptFailed);
    }

    // A16: the author changed.
    void authorChanged()
    {
        Keg k = sealed();
        k.author = QStringLiteral("eve");
        QCOMPARE(openCode(k), KegError::BadSignature);
        QCOMPARE(code(openKeg(k, m_db, m_addr.kegId, m_key, m_eve.publicKey)), KegError::BadSignature);
        // Eve re-signing Bob's ciphertext as hers is refused by the AEAD.
        resign(k, m_eve);
        QCOMPARE(code(openKeg(k, m_db, m_addr.kegId, m_key, m_eve.publicKey)), KegError::DecryptFailed);
        auto r = openKeg(sealed(), m_db, m_addr.kegId, m_key, m_eve.publicKey);
        QCOMPARE(code(r), KegError::BadSignature);
        QVERIFY(r.error().message.contains(Bob));
    }

    void wrongIdKeyOrSigner()
    {
        const Keg k = sealed();
        QCOMPARE(code(openKeg(k, m_db, newKegId(), m_key, m_bob.publicKey)), KegError::WrongKegId);
        // An empty expected id is not a wildcard (A13: replay under another id).
        QCOMPARE(code(openKeg(k, m_db, {}, m_key, m_bob.publicKey)), KegError::WrongKegId);
        QCOMPARE(code(openKeg(k, {}, m_addr.kegId, m_key, m_bob.publicKey)), KegError::WrongDb);
        QCOMPARE(code(openKeg(k, m_db, m_addr.kegId, SecureBytes::random(32), m_bob.publicKey)),
                 KegError::DecryptFailed);
        QCOMPARE(code(openKeg(k, m_db, m_addr.kegId, SecureBytes(), m_bob.publicKey)), KegError::NoKeyForGeneration);
        QCOMPARE(code(openKeg(k, m_db, m_addr.kegId, SecureBytes::random(16), m_bob.publicKey)),
                 KegError::NoKeyForGeneration);
        QCOMPARE(code(openKeg(k, m_db, m_addr.kegId, m_key, {})), KegError::BadSignature);
        QCOMPARE(code(openKeg(k, m_db, m_addr.kegId, m_key, m_bob.publicKey.left(31))), KegError::BadSignature);
        // Signature checked before anything else: a forged keg never reaches the DB/id checks.
        Keg forged = k;
        forged.ciphertext[0] = char(forged.ciphertext[0] ^ 1);
        QCOMPARE(code(openKeg(forged, m_otherDb, newKegId(), SecureBytes(), m_bob.publicKey)), KegError::BadSignature);
    }

    void signatureContexts()
    {
        using namespace crypto::ctx;
        QCOMPARE(signatureContext(KegType::Message), MessageSig);
        QCOMPARE(signatureContext(KegType::Edit), MessageSig);
        QCOMPARE(signatureContext(KegType::Redaction), MessageSig);
        QCOMPARE(signatureContext(KegType::Receipt), ReceiptSig);
        QCOMPARE(signatureContext(KegType::PinLog), PinLogSig);
        QCOMPARE(signatureContext(KegType::InvitationAnswer), InvitationAnswerSig);
        QCOMPARE(signatureContext(KegType::Settings), KegSig);
        QCOMPARE(signatureContext(KegType::Contact), KegSig);
    }

    void databaseIds()
    {
        const QString alice = QStringLiteral("alice");
        QCOMPARE(personalDbId(alice).size(), DbIdBytes);
        QCOMPARE(personalDbId(alice), personalDbId(alice));
        QCOMPARE(personalDbId(alice).toHex(), // Python hashlib.blake2b
                 QByteArray("f62943801b5e9f52487663b12eefb709d2a639512c36c0f6d4932cb6dae4efdc"));
        QVERIFY(personalDbId(alice) != personalDbId(Bob));
        const QByteArray dm = dmDbId(alice, Bob);
        QCOMPARE(dm.size(), DbIdBytes);
        QCOMPARE(dm.toHex(), QByteArray("086fab92c0003fb06e9f29e19f05a9eaf21e0342d7385d9a296496548097f14a"));
        QCOMPARE(dmDbId(Bob, alice), dm);
        QVERIFY(dm != dmDbId(alice, QStringLiteral("carol")));
        QVERIFY(dm != personalDbId(alice) && dm != personalDbId(Bob));
        // Length prefixes: moving a character across the boundary gives another id.
        QVERIFY(dmDbId(QStringLiteral("abc"), QStringLiteral("defg"))
                != dmDbId(QStringLiteral("abcd"), QStringLiteral("efg")));
        QCOMPARE(newKegId().size(), KegIdBytes);
        QVERIFY(newKegId() != newKegId());
    }
};

QTEST_GUILESS_MAIN(TestKeg)
#include "tst_keg.moc"
