// Unit tests for identities (account secret text, Argon2id derivation), safety numbers,
// room fingerprints and username rules. Known answers come from raw libsodium and from
// Python's base64/hashlib; Argon2id runs only five times (about 150 ms each).
#include "common/username.h"
#include "crypto/box.h"
#include "crypto/contexts.h"
#include "crypto/identity.h"
#include "crypto/safetynumber.h"
#include "crypto/sign.h"

#include <QRegularExpression>
#include <QTest>

#include <sodium.h>

using namespace tavern;
using namespace tavern::crypto;

namespace {
const unsigned char *u(QByteArrayView v)
{
    return reinterpret_cast<const unsigned char *>(v.data());
}
} // namespace

class TestIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void accountSecretFormat()
    {
        const SecureBytes s = generateAccountSecret();
        QCOMPARE(s.size(), AccountSecretBytes);
        const QString text = formatAccountSecret(s);
        static const QRegularExpression shape(QStringLiteral("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$"));
        QVERIFY2(shape.match(text).hasMatch(), qPrintable(text));
        auto back = parseAccountSecret(text);
        QVERIFY(back.ok());
        QVERIFY(back->equals(s.view()));
        // Known answer: bytes 0..19, from Python base32 mapped to Crockford's alphabet.
        QByteArray seq(20, '\0');
        for (int i = 0; i < 20; ++i)
            seq[i] = char(i);
        QCOMPARE(formatAccountSecret(SecureBytes::copyOf(seq)),
                 QStringLiteral("000G-40R4-0M30-E209-185G-R38E-1W81-24GK"));
        QCOMPARE(formatAccountSecret(SecureBytes::copyOf(QByteArray(20, char(0xFF)))),
                 QStringLiteral("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"));
        // Case, spacing and look-alikes are forgiven.
        for (const QString &variant : {QStringLiteral("000g 40r4 0m30 e209 185g r38e 1w81 24gk"),
                                       QStringLiteral("OOOG-4OR4-OM3O-E2O9-I85G-R38E-LW8l-24GK"),
                                       QStringLiteral(" 000G40R40M30E209185GR38E1W8124GK\n")}) {
            auto p = parseAccountSecret(variant);
            QVERIFY2(p.ok(), qPrintable(variant));
            QVERIFY(p->equals(seq));
        }
    }

    void accountSecretRefused()
    {
        const QString good = QStringLiteral("000G-40R4-0M30-E209-185G-R38E-1W81-24GK");
        const QList<std::pair<qsizetype, QChar>> badChars{
            {5, QLatin1Char('U')}, {0, QLatin1Char('*')}, {9, QChar(0x00E9)}, {12, QChar(0x0131)}};
        for (const auto &[pos, ch] : badChars) {
            auto p = parseAccountSecret(QString(good).replace(pos, 1, ch));
            QCOMPARE(p.code(), 1);
            QVERIFY2(p.error().message.contains(ch), qPrintable(p.error().message));
        }
        for (int len : {0, 31, 33, 34, 40, 64}) {
            const QString text = QString(good + good).remove(QLatin1Char('-')).left(len);
            auto p = parseAccountSecret(text);
            QCOMPARE(p.code(), 2);
            QVERIFY2(p.error().message.contains(QString::number(len)), qPrintable(p.error().message));
        }
    }

    void deriveIdentityDeterministic()
    {
        const SecureBytes secret = SecureBytes::copyOf(QByteArray(20, 's'));
        auto a1 = deriveIdentity(secret, QStringLiteral("alice"));
        auto a2 = deriveIdentity(secret, QStringLiteral("alice"));
        auto b = deriveIdentity(secret, QStringLiteral("bob"));
        auto other = deriveIdentity(SecureBytes::copyOf(QByteArray(20, 't')), QStringLiteral("alice"));
        QVERIFY(a1.ok() && a2.ok() && b.ok() && other.ok());
        QCOMPARE(a1->username, QStringLiteral("alice"));
        QCOMPARE(a1->signing.publicKey, a2->signing.publicKey);
        QCOMPARE(a1->box.publicKey, a2->box.publicKey);
        QVERIFY(a1->signing.secretKey.equals(a2->signing.secretKey.view()));
        QVERIFY(a1->box.secretKey.equals(a2->box.secretKey.view()));
        QVERIFY(a1->signing.publicKey != b->signing.publicKey);
        QVERIFY(a1->box.publicKey != b->box.publicKey);
        QVERIFY(a1->signing.publicKey != other->signing.publicKey);
        QVERIFY(a1->box.publicKey != other->box.publicKey);

        // Independently through raw libsodium: Argon2id salted by the username hash, then
        // crypto_kdf subkeys 1 (signing seed) and 2 (box seed).
        const QByteArray saltIn = ctx::IdentitySalt.toByteArray() + '\0' + "alice";
        unsigned char salt[32], master[32], sseed[32], bseed[32], pk[32], sk[64], bpk[32], bsk[32];
        crypto_generichash(salt, 32, u(saltIn), size_t(saltIn.size()), nullptr, 0);
        QCOMPARE(crypto_pwhash(master, 32, QByteArray(20, 's').constData(), 20, salt,
                               crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                               crypto_pwhash_ALG_ARGON2ID13),
                 0);
        crypto_kdf_derive_from_key(sseed, 32, 1, ctx::IdentityKdf, master);
        crypto_kdf_derive_from_key(bseed, 32, 2, ctx::IdentityKdf, master);
        crypto_sign_seed_keypair(pk, sk, sseed);
        crypto_box_seed_keypair(bpk, bsk, bseed);
        QCOMPARE(a1->signing.publicKey, QByteArray(reinterpret_cast<char *>(pk), 32));
        QCOMPARE(a1->box.publicKey, QByteArray(reinterpret_cast<char *>(bpk), 32));

        // The derived keys work.
        QVERIFY(
            verify(a1->signing.publicKey, ctx::AuthChallengeSig, "c", sign(a1->signing, ctx::AuthChallengeSig, "c")));
        auto opened = sealOpen(a2->box, seal(a1->box.publicKey, "k"));
        QVERIFY(opened.ok() && opened->equals("k"));
        QCOMPARE(deriveIdentity(SecureBytes::copyOf("short"), QStringLiteral("alice")).code(), 2);
    }

    void randomIdentities()
    {
        const Identity a = randomIdentity(QStringLiteral("carol"));
        const Identity b = randomIdentity(QStringLiteral("carol"));
        QCOMPARE(a.username, QStringLiteral("carol"));
        QVERIFY(a.signing.publicKey != b.signing.publicKey);
        QVERIFY(a.box.publicKey != b.box.publicKey);
        const Identity c = a.clone();
        QCOMPARE(c.signing.publicKey, a.signing.publicKey);
        QVERIFY(c.box.secretKey.equals(a.box.secretKey.view()));
    }

    void safetyNumbers()
    {
        const PublicIdentity a{QStringLiteral("alice"), QByteArray(32, 'a'), QByteArray(32, 'A')};
        const PublicIdentity b{QStringLiteral("bob"), QByteArray(32, 'b'), QByteArray(32, 'B')};
        const QStringList n = safetyNumber(a, b);
        QCOMPARE(n.size(), 12);
        static const QRegularExpression five(QStringLiteral("^[0-9]{5}$"));
        for (const QString &g : n)
            QVERIFY2(five.match(g).hasMatch(), qPrintable(g));
        QCOMPARE(safetyNumber(b, a), n);
        QCOMPARE(safetyNumber(a, b), n);
        auto changed = [&](PublicIdentity x, PublicIdentity y) {
            return safetyNumber(x, y) != n && safetyNumber(y, x) != n;
        };
        PublicIdentity t = a;
        t.signPublicKey[31] = 'x';
        QVERIFY(changed(t, b));
        t = a;
        t.boxPublicKey[0] = 'x';
        QVERIFY(changed(t, b));
        t = b;
        t.signPublicKey[5] = 'x';
        QVERIFY(changed(a, t));
        t = b;
        t.boxPublicKey[9] = 'x';
        QVERIFY(changed(a, t));
        t = b;
        t.username = QStringLiteral("bobby");
        QVERIFY(changed(a, t));
        // Same username on both sides (a key change under one name): still order independent.
        PublicIdentity a2 = a;
        a2.signPublicKey = QByteArray(32, 'z');
        QCOMPARE(safetyNumber(a, a2), safetyNumber(a2, a));
    }

    void roomFingerprints()
    {
        const QByteArray room(32, '\x01'), head(32, '\x02');
        // Known answer from Python hashlib (40-bit big-endian groups mod 100000).
        QCOMPARE(roomFingerprint(room, head).join(QLatin1Char(' ')),
                 QStringLiteral("66853 10619 00407 36339 92314 52251"));
        QVERIFY(roomFingerprint(room, QByteArray(32, '\x03')) != roomFingerprint(room, head));
        QVERIFY(roomFingerprint(QByteArray(32, '\x03'), head) != roomFingerprint(room, head));
    }

    void usernames()
    {
        QCOMPARE(normalizeUsername(QStringLiteral("  Alice \n")).value(), QStringLiteral("alice"));
        QCOMPARE(normalizeUsername(QStringLiteral("a.b_c-d9")).value(), QStringLiteral("a.b_c-d9"));
        QCOMPARE(normalizeUsername(QStringLiteral("abc")).value(), QStringLiteral("abc"));
        QCOMPARE(normalizeUsername(QString(32, QLatin1Char('z'))).value(), QString(32, QLatin1Char('z')));
        for (const QString &s :
             {QString(), QStringLiteral("ab"), QStringLiteral("  ab  "), QString(33, QLatin1Char('z'))})
            QCOMPARE(normalizeUsername(s).code(), 1);
        for (const QString &s : {QStringLiteral("1abc"), QStringLiteral(".abc"), QStringLiteral("al ice"),
                                 QStringLiteral("al+ice"), QStringLiteral("j\u00f6rg"), QStringLiteral("al@ce")}) {
            auto r = normalizeUsername(s);
            QCOMPARE(r.code(), 2);
            QVERIFY(!r.error().message.isEmpty());
        }
        QVERIFY(isCanonicalUsername("alice"));
        QVERIFY(isCanonicalUsername("a-1._"));
        QVERIFY(!isCanonicalUsername("Alice"));
        QVERIFY(!isCanonicalUsername(" alice"));
        QVERIFY(!isCanonicalUsername("ab"));
        QVERIFY(!isCanonicalUsername(QByteArray(33, 'a')));
        QVERIFY(isCanonicalUsername(QByteArray(32, 'a')));
        QVERIFY(!isCanonicalUsername("\xc3\xa9lan"));
        QVERIFY(!isCanonicalUsername(QByteArray("ali\0ce", 6)));
        QVERIFY(!isCanonicalUsername("9lives"));
    }
};

QTEST_GUILESS_MAIN(TestIdentity)
#include "tst_identity.moc"
