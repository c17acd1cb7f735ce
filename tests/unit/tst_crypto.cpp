// Unit tests for the crypto primitives (hash, sign, box, aead, securebytes, contexts): known
// answers (checked against raw libsodium and against values computed independently with
// Python's hashlib/cryptography), round trips, and every tamper case failing closed.
#include "crypto/aead.h"
#include "crypto/box.h"
#include "crypto/contexts.h"
#include "crypto/hash.h"
#include "crypto/securebytes.h"
#include "crypto/sign.h"

#include <QSet>
#include <QTest>

#include <sodium.h>

#include <type_traits>

using namespace tavern::crypto;

namespace {

const unsigned char *u(QByteArrayView v)
{
    return reinterpret_cast<const unsigned char *>(v.data());
}
QByteArray flipped(QByteArray b, qsizetype i, char bit = 0x01)
{
    b[i] = char(b[i] ^ bit);
    return b;
}

// RFC 8032, section 7.1, TEST 1.
const QByteArray RfcSeed = QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const QByteArray RfcPublic = QByteArray::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const QByteArray RfcSigEmpty =
    QByteArray::fromHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590"
                        "a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

SecureBytes key32(char fill)
{
    return SecureBytes::copyOf(QByteArray(32, fill));
}

} // namespace

class TestCrypto : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void contextsAreDistinct()
    {
        const QList<QByteArrayView> all{
            ctx::BootKegSig,   ctx::MessageSig,  ctx::ReceiptSig,       ctx::PinLogSig,       ctx::InvitationAnswerSig,
            ctx::DepartureSig, ctx::KegSig,      ctx::AuthChallengeSig, ctx::SignupSig,       ctx::KegAead,
            ctx::KeyWrapAead,  ctx::BootKegHash, ctx::RoomId,           ctx::KeyCommitment,   ctx::PersonalDbId,
            ctx::DmDbId,       ctx::MessageHash, ctx::SafetyNumber,     ctx::RoomFingerprint, ctx::PinLogHash,
            ctx::IdentitySalt};
        QSet<QByteArray> seen;
        for (QByteArrayView c : all) {
            QVERIFY2(c.startsWith("tavern/v1/"), c.data());
            QVERIFY2(!c.contains('\0'), c.data()); // the 0x00 separator must be unambiguous
            seen.insert(c.toByteArray());
        }
        QCOMPARE(seen.size(), all.size());
        QCOMPARE(qstrlen(ctx::IdentityKdf), size_t(crypto_kdf_CONTEXTBYTES));
    }

    void hashKnownAnswers()
    {
        // Values from Python hashlib.blake2b(digest_size=32).
        unsigned char raw[32];
        crypto_generichash(raw, 32, nullptr, 0, nullptr, 0);
        QCOMPARE(QByteArray(reinterpret_cast<char *>(raw), 32).toHex(),
                 QByteArray("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"));
        QCOMPARE(hash(ctx::RoomId, "abc").toHex(),
                 QByteArray("a384e025b48dd76bd8ab355843bee53a0bfc3b49c376111510bd43e8da0703dc"));
        QCOMPARE(hash(ctx::PersonalDbId, "alice").toHex(),
                 QByteArray("f62943801b5e9f52487663b12eefb709d2a639512c36c0f6d4932cb6dae4efdc"));
    }

    void hashEqualsRawContextPrefix()
    {
        const QByteArray data = QByteArray(1000, 'x') + "tail";
        const QByteArray input = ctx::MessageHash.toByteArray() + '\0' + data;
        QByteArray expected(32, Qt::Uninitialized);
        crypto_generichash(reinterpret_cast<unsigned char *>(expected.data()), 32, u(input), size_t(input.size()),
                           nullptr, 0);
        QCOMPARE(hash(ctx::MessageHash, data), expected);
        QCOMPARE(hash(ctx::MessageHash, data.left(10), data.mid(10)), expected);
        Hasher h(ctx::MessageHash);
        for (qsizetype i = 0; i < data.size(); i += 7)
            h.add(data.mid(i, 7));
        QCOMPARE(h.finish(), expected);
        QCOMPARE(hash(ctx::MessageHash, {}).size(), HashBytes);
        // Context and data cannot trade bytes across the separator; contexts separate.
        QVERIFY(hash("ab", "c") != hash("a", "bc"));
        QVERIFY(hash(ctx::RoomId, data) != hash(ctx::BootKegHash, data));
        QVERIFY(hash(ctx::RoomId, "a") != hash(ctx::RoomId, "b"));
    }

    void ed25519Rfc8032AndContextPrefix()
    {
        // The raw vector through libsodium.
        unsigned char pk[32], sk[64], sig[64];
        crypto_sign_seed_keypair(pk, sk, u(RfcSeed));
        QCOMPARE(QByteArray(reinterpret_cast<char *>(pk), 32), RfcPublic);
        crypto_sign_detached(sig, nullptr, nullptr, 0, sk);
        QCOMPARE(QByteArray(reinterpret_cast<char *>(sig), 64), RfcSigEmpty);

        // Our key pair from the same seed.
        const SigningKeyPair kp = SigningKeyPair::fromSeed(SecureBytes::copyOf(RfcSeed));
        QCOMPARE(kp.publicKey, RfcPublic);
        QVERIFY(kp.secretKey.equals(RfcSeed + RfcPublic));

        // Our sign() signs context || 0x00 || message: equal to raw libsodium over that,
        // and to the value Python's cryptography computed for it.
        const QByteArray ours = sign(kp, ctx::MessageSig, "hello");
        const QByteArray m = ctx::MessageSig.toByteArray() + '\0' + "hello";
        crypto_sign_detached(sig, nullptr, u(m), size_t(m.size()), sk);
        QCOMPARE(ours, QByteArray(reinterpret_cast<char *>(sig), 64));
        QCOMPARE(ours.toHex(), QByteArray("286351caa9f05f2002e7e051131dbfec62e56260e6ab884a3fbbef04fe354bc5"
                                          "a24e933ead8a7fd67c6ace7eac9920eea8e88087b01387a3d85943a7defe960e"));
        QVERIFY(verify(RfcPublic, ctx::MessageSig, "hello", ours));
        QVERIFY(!verify(RfcPublic, ctx::MessageSig, "", RfcSigEmpty)); // the bare vector is not ours
    }

    void signRoundTripAndTamper()
    {
        const SigningKeyPair kp = SigningKeyPair::generate();
        const SigningKeyPair other = SigningKeyPair::generate();
        QCOMPARE(kp.publicKey.size(), SignPublicKeyBytes);
        QCOMPARE(kp.secretKey.size(), size_t(crypto_sign_SECRETKEYBYTES));
        QVERIFY(kp.publicKey != other.publicKey);
        // A short message (stack buffer), an empty one and a long one (heap buffer).
        for (const QByteArray &msg : {QByteArray("short"), QByteArray(), QByteArray(5000, 'm')}) {
            const QByteArray sig = sign(kp, ctx::ReceiptSig, msg);
            QCOMPARE(sig.size(), SignatureBytes);
            QVERIFY(verify(kp.publicKey, ctx::ReceiptSig, msg, sig));
            QVERIFY(!verify(other.publicKey, ctx::ReceiptSig, msg, sig));
            QVERIFY(!verify(kp.publicKey, ctx::MessageSig, msg, sig));
            QVERIFY(!verify(kp.publicKey, ctx::ReceiptSig, msg + 'x', sig));
            for (qsizetype i = 0; i < sig.size(); ++i)
                QVERIFY2(!verify(kp.publicKey, ctx::ReceiptSig, msg, flipped(sig, i)), "signature byte");
            for (qsizetype i = 0; i < msg.size(); i += (msg.size() > 100 ? 97 : 1))
                QVERIFY2(!verify(kp.publicKey, ctx::ReceiptSig, flipped(msg, i), sig), "message byte");
            const QByteArray c = ctx::ReceiptSig.toByteArray();
            for (qsizetype i = 0; i < c.size(); ++i)
                QVERIFY2(!verify(kp.publicKey, flipped(c, i), msg, sig), "context byte");
            for (qsizetype i = 0; i < kp.publicKey.size(); ++i)
                QVERIFY2(!verify(flipped(kp.publicKey, i), ctx::ReceiptSig, msg, sig), "key byte");
            // Wrong lengths are refused, not truncated or padded.
            QVERIFY(!verify(kp.publicKey, ctx::ReceiptSig, msg, sig.left(63)));
            QVERIFY(!verify(kp.publicKey, ctx::ReceiptSig, msg, sig + '\0'));
            QVERIFY(!verify(kp.publicKey.left(31), ctx::ReceiptSig, msg, sig));
            QVERIFY(!verify(kp.publicKey + '\0', ctx::ReceiptSig, msg, sig));
            QVERIFY(!verify({}, ctx::ReceiptSig, msg, sig));
            QVERIFY(!verify(kp.publicKey, ctx::ReceiptSig, msg, {}));
        }
        // Moving the boundary between context and message breaks the signature.
        const QByteArray sig = sign(kp, "ab", "c");
        QVERIFY(verify(kp.publicKey, "ab", "c", sig));
        QVERIFY(!verify(kp.publicKey, "a", "bc", sig));
        // clone() gives an equal, independent key.
        const SigningKeyPair copy = kp.clone();
        QCOMPARE(copy.publicKey, kp.publicKey);
        QVERIFY(copy.secretKey.equals(kp.secretKey.view()));
        QVERIFY(copy.secretKey.data() != kp.secretKey.data());
    }

    void keysFromBadSeedFailClosed()
    {
        // A wrong-length seed must not read out of bounds; it yields no usable key.
        const SigningKeyPair bad = SigningKeyPair::fromSeed(SecureBytes::random(31));
        QVERIFY(bad.publicKey.isEmpty());
        QVERIFY(bad.secretKey.isEmpty());
        QVERIFY(sign(bad, ctx::MessageSig, "m").isEmpty());
        QVERIFY(sign(SigningKeyPair{}, ctx::MessageSig, "m").isEmpty());
        const BoxKeyPair badBox = BoxKeyPair::fromSeed(SecureBytes::random(33));
        QVERIFY(badBox.publicKey.isEmpty());
        QVERIFY(badBox.secretKey.isEmpty());
        QVERIFY(!sealOpen(badBox, seal(BoxKeyPair::generate().publicKey, "x")).ok());
        QVERIFY(!sealOpen(BoxKeyPair{}, QByteArray(80, 'a')).ok());
    }

    void boxSeedMatchesRaw()
    {
        const SecureBytes seed = key32(0x42);
        unsigned char pk[32], sk[32];
        crypto_box_seed_keypair(pk, sk, seed.data());
        const BoxKeyPair kp = BoxKeyPair::fromSeed(seed);
        QCOMPARE(kp.publicKey, QByteArray(reinterpret_cast<char *>(pk), 32));
        QVERIFY(kp.secretKey.equals(QByteArrayView(reinterpret_cast<char *>(sk), 32)));
    }

    void sealRoundTripAndTamper()
    {
        const BoxKeyPair alice = BoxKeyPair::generate();
        const BoxKeyPair eve = BoxKeyPair::generate();
        for (const QByteArray &plain :
             {QByteArray("room key 32 bytes ............."), QByteArray(), QByteArray(4096, 'k')}) {
            const QByteArray sealed = seal(alice.publicKey, plain);
            QCOMPARE(sealed.size(), plain.size() + SealOverheadBytes);
            QVERIFY(seal(alice.publicKey, plain) != sealed); // fresh ephemeral key each time
            auto opened = sealOpen(alice, sealed);
            QVERIFY(opened.ok());
            QVERIFY(opened->equals(plain));
            QVERIFY(!sealOpen(eve, sealed).ok());
            for (qsizetype i = 0; i < sealed.size(); i += (sealed.size() > 200 ? 61 : 1))
                QVERIFY2(!sealOpen(alice, flipped(sealed, i, char(0x80))).ok(), "sealed byte");
            QVERIFY(!sealOpen(alice, sealed.chopped(1)).ok());
            QVERIFY(!sealOpen(alice, sealed + 'x').ok());
        }
        auto shortBlob = sealOpen(alice, QByteArray(SealOverheadBytes - 1, 'a'));
        QCOMPARE(shortBlob.code(), 1);
        QVERIFY(!shortBlob.error().message.isEmpty());
        QCOMPARE(sealOpen(alice, QByteArray(SealOverheadBytes, 'a')).code(), 2);
        // sealOpenInto: same refusals, and never writes past the caller's capacity.
        unsigned char buf[8];
        const QByteArray small = seal(alice.publicKey, "8 bytes!");
        QCOMPARE(sealOpenInto(alice, small, buf, 8), 8);
        QCOMPARE(QByteArrayView(reinterpret_cast<char *>(buf), 8), QByteArrayView("8 bytes!"));
        QCOMPARE(sealOpenInto(alice, small, buf, 7), -1);
        QCOMPARE(sealOpenInto(eve, small, buf, 8), -1);
        QCOMPARE(sealOpenInto(alice, flipped(small, 50), buf, 8), -1);
        QCOMPARE(sealOpenInto(alice, small.left(SealOverheadBytes - 1), buf, 8), -1);
        QCOMPARE(sealOpenInto(BoxKeyPair{alice.publicKey, SecureBytes()}, small, buf, 8), -1);
        // Wrong-length and all-zero (low-order) recipient keys: nothing is sealed.
        QVERIFY(seal(alice.publicKey.left(31), "k").isEmpty());
        QVERIFY(seal(QByteArray(32, '\0'), "k").isEmpty());
    }

    void aeadMatchesRawAndRoundTrips()
    {
        const SecureBytes key = key32(0x11);
        const QByteArray nonce(AeadNonceBytes, 0x22);
        const QByteArray ad = "associated", plain = "the plaintext";
        QByteArray raw(plain.size() + AeadTagBytes, Qt::Uninitialized);
        unsigned long long rawLen = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char *>(raw.data()), &rawLen, u(plain),
                                                   size_t(plain.size()), u(ad), size_t(ad.size()), nullptr, u(nonce),
                                                   key.data());
        QCOMPARE(aeadEncrypt(key, nonce, ad, plain), raw);
        auto back = aeadDecrypt(key, nonce, ad, raw);
        QVERIFY(back.ok());
        QCOMPARE(*back, plain);
        auto secret = aeadDecryptSecret(key, nonce, ad, raw);
        QVERIFY(secret.ok());
        QVERIFY(secret->equals(plain));
        // Empty plaintext and empty AD.
        const QByteArray tagOnly = aeadEncrypt(key, nonce, {}, {});
        QCOMPARE(tagOnly.size(), AeadTagBytes);
        QVERIFY(aeadDecrypt(key, nonce, {}, tagOnly).ok());
        QVERIFY(aeadDecrypt(key, nonce, {}, tagOnly)->isEmpty());
        QVERIFY(aeadDecryptSecret(key, nonce, {}, tagOnly).ok());
        QVERIFY(!aeadDecryptSecret(key, nonce, "x", tagOnly).ok());
        // Nonces are 24 random bytes.
        QCOMPARE(randomNonce().size(), AeadNonceBytes);
        QVERIFY(randomNonce() != randomNonce());
    }

    void aeadTamperFails()
    {
        const SecureBytes key = SecureBytes::random(32);
        const QByteArray nonce = randomNonce(), ad = "db|keg|type|gen", plain = "message body";
        const QByteArray ct = aeadEncrypt(key, nonce, ad, plain);
        auto fails = [&](const SecureBytes &k, QByteArrayView n, QByteArrayView a, QByteArrayView c) {
            return !aeadDecrypt(k, n, a, c).ok() && !aeadDecryptSecret(k, n, a, c).ok();
        };
        QVERIFY(!fails(key, nonce, ad, ct));
        for (qsizetype i = 0; i < ct.size(); ++i)
            QVERIFY2(fails(key, nonce, ad, flipped(ct, i)), "ciphertext byte");
        for (qsizetype i = 0; i < ad.size(); ++i)
            QVERIFY2(fails(key, nonce, flipped(ad, i), ct), "AD byte");
        for (qsizetype i = 0; i < nonce.size(); ++i)
            QVERIFY2(fails(key, flipped(nonce, i), ad, ct), "nonce byte");
        QVERIFY(fails(key, nonce, ad + 'x', ct));
        QVERIFY(fails(key, nonce, {}, ct));
        QVERIFY(fails(key, nonce, ad, ct.chopped(1)));
        QVERIFY(fails(key, nonce, ad, ct + '\0'));
        QVERIFY(fails(SecureBytes::random(32), nonce, ad, ct));
        QCOMPARE(aeadDecrypt(SecureBytes::random(32), nonce, ad, ct).code(), 2);
        // Wrong lengths: refused as malformed (code 1), nothing encrypted.
        QCOMPARE(aeadDecrypt(SecureBytes::random(31), nonce, ad, ct).code(), 1);
        QCOMPARE(aeadDecrypt(key, nonce.left(23), ad, ct).code(), 1);
        QCOMPARE(aeadDecrypt(key, nonce, ad, ct.left(AeadTagBytes - 1)).code(), 1);
        QCOMPARE(aeadDecryptSecret(key, nonce + 'x', ad, ct).code(), 1);
        QVERIFY(aeadEncrypt(SecureBytes::random(16), nonce, ad, plain).isEmpty());
        QVERIFY(aeadEncrypt(SecureBytes(), nonce, ad, plain).isEmpty());
        QVERIFY(aeadEncrypt(key, nonce.left(12), ad, plain).isEmpty());
    }

    void secureBytes()
    {
        static_assert(!std::is_copy_constructible_v<SecureBytes>);
        static_assert(!std::is_copy_assignable_v<SecureBytes>);
        static_assert(std::is_nothrow_move_constructible_v<SecureBytes>);
        SecureBytes empty;
        QVERIFY(empty.isEmpty());
        QCOMPARE(empty.size(), size_t(0));
        QVERIFY(empty.equals({}));
        QCOMPARE(SecureBytes(0).size(), size_t(0));
        QVERIFY(SecureBytes(16).equals(QByteArray(16, '\0')));
        const SecureBytes r = SecureBytes::random(32);
        QCOMPARE(r.size(), size_t(32));
        QVERIFY(!r.equals(QByteArray(32, '\0')));
        QVERIFY(!r.equals(SecureBytes::random(32).view()));

        SecureBytes a = SecureBytes::copyOf("secret");
        const unsigned char *p = a.data();
        SecureBytes b(std::move(a));
        QVERIFY(a.isEmpty()); // NOLINT(bugprone-use-after-move): moved-from state is specified
        QVERIFY(a.data() == nullptr);
        QCOMPARE(b.data(), p);
        QVERIFY(b.equals("secret"));
        SecureBytes c = SecureBytes::copyOf("other");
        c = std::move(b);
        QVERIFY(b.isEmpty());
        QCOMPARE(c.data(), p);
        SecureBytes &alias = c;
        c = std::move(alias); // self-move keeps the contents
        QVERIFY(c.equals("secret"));

        SecureBytes d = c.clone();
        QVERIFY(d.data() != c.data());
        QVERIFY(d.equals(c.view()));
        d.data()[0] = 'X';
        QVERIFY(c.equals("secret"));
        QVERIFY(!d.equals("secret"));
        QVERIFY(!c.equals("secret!"));
        QVERIFY(!c.equals("secre"));

        QVERIFY(constantTimeEquals("abc", "abc"));
        QVERIFY(constantTimeEquals({}, {}));
        QVERIFY(!constantTimeEquals("abc", "abd"));
        QVERIFY(!constantTimeEquals("abc", "ab"));
        QVERIFY(!constantTimeEquals({}, "a"));
        QByteArray buf = "plaintext";
        wipe(buf);
        QVERIFY(buf.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
