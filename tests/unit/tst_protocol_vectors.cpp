// Test vectors of docs/protocol.md, appendix A: fixed inputs, the bytes Tavern's code makes
// from them. The expected values were computed by a separate implementation written from the
// document alone (Python, libsodium through ctypes), so a change to any of these formats, or
// a document that no longer describes them, fails here. Each value is quoted in the appendix.
#include "client/pinlog.h"
#include "crypto/aead.h"
#include "crypto/contexts.h"
#include "crypto/hash.h"
#include "crypto/identity.h"
#include "crypto/safetynumber.h"
#include "crypto/sign.h"
#include "keg/bootkeg.h"
#include "keg/keg.h"
#include "keg/message.h"
#include "keg/roomkeys.h"

#include <QTest>
#include <QtEndian>

using namespace tavern;

namespace {

QByteArray hex(const char *h)
{
    return QByteArray::fromHex(h);
}

crypto::SecureBytes counting(int from, int n)
{
    QByteArray b;
    for (int i = 0; i < n; ++i)
        b.append(char(from + i));
    return crypto::SecureBytes::copyOf(b);
}

crypto::Identity derive(int from, const char *user)
{
    auto id = crypto::deriveIdentity(counting(from, 20), QString::fromLatin1(user));
    Q_ASSERT(id.ok());
    return std::move(id).value();
}

const char *AliceSignPk = "5167a6fa498a5b56f0f1dac60c1d86e46c73c43c596b5928e0e32b6b244b1f09";
const char *AliceBoxPk = "19bc543b4157aee73414c7f45b0cfe0a36be672dd2c0988808f00d53149fff1a";
const char *BobSignPk = "5f7204448903568b42f583a97e307ac70416ef59d826ac615f135e936fe8eecb";
const char *BobBoxPk = "37a8159068988e266a76e015ea88bb3f259d73488535cff303e8c86d224af07a";
const char *PersonalAlice = "f62943801b5e9f52487663b12eefb709d2a639512c36c0f6d4932cb6dae4efdc";
const char *PersonalKeyAlice = "6d7a47a219b90751ab1894b487911867c4b496f5c78fb0cf86720b1d1c977b20";
const char *PinEntry = "0100000000000000010000000000000000000000000000000000000000000000000000000000000000000000000362"
                       "6f62000000405f7204448903568b42f583a97e307ac70416ef59d826ac615f135e936fe8eecb37a8159068988e266a"
                       "76e015ea88bb3f259d73488535cff303e8c86d224af07a0000000000000000000000000000018bcfe5680000000010"
                       "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf";
const char *PinKeg = "01f62943801b5e9f52487663b12eefb709d2a639512c36c0f6d4932cb6dae4efdc000102030405060708090a0b0c0d"
                     "0e0f0400000000000000000000000100000005616c696365404142434445464748494a4b4c4d4e4f50515253545556"
                     "57000000ad96b4d3db2487da826fca409dc55b88cc62f22b4bf9f86a60b8ae50d705c8d295c789e8e0230ac9324313"
                     "56b077c1681412ea52ccc7097c934321b043c3c00be135adef529ad6a1cf74fcc44c64af4813e570628485915bde1f"
                     "bac4b62e7df9f6f7c359107982186484fd9a02e0255239181b14459e8a0e9a58713486126bbcd14207c834cc0b62a5"
                     "c502a67d1f98819bef6dd871483d4e81bf8add5ce4b862cc809b27a5e043cbc41cf6310624010000004035fe68c480"
                     "c6c09df688455471bfd9a2df2877bd95a9859afb0c1f09de09890d7426ecb563f20e6f8cd0a5e9a74e2b3fe53e988f"
                     "6d56f317f7aa1b81c842660b";

} // namespace

class TestProtocolVectors : public QObject
{
    Q_OBJECT

    crypto::Identity m_alice = derive(0x00, "alice");
    crypto::Identity m_bob = derive(0x20, "bob");

private Q_SLOTS:
    void accountSecretText()
    {
        QCOMPARE(crypto::formatAccountSecret(counting(0x00, 20)),
                 QStringLiteral("000G-40R4-0M30-E209-185G-R38E-1W81-24GK"));
        QCOMPARE(crypto::formatAccountSecret(counting(0x20, 20)),
                 QStringLiteral("40GJ-48S4-4MK2-EA19-58NJ-RB9E-5WR3-2CHK"));
        // Parsing: any case, spaces, I/L for 1 and O for 0.
        auto parsed = crypto::parseAccountSecret(QStringLiteral("ooog 4Or4-0m30-e2o9 i85g-r38e-1w8l-24gk"));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->view().toByteArray(), counting(0x00, 20).view().toByteArray());
    }

    void identityKeys()
    {
        QCOMPARE(crypto::hash(crypto::ctx::IdentitySalt, QByteArrayView("alice")).left(16).toHex(),
                 QByteArray("9ab42bef75fce4e2b5d9ddd64b24a956"));
        QCOMPARE(m_alice.signing.publicKey.toHex(), QByteArray(AliceSignPk));
        QCOMPARE(m_alice.box.publicKey.toHex(), QByteArray(AliceBoxPk));
        QCOMPARE(m_bob.signing.publicKey.toHex(), QByteArray(BobSignPk));
        QCOMPARE(m_bob.box.publicKey.toHex(), QByteArray(BobBoxPk));
    }

    void kegDbIds()
    {
        QCOMPARE(keg::personalDbId(QStringLiteral("alice")).toHex(), QByteArray(PersonalAlice));
        const QByteArray dm("086fab92c0003fb06e9f29e19f05a9eaf21e0342d7385d9a296496548097f14a");
        QCOMPARE(keg::dmDbId(QStringLiteral("alice"), QStringLiteral("bob")).toHex(), dm);
        QCOMPARE(keg::dmDbId(QStringLiteral("bob"), QStringLiteral("alice")).toHex(), dm);
    }

    void safetyNumber()
    {
        const crypto::PublicIdentity a{m_alice.username, m_alice.signing.publicKey, m_alice.box.publicKey};
        const crypto::PublicIdentity b{m_bob.username, m_bob.signing.publicKey, m_bob.box.publicKey};
        const QString want = QStringLiteral("34533 76507 07145 89697 56995 45540 12602 65129 85593 71676 40188 32452");
        QCOMPARE(crypto::safetyNumber(a, b).join(QLatin1Char(' ')), want);
        QCOMPARE(crypto::safetyNumber(b, a).join(QLatin1Char(' ')), want);
    }

    void personalKeyAndPinLogKeg()
    {
        const crypto::SecureBytes key = client::personalKey(m_alice);
        QCOMPARE(key.view().toByteArray().toHex(), QByteArray(PersonalKeyAlice));

        client::PinEntry e;
        e.kind = client::PinKind::ContactPinned;
        e.subject = QStringLiteral("bob");
        e.keys = m_bob.signing.publicKey + m_bob.box.publicKey;
        e.timestampMs = 1700000000000;
        e.device = counting(0xd0, 16).view().toByteArray();
        const QByteArray plain = client::encodePinEntry(e);
        QCOMPARE(plain.toHex(), QByteArray(PinEntry));

        // Built step by step as protocol.md §5 says, with a fixed nonce.
        keg::Keg k;
        k.dbId = hex(PersonalAlice);
        k.kegId = counting(0x00, 16).view().toByteArray();
        k.type = keg::KegType::PinLog;
        k.generation = 0;
        k.version = 1;
        k.author = QStringLiteral("alice");
        k.nonce = counting(0x40, 24).view().toByteArray();
        const QByteArray header = k.header();
        k.ciphertext =
            crypto::aeadEncrypt(key, k.nonce, QByteArray(crypto::ctx::KegAead.data()) + '\0' + header, plain);
        char len[4];
        qToBigEndian(quint32(k.ciphertext.size()), len);
        k.signature =
            crypto::sign(m_alice.signing, crypto::ctx::PinLogSig, header + k.nonce + QByteArray(len, 4) + k.ciphertext);
        QCOMPARE(keg::encodeKeg(k).toHex(), QByteArray(PinKeg));
        QCOMPARE(keg::kegContentHash(k).toHex(),
                 QByteArray("745f09cd153b5c1c9c0ae4956cf88bb22ebb6ad7ab988cd78cd9cd4743e546cb"));

        // And the vector opens as a pin-log entry of alice's.
        auto decoded = keg::decodeKeg(hex(PinKeg));
        QVERIFY(decoded.ok());
        auto opened = client::openPinEntry(*decoded, m_alice, key);
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->first.subject, QStringLiteral("bob"));
        QCOMPARE(opened->first.keys, e.keys);
    }

    void roomKeysAndIds()
    {
        const crypto::SecureBytes k = crypto::SecureBytes::copyOf(QByteArray(32, char(0x42)));
        QCOMPARE(keg::keyCommitment(0, k).toHex(),
                 QByteArray("e4c8502de899fca75368210eda524fc8728740fbe0aff67ae3a72c6b3b01587d"));
        QCOMPARE(keg::keyCommitment(1, k).toHex(),
                 QByteArray("e2c520e828214152e9cf66f8182cf05f56452211f79c05bb37efd1d013b8be3d"));
        const QByteArray room(32, char(0xaa));
        QCOMPARE(
            keg::sealedKeyPlaintext(room, 1, "alice", k).view().toByteArray().toHex(),
            QByteArray("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0000000100000005616c69636542"
                       "42424242424242424242424242424242424242424242424242424242424242"));
        QCOMPARE(keg::wrapAssociatedData(room, 1).toHex(),
                 QByteArray("74617665726e2f76312f626f6f746b65672f6b65792d777261702f6165616400aaaaaaaaaaaaaaaaaaaaaaaa"
                            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000001"));
        QCOMPARE(keg::roomIdFromGenesisHash(QByteArray(32, char(0xbb))).toHex(),
                 QByteArray("b172d97dbbf4166472f1ed3e560d9f2c4adc3188c4c687596304d06c4f2bfb53"));
        QCOMPARE(crypto::roomFingerprint(room, QByteArray(32, char(0xbb))).join(QLatin1Char(' ')),
                 QStringLiteral("12940 25172 25701 75217 00618 73533"));
    }

    void messageAndDeparture()
    {
        keg::MessagePayload m;
        m.counter = 1;
        m.headVersion = 2;
        m.headHash = QByteArray(32, char(0xcc));
        m.timestampMs = 1700000000000;
        m.body = QStringLiteral("h\u00e9llo");
        QCOMPARE(keg::encodeMessage(m).toHex(),
                 QByteArray("010000000000000001000000000000000000000000000000000000000000000000000000000000000000000000"
                            "00000002cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc0000018bcfe5680000"
                            "00000668c3a96c6c6f00000000000000000000000000000000"));
        const auto req = keg::signDepartureRequest(QByteArray(32, char(0xaa)), QStringLiteral("alice"),
                                                   keg::DepartureKind::Left, 3, m_alice.signing);
        QCOMPARE(keg::encodeDepartureRequest(req).toHex(),
                 QByteArray("01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000005616c696365010000"
                            "00000000000300000040972865cbf716b65e96784db46d91dc19573137b41f8ef10323bf29020ef4a929e393"
                            "fd3bded00a5f2e05eace255787db49cf63cced5179c2116a1f9500c81402"));
    }
};

QTEST_GUILESS_MAIN(TestProtocolVectors)
#include "tst_protocol_vectors.moc"
