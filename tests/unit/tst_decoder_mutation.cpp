// Deterministic mutation test of every decoder (threat model, "Bad input and faults"): valid
// encodings of a keg, a genesis, a multi-member version (history seals, departures) and a
// departure request, plus a stream of Reader primitives, each mutated thousands of ways
// with fixed seeds. A mutant must be refused with a message, or decode to a value that
// re-encodes to exactly its bytes and then fails the signature and chain checks unless it
// is the original. The originals are unchanged afterwards. Hand-written hostile inputs
// check the specific DecodeError each one gets. The mutation schedule is seeded; keys,
// nonces and timestamps inside the samples are fresh per run, so failures print the bytes.
#include "bootkegfixture.h"
#include "mutants.h"

#include "common/username.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtEndian>

#include <functional>

using namespace tavern;
using namespace tavern::testing;

namespace {

// Reads a fixed schema of every primitive and checks the Reader's contract after each
// read: position in range, failure sticky (error and position frozen), views inside the
// input, values within their limits. Returns what broke, or an empty string.
QString readSchema(QByteArrayView in, bool *allOk = nullptr)
{
    Reader r(in);
    QString broke;
    DecodeError first = DecodeError::None;
    qsizetype stuckAt = -1;
    const auto inside = [&](QByteArrayView v) {
        return v.isEmpty() || (v.data() >= in.data() && v.data() + v.size() <= in.data() + in.size());
    };
    const auto after = [&](bool valueOk, const char *what) {
        if (!broke.isEmpty())
            return;
        if (r.position() < 0 || r.position() > in.size() || r.remaining() < 0)
            broke = QStringLiteral("%1: position out of range").arg(QLatin1String(what));
        else if (!r.ok() && first == DecodeError::None)
            first = r.error(), stuckAt = r.position();
        else if (!r.ok() && (r.error() != first || r.position() != stuckAt))
            broke = QStringLiteral("%1: a failure did not stick").arg(QLatin1String(what));
        else if (r.ok() && !valueOk)
            broke = QStringLiteral("%1: accepted a value outside its contract").arg(QLatin1String(what));
    };
    (void)r.u8();
    after(true, "u8");
    (void)r.boolean();
    after(true, "boolean");
    (void)r.u32();
    after(true, "u32");
    (void)r.u64();
    after(true, "u64");
    const QByteArrayView f = r.fixed(8);
    after(f.size() == 8 && inside(f), "fixed");
    const QByteArrayView bytes = r.bytes(16);
    after(bytes.size() <= 16 && inside(bytes), "bytes");
    const QByteArrayView text = r.text(16);
    after(isValidUtf8(text) && inside(text), "text");
    const QByteArrayView name = r.username();
    after(isCanonicalUsername(name) && inside(name), "username");
    const qsizetype before = r.remaining();
    const quint32 n = r.count(100, 3);
    after(n <= 100 && qint64(n) * 3 <= before - 4, "count");
    for (quint32 i = 0; i < n; ++i) {
        const QByteArrayView e = r.fixed(3);
        after(e.size() == 3, "element");
    }
    const quint8 e = r.enumValue(4);
    after(e < 4, "enumValue");
    r.finish();
    after(true, "finish");
    if (!r.ok() && broke.isEmpty() && (r.u32() != 0 || r.u8() != 0 || !r.bytes(16).isEmpty() || r.boolean() || r.ok()))
        broke = QStringLiteral("a failed reader still returned values");
    if (allOk)
        *allOk = r.ok();
    return broke;
}

QByteArray primitiveStream()
{
    Writer w;
    w.u8(7);
    w.boolean(true);
    w.u32(0xDEADBEEF);
    w.u64(0x0123456789ABCDEFull);
    w.fixed("12345678");
    w.bytes("payload");
    w.text(QStringLiteral("h\u00e9llo \u2603"));
    w.bytes("carol");
    w.u32(3);
    w.fixed("abcdefghi");
    w.u8(3);
    return w.take();
}

} // namespace

class TestDecoderMutation : public QObject
{
    Q_OBJECT

    User m_alice, m_bob, m_carol, m_dave, m_erin;
    crypto::SecureBytes m_dbKey;
    Keg m_keg;
    SignedBootKeg m_genesis, m_prev, m_multi;
    QByteArray m_request;

    void publish(ChainVerifier &chain, const std::function<void(BootKegBuilder &)> &edit)
    {
        BootKegBuilder b(chain.head(), m_alice.id, m_alice.keys);
        edit(b);
        auto v = b.build();
        QVERIFY2(v.ok(), v.ok() ? "" : qPrintable(v.error().message));
        QVERIFY(chain.append(v->version).ok());
        if (v->newGeneration)
            m_alice.keys.insert(*v->newGeneration, std::move(v.value().newKey));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_alice = makeUser(QStringLiteral("alice"));
        m_bob = makeUser(QStringLiteral("bob"));
        m_carol = makeUser(QStringLiteral("carol"));
        m_dave = makeUser(QStringLiteral("dave"));
        m_erin = makeUser(QStringLiteral("erin"));
        m_dbKey = crypto::SecureBytes::random(32);
        m_keg = sealKeg({personalDbId(QStringLiteral("alice")), newKegId(), KegType::Message, 2, 5}, "hello, tavern",
                        m_dbKey, QStringLiteral("alice"), m_alice.id.signing);
        BuiltVersion g =
            createRoom(m_alice.id, {QStringLiteral("Ops \u2603"), QStringLiteral("on call"), HistoryPolicy::Shared});
        m_genesis = g.version;
        m_alice.keys.insert(0, std::move(g.newKey));
        ChainVerifier chain;
        QVERIFY(chain.start(m_genesis).ok());
        // bob shared and carol since-join (generation 1, unwrapped); bob accepts; erin invited.
        publish(chain, [&](BootKegBuilder &b) {
            QVERIFY(b.invite(m_bob.pub(), Role::Member, HistoryPolicy::Shared).ok());
            QVERIFY(b.invite(m_carol.pub(), Role::Member, HistoryPolicy::SinceJoin).ok());
        });
        learnKeys(m_bob, chain.head());
        BootKegBuilder accept(chain.head(), m_bob.id, m_bob.keys);
        QVERIFY(accept.acceptInvitation().ok());
        QVERIFY(chain.append(accept.build()->version).ok());
        publish(chain, [&](BootKegBuilder &b) {
            QVERIFY(b.invite(m_erin.pub(), Role::Moderator, HistoryPolicy::Shared).ok());
        });
        // The sample: carol's signed decline, erin removed, dave invited with history.
        m_prev = chain.head();
        const DepartureRequest no =
            signDepartureRequest(chain.roomId(), QStringLiteral("carol"), DepartureKind::Declined,
                                 m_prev.version().version, m_carol.id.signing);
        publish(chain, [&](BootKegBuilder &b) {
            QVERIFY(b.completeDeparture(no).ok());
            QVERIFY(b.remove(QStringLiteral("erin"), 7, QByteArray(32, '\x5a')).ok());
            QVERIFY(b.invite(m_dave.pub(), Role::Guest, HistoryPolicy::Shared).ok());
        });
        m_multi = chain.head();
        QCOMPARE(m_multi.version().departures.size(), std::size_t(2));
        QVERIFY(!m_multi.version().historySeals.empty());
        m_request = encodeDepartureRequest(
            signDepartureRequest(chain.roomId(), QStringLiteral("bob"), DepartureKind::Left, 3, m_bob.id.signing));
    }

    void everyMutantIsRefusedOrCanonical_data()
    {
        QTest::addColumn<QString>("sample");
        QTest::addColumn<quint32>("seed");
        quint32 seed = 0;
        for (const char *s : {"keg", "genesis", "multi-member version", "departure request", "reader"})
            QTest::newRow(s) << QString::fromLatin1(s) << ++seed;
    }

    void everyMutantIsRefusedOrCanonical()
    {
        QFETCH(QString, sample);
        QFETCH(quint32, seed);
        const std::map<QString, QByteArray> originals = {{QStringLiteral("keg"), encodeKeg(m_keg)},
                                                         {QStringLiteral("genesis"), m_genesis.encode()},
                                                         {QStringLiteral("multi-member version"), m_multi.encode()},
                                                         {QStringLiteral("departure request"), m_request},
                                                         {QStringLiteral("reader"), primitiveStream()}};
        const QByteArray original = originals.at(sample);
        const QByteArray snapshot(original.constData(), original.size()); // a deep copy
        const QByteArray prevSnapshot = m_prev.encode();
        int decoded = 0, refused = 0;
        QString failure;
        // Checks one mutant; returns what went wrong, or an empty string.
        const auto check = [&](const QByteArray &m) -> QString {
            const bool same = m == original;
            const auto refusal = [&](const Error &e) {
                ++refused;
                return e.message.isEmpty() ? QStringLiteral("refused without a message") : QString();
            };
            if (sample == u"keg") {
                auto k = decodeKeg(m);
                if (!k)
                    return refusal(k.error());
                ++decoded;
                if (encodeKeg(*k) != m)
                    return QStringLiteral("decodes but re-encodes to other bytes");
                if (openKeg(*k, m_keg.dbId, m_keg.kegId, m_dbKey, m_alice.id.signing.publicKey).ok() != same)
                    return same ? QStringLiteral("the original does not open") : QStringLiteral("an altered keg opens");
            } else if (sample == u"departure request") {
                auto d = decodeDepartureRequest(m);
                if (!d)
                    return refusal(d.error());
                ++decoded;
                if (encodeDepartureRequest(*d) != m)
                    return QStringLiteral("decodes but re-encodes to other bytes");
                if (verifyDepartureRequest(*d, m_bob.id.signing.publicKey) != same)
                    return QStringLiteral("signature check disagrees with the bytes");
            } else if (sample == u"reader") {
                bool ok = false;
                const QString broke = readSchema(m, &ok);
                ++(ok ? decoded : refused);
                return broke;
            } else {
                auto s = SignedBootKeg::decode(m);
                if (!s)
                    return refusal(s.error());
                ++decoded;
                if (s->encode() != m || encodeBody(s->version()) != s->body())
                    return QStringLiteral("decodes but re-encodes to other bytes");
                const Status v = sample == u"genesis" ? verifyGenesis(*s) : verifyTransition(m_prev, *s);
                if (v.ok() != same)
                    return same ? QStringLiteral("the original is refused: ") + v.error().message
                                : QStringLiteral("the chain accepts altered bytes");
                if (!v.ok() && v.error().message.isEmpty())
                    return QStringLiteral("chain refusal without a message");
            }
            return {};
        };
        QElapsedTimer timer;
        timer.start();
        QVERIFY(check(original).isEmpty());
        int mutants = forEachMutant(original, seed, [&](const QByteArray &m) {
            if (failure.isEmpty()) {
                const QString why = check(m);
                if (!why.isEmpty())
                    failure = QStringLiteral("%1 (mutant %2)").arg(why, QString::fromLatin1(m.toHex()));
            }
        });
        for (int k = 0; k < (sample == u"reader" ? 3000 : 0); ++k, ++mutants) { // and plain noise
            QRandomGenerator rng{quint32(k)};
            QByteArray noise(int(rng.bounded(80)), '\0');
            for (char &c : noise)
                c = char(rng.bounded(4) == 0 ? rng.bounded(256) : rng.bounded(8));
            if (failure.isEmpty() && !check(noise).isEmpty())
                failure = check(noise) + QStringLiteral(" (noise %1)").arg(QString::fromLatin1(noise.toHex()));
        }
        qInfo("%s: %d bytes, %d mutants: %d refused, %d decoded, in %lld ms", qPrintable(sample), int(original.size()),
              mutants, refused, decoded, qint64(timer.elapsed()));
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QVERIFY(mutants > 3000);
        QVERIFY(refused > 0 && decoded > 1); // both branches, not only the original
        // Nothing the decoders did touched the originals.
        QCOMPARE(original, snapshot);
        QCOMPARE(m_prev.encode(), prevSnapshot);
        QCOMPARE(encodeBody(m_multi.version()), m_multi.body());
        QVERIFY(verifyTransition(m_prev, m_multi).ok());
        QVERIFY(openKeg(m_keg, m_keg.dbId, m_keg.kegId, m_dbKey, m_alice.id.signing.publicKey).ok());
        QVERIFY(verifyGenesis(m_genesis).ok());
        QVERIFY(verifyDepartureRequest(decodeDepartureRequest(m_request).value(), m_bob.id.signing.publicKey));
    }

    void hostileInputs();
};

void TestDecoderMutation::hostileInputs()
{
    using E = DecodeError;
    using V = BootKegVersion;
    const auto read = [](QByteArrayView in, auto &&op) {
        Reader r(in);
        op(r);
        return r.error();
    };
    // Reader primitives: a count of 0xFFFFFFFF with a few bytes behind it, a count that
    // cannot fit, a huge length, bool = 2, an enum out of range, overlong UTF-8, uppercase.
    QCOMPARE(read("\xff\xff\xff\xff\x01\x02", [](Reader &r) { QCOMPARE(r.count(MaxMembers, 81), 0u); }), E::TooLarge);
    QCOMPARE(read(QByteArrayView("\x00\x00\x00\x05"
                                 "abcd",
                                 8),
                  [](Reader &r) { QCOMPARE(r.count(100, 1), 0u); }),
             E::Truncated);
    QCOMPARE(read("\xff\xff\xff\xff"
                  "ab",
                  [](Reader &r) { QVERIFY(r.bytes(100).isEmpty()); }),
             E::TooLarge);
    QCOMPARE(read("\x02", [](Reader &r) { QVERIFY(!r.boolean()); }), E::NonCanonical);
    QCOMPARE(read("\x04", [](Reader &r) { QCOMPARE(r.enumValue(4), quint8(0)); }), E::NonCanonical);
    QCOMPARE(read(QByteArrayView("\x00\x00\x00\x02\xc0\xaf", 6), [](Reader &r) { (void)r.text(9); }), E::BadText);
    QCOMPARE(read(QByteArrayView("\x00\x00\x00\x05"
                                 "Alice",
                                 9),
                  [](Reader &r) { (void)r.username(); }),
             E::BadUsername);
    QCOMPARE(read("ab",
                  [](Reader &r) {
                      (void)r.u8();
                      r.finish();
                  }),
             E::TrailingBytes);

    // Boot-keg bodies edited by hand from a valid genesis.
    const V base = ownedCopy(m_genesis.version());
    const auto refusedAs = [](const QByteArray &body, E expected) {
        auto r = SignedBootKeg::decode(wire(body, 1, QByteArray(64, 's')));
        QVERIFY2(!r.ok(), "hostile body decoded");
        QVERIFY2(r.error().message.contains(describe(expected)), qPrintable(r.error().message));
    };
    const auto edited = [&](auto &&edit, E expected) {
        V v = base;
        edit(v);
        refusedAs(encodeBody(v), expected);
    };
    // The member count: 0xFFFFFFFF with a few bytes behind it, then 5 and 2 (one member).
    QByteArray body = encodeBody(base);
    const qsizetype countAt =
        1 + 32 + 8 + 32 + 16 + 8 + 4 + base.signer.size() + 4 + base.name.size() + 4 + base.topic.size() + 1;
    QCOMPARE(qFromBigEndian<quint32>(body.constData() + countAt), 1u);
    qToBigEndian(0xFFFFFFFFu, body.data() + countAt);
    refusedAs(body.left(countAt + 8), E::TooLarge);
    qToBigEndian(5u, body.data() + countAt); // cannot fit in the bytes left
    refusedAs(body, E::Truncated);
    qToBigEndian(2u, body.data() + countAt); // the second is read from the generations
    refusedAs(body, E::BadUsername);
    Member bob = base.members[0];
    bob.username = "bob";
    edited([&](V &v) { v.members.insert(v.members.begin(), bob); }, E::Unordered);
    edited([&](V &v) { v.members.push_back(v.members[0]); }, E::Unordered); // duplicate
    edited([](V &v) { v.members[0].role = Role(4); }, E::NonCanonical);
    edited([](V &v) { v.members[0].state = InviteState(2); }, E::NonCanonical);
    edited([](V &v) { v.policy = HistoryPolicy(7); }, E::NonCanonical);
    edited([](V &v) { v.departures.push_back({"bob", DepartureKind(4), 0, {}, {}}); }, E::NonCanonical);
    edited([](V &v) { v.name = "\xc0\xaf"; }, E::BadText);          // overlong '/'
    edited([](V &v) { v.name = "\xed\xa0\x80"; }, E::BadText);      // a surrogate
    edited([](V &v) { v.topic = "\xf4\x90\x80\x80"; }, E::BadText); // above U+10FFFF
    edited([](V &v) { v.name = QByteArray(MaxRoomName + 1, 'x'); }, E::TooLarge);
    edited([](V &v) { v.signer = "Alice"; }, E::BadUsername);
    edited([](V &v) { v.members[0].invitedBy = "al"; }, E::BadUsername);
    edited([](V &v) { v.generations[0].number = 1; }, E::NonCanonical);
    edited([](V &v) { v.generations[0].wrapNonce = QByteArray(24, 'n'); }, E::NonCanonical);
    body = encodeBody(base);
    refusedAs(body + '\0', E::TrailingBytes);
    body[0] = 2;
    refusedAs(body, E::UnknownFormat);

    // Kegs.
    const auto kegRefusal = [&](auto &&edit) {
        Keg k = m_keg;
        edit(k);
        auto r = decodeKeg(encodeKeg(k));
        return r.ok() ? Error{0, QStringLiteral("decoded")} : r.error();
    };
    Error e = kegRefusal([](Keg &k) { k.type = KegType(8); });
    QCOMPARE(e.code, int(KegError::Malformed));
    QCOMPARE(e.message, QStringLiteral("keg refused: %1 (at byte 50)").arg(describe(E::NonCanonical)));
    e = kegRefusal([](Keg &k) { k.author = QStringLiteral("Bob"); });
    QVERIFY2(e.message.contains(describe(E::BadUsername)), qPrintable(e.message));
    QCOMPARE(kegRefusal([](Keg &k) { k.version = 0; }).code, int(KegError::Malformed));
    QCOMPARE(kegRefusal([](Keg &k) { k.sigAlg = SigAlg::None; }).code, int(KegError::UnsignedRecord));
    QCOMPARE(kegRefusal([](Keg &k) { k.signature.clear(); }).code, int(KegError::UnsignedRecord));
    QCOMPARE(kegRefusal([](Keg &k) { k.sigAlg = SigAlg(9); }).code, int(KegError::UnknownSignatureAlgorithm));
    QCOMPARE(kegRefusal([](Keg &k) { k.signature.chop(1); }).code, int(KegError::Malformed));

    // Departure requests: only Left and Declined exist on the wire.
    const auto requestRefusal = [&](auto &&edit) {
        DepartureRequest d = decodeDepartureRequest(m_request).value();
        edit(d);
        auto r = decodeDepartureRequest(encodeDepartureRequest(d));
        return r.ok() ? QStringLiteral("decoded") : r.error().message;
    };
    const QString nonCanonical = QStringLiteral("departure request refused: %1").arg(describe(E::NonCanonical));
    QCOMPARE(requestRefusal([](DepartureRequest &d) { d.kind = DepartureKind::Removed; }), nonCanonical);
    QCOMPARE(requestRefusal([](DepartureRequest &d) { d.kind = DepartureKind(9); }), nonCanonical);
    QVERIFY(requestRefusal([](DepartureRequest &d) { d.username = "Carol"; }).contains(describe(E::BadUsername)));
    QVERIFY(requestRefusal([](DepartureRequest &d) { d.signature.chop(1); }).contains(describe(E::Truncated)));
}

QTEST_GUILESS_MAIN(TestDecoderMutation)
#include "tst_decoder_mutation.moc"
