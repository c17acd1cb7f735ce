// Deterministic mutation test of the message and pin-log decoders (threat model, "Bad input
// and faults"), in the style of tst_decoder_mutation: valid message, edit and redaction
// payloads, pin entries of every kind, and a sealed pin-log keg, each mutated thousands of
// ways with fixed seeds. A payload mutant must be refused with a message or decode to a
// value that re-encodes to exactly its bytes; a keg mutant must never open as a pin entry
// unless it is byte-identical to the original. Entries sealed by the user over mutated
// plaintexts open exactly when the plaintext decodes. Hand-written hostile inputs check the
// DecodeError each one gets. Keys and nonces are fresh per run; failures print the bytes.
#include "client/pinlog.h"
#include "keg/message.h"
#include "mutants.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include <map>

using namespace tavern;
using namespace tavern::client;
using namespace tavern::keg;
using tavern::testing::forEachMutant;
using tavern::testing::MutationPlan;

namespace {

QByteArray bytesOf(char c, int n)
{
    return QByteArray(n, c);
}

MessagePayload message()
{
    return {5, bytesOf('p', 32), 3, bytesOf('h', 32), 1700000000000, QStringLiteral("h\u00e9llo \u2603 \U0001F37A"),
            {}};
}

PinEntry contactPin()
{
    return {1, {}, PinKind::ContactPinned, QStringLiteral("bob"), bytesOf('\x7', 64), 0, {}, 42, bytesOf('\x5', 16)};
}

} // namespace

class TestMessageMutation : public QObject
{
    Q_OBJECT

    crypto::Identity m_alice = crypto::randomIdentity(QStringLiteral("alice"));
    crypto::Identity m_mallory = crypto::randomIdentity(QStringLiteral("mallory"));
    crypto::SecureBytes m_key = personalKey(m_alice);
    keg::Keg m_pinKeg;

    std::map<QString, QByteArray> originals() const
    {
        MessagePayload edit = message(), redaction = message();
        edit.counter = 6, edit.body = QStringLiteral("fixed"), edit.target = bytesOf('t', 16);
        redaction.counter = 7, redaction.body.clear(), redaction.target = bytesOf('t', 16);
        const PinEntry room{
            2, bytesOf('\1', 32), PinKind::RoomHead, QStringLiteral("ab12cd"), {}, 9, bytesOf('\2', 32), 7, {}};
        const PinEntry verified{3, bytesOf('\3', 32), PinKind::ContactVerified, QStringLiteral("carol"), {}, 0, {}, 0,
                                {}};
        return {{QStringLiteral("message"), encodeMessage(message())},
                {QStringLiteral("edit"), encodeMessage(edit)},
                {QStringLiteral("redaction"), encodeMessage(redaction)},
                {QStringLiteral("contact pin"), encodePinEntry(contactPin())},
                {QStringLiteral("room pin"), encodePinEntry(room)},
                {QStringLiteral("verified pin"), encodePinEntry(verified)},
                {QStringLiteral("pin keg"), encodeKeg(m_pinKeg)}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_pinKeg = sealPinEntry(contactPin(), m_alice, m_key);
        QVERIFY(openPinEntry(m_pinKeg, m_alice, m_key).ok());
    }

    void everyMutantIsRefusedOrCanonical_data()
    {
        QTest::addColumn<QString>("sample");
        QTest::addColumn<quint32>("seed");
        quint32 seed = 200;
        for (const auto &[name, bytes] : originals())
            QTest::newRow(qPrintable(name)) << name << ++seed;
    }

    void everyMutantIsRefusedOrCanonical()
    {
        QFETCH(QString, sample);
        QFETCH(quint32, seed);
        const QByteArray original = originals().at(sample);
        const QByteArray snapshot(original.constData(), original.size()); // a deep copy
        const QByteArray entry = encodePinEntry(contactPin());
        int decoded = 0, refused = 0;
        QString failure;
        const auto refusal = [&](const Error &e) {
            ++refused;
            return e.message.isEmpty() ? QStringLiteral("refused without a message") : QString();
        };
        // Checks one mutant; returns what went wrong, or an empty string.
        const auto check = [&](const QByteArray &m) -> QString {
            if (sample == u"pin keg") {
                auto k = decodeKeg(m);
                if (!k)
                    return refusal(k.error());
                ++decoded;
                if (encodeKeg(*k) != m)
                    return QStringLiteral("keg decodes but re-encodes to other bytes");
                if (openPinEntry(*k, m_mallory, personalKey(m_mallory)).ok())
                    return QStringLiteral("opens for another user");
                auto o = openPinEntry(*k, m_alice, m_key);
                if (o.ok() != (m == original))
                    return o.ok() ? QStringLiteral("an altered pin keg opens")
                                  : QStringLiteral("the original does not open: ") + o.error().message;
                if (o.ok() && (encodePinEntry(o->first) != entry || o->second != kegContentHash(m_pinKeg)))
                    return QStringLiteral("the original opens to another entry");
            } else if (sample.endsWith(u" pin")) {
                auto e = decodePinEntry(m);
                if (!e)
                    return refusal(e.error());
                ++decoded;
                if (encodePinEntry(*e) != m)
                    return QStringLiteral("decodes but re-encodes to other bytes");
                if (e->counter == 0 || e->kind >= PinKind::Count || e->previousHash.size() != 32
                    || (e->kind == PinKind::RoomHead ? e->hash.size() != 32
                                                     : e->kind != PinKind::ContactVerified && e->keys.size() != 64))
                    return QStringLiteral("decoded an entry outside its contract");
            } else {
                auto d = decodeMessage(m);
                if (!d)
                    return refusal(d.error());
                ++decoded;
                if (encodeMessage(*d) != m)
                    return QStringLiteral("decodes but re-encodes to other bytes");
                if (d->counter == 0 || d->previousHash.size() != 32 || d->headHash.size() != 32
                    || d->target.size() != KegIdBytes || d->body.size() > MaxMessageBody)
                    return QStringLiteral("decoded a message outside its contract");
            }
            return {};
        };
        QElapsedTimer timer;
        timer.start();
        QVERIFY(check(original).isEmpty());
        const int mutants = forEachMutant(original, seed, [&](const QByteArray &m) {
            if (failure.isEmpty()) {
                const QString why = check(m);
                if (!why.isEmpty())
                    failure = QStringLiteral("%1 (mutant %2)").arg(why, QString::fromLatin1(m.toHex()));
            }
        });
        qInfo("%s: %d bytes, %d mutants: %d refused, %d decoded, in %lld ms", qPrintable(sample), int(original.size()),
              mutants, refused, decoded, qint64(timer.elapsed()));
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QVERIFY(mutants > 3000);
        QVERIFY(refused > 0 && decoded > 1); // both branches, not only the original
        QCOMPARE(original, snapshot);
        QCOMPARE(originals().at(sample), original);
        QVERIFY(openPinEntry(m_pinKeg, m_alice, m_key).ok());
    }

    // The user's own device sealed a damaged plaintext: the open path refuses exactly what
    // the decoder refuses, and what it accepts re-encodes to the sealed bytes.
    void sealedMutantsOpenOnlyWhenTheyDecode()
    {
        int opened = 0, refused = 0;
        QString failure;
        const int mutants = forEachMutant(
            encodePinEntry(contactPin()), 301,
            [&](const QByteArray &m) {
                if (!failure.isEmpty())
                    return;
                const keg::Keg k = sealKeg({personalDbId(m_alice.username), newKegId(), KegType::PinLog, 0, 1}, m,
                                           m_key, m_alice.username, m_alice.signing);
                const auto o = openPinEntry(k, m_alice, m_key);
                ++(o.ok() ? opened : refused);
                if (o.ok() != decodePinEntry(m).ok() || (o.ok() && encodePinEntry(o->first) != m))
                    failure = QStringLiteral("open and decode disagree on %1").arg(QString::fromLatin1(m.toHex()));
            },
            MutationPlan{{'\x00', '\xff', '\x80'}, true, {}, 100, 600});
        qInfo("%d sealed mutants: %d opened, %d refused", mutants, opened, refused);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QVERIFY(opened > 1 && refused > 0);
    }

    void hostileInputs()
    {
        using E = DecodeError;
        const auto msg = [](const QByteArray &b) {
            auto r = decodeMessage(b);
            return r.ok() ? QStringLiteral("decoded") : r.error().message;
        };
        const auto pin = [](const QByteArray &b) {
            auto r = decodePinEntry(b);
            return r.ok() ? QStringLiteral("decoded") : r.error().message;
        };
        const auto messageRefusal = [](E e) { return QStringLiteral("message refused: ") + describe(e); };
        const auto pinRefusal = [](E e) { return QStringLiteral("pin log entry refused: ") + describe(e); };
        const auto editedMessage = [&](auto &&edit) {
            MessagePayload m = message();
            edit(m);
            return encodeMessage(m);
        };
        const auto editedPin = [&](auto &&edit) {
            PinEntry e = contactPin();
            edit(e);
            return encodePinEntry(e);
        };
        // Messages. The body sits after 1 + 8 + 32 + 8 + 32 + 8 bytes.
        const QByteArray good = encodeMessage(message());
        const qsizetype bodyAt = 89;
        QCOMPARE(qFromBigEndian<quint32>(good.constData() + bodyAt), quint32(message().body.toUtf8().size()));
        QByteArray b = good;
        b[0] = 2;
        QCOMPARE(msg(b), messageRefusal(E::UnknownFormat));
        QCOMPARE(msg(editedMessage([](MessagePayload &m) { m.counter = 0; })), messageRefusal(E::NonCanonical));
        QCOMPARE(msg(good + '\0'), messageRefusal(E::TrailingBytes));
        QCOMPARE(msg(good.chopped(1)), messageRefusal(E::Truncated));
        QCOMPARE(msg(QByteArray()), messageRefusal(E::Truncated));
        QCOMPARE(msg(editedMessage([](MessagePayload &m) { m.body = QString(MaxMessageBody + 1, u'x'); })),
                 messageRefusal(E::TooLarge));
        QCOMPARE(msg(editedMessage([](MessagePayload &m) { m.body = QString(MaxMessageBody, u'x'); })),
                 QStringLiteral("decoded"));
        b = good;
        qToBigEndian(0xFFFFFFFFu, b.data() + bodyAt);
        QCOMPARE(msg(b), messageRefusal(E::TooLarge));
        const auto withBody = [&](const QByteArray &utf8) {
            QByteArray length(4, '\0');
            qToBigEndian(quint32(utf8.size()), length.data());
            return good.left(bodyAt) + length + utf8 + good.right(KegIdBytes);
        };
        QCOMPARE(msg(withBody("ok")), QStringLiteral("decoded"));
        for (const char *bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "a\x80"})
            QCOMPARE(msg(withBody(bad)), messageRefusal(E::BadText));
        // A leading byte-order mark is valid UTF-8, but QString::fromUtf8 drops it, so it
        // would give one message two encodings: refused as non-canonical.
        const QByteArray bom = withBody("\xef\xbb\xbfhi");
        QCOMPARE(msg(bom), messageRefusal(E::NonCanonical));

        // Pin entries.
        const QByteArray entry = encodePinEntry(contactPin());
        b = entry;
        b[0] = 2;
        QCOMPARE(pin(b), pinRefusal(E::UnknownFormat));
        QCOMPARE(pin(editedPin([](PinEntry &e) { e.counter = 0; })), pinRefusal(E::NonCanonical));
        QCOMPARE(pin(editedPin([](PinEntry &e) { e.kind = PinKind::Count; })), pinRefusal(E::NonCanonical));
        // A declined invitation names a room (64 hex digits) and a version, nothing else.
        const auto declined = [](PinEntry &e) {
            e.kind = PinKind::InvitationDeclined;
            e.subject = QString(64, u'a');
            e.keys.clear();
            e.version = 7;
        };
        QCOMPARE(pin(editedPin(declined)), QStringLiteral("decoded"));
        QCOMPARE(pin(editedPin([&](PinEntry &e) { declined(e), e.keys = bytesOf('k', 64); })),
                 pinRefusal(E::NonCanonical));
        QCOMPARE(pin(editedPin([&](PinEntry &e) { declined(e), e.subject = QStringLiteral("bob"); })),
                 pinRefusal(E::NonCanonical));
        QCOMPARE(pin(editedPin([](PinEntry &e) { e.subject = QString(257, u's'); })), pinRefusal(E::TooLarge));
        QCOMPARE(pin(editedPin([](PinEntry &e) { e.keys = bytesOf('k', 65); })), pinRefusal(E::TooLarge));
        QCOMPARE(pin(editedPin([](PinEntry &e) { e.keys.chop(1); })), pinRefusal(E::NonCanonical));
        QCOMPARE(pin(editedPin([](PinEntry &e) { e.kind = PinKind::KeyChangeAccepted, e.keys.clear(); })),
                 pinRefusal(E::NonCanonical));
        QCOMPARE(pin(editedPin([](PinEntry &e) { e.kind = PinKind::RoomHead, e.keys.clear(); })),
                 pinRefusal(E::NonCanonical)); // a room pin needs its hash
        QCOMPARE(pin(editedPin([](PinEntry &e) { e.hash = bytesOf('h', 33); })), pinRefusal(E::TooLarge));
        QCOMPARE(pin(entry + '\0'), pinRefusal(E::TrailingBytes));
        QCOMPARE(pin(entry.chopped(8)), pinRefusal(E::Truncated));
        const QByteArray subjectBom = editedPin([](PinEntry &e) { e.subject = QStringLiteral("bob"); });
        b = subjectBom;
        b.insert(1 + 8 + 32 + 1 + 4, "\xef\xbb\xbf"); // before "bob"
        qToBigEndian(quint32(6), b.data() + 1 + 8 + 32 + 1);
        QCOMPARE(pin(b), pinRefusal(E::NonCanonical));

        // The open path: another user's personal DB, another type, another author.
        keg::Keg k = m_pinKeg;
        k.type = KegType::Settings;
        QVERIFY(!openPinEntry(k, m_alice, m_key).ok());
        k = sealPinEntry(contactPin(), m_mallory, m_key);
        QVERIFY(!openPinEntry(k, m_alice, m_key).ok());
        k.author = m_alice.username;
        QVERIFY(!openPinEntry(k, m_alice, m_key).ok());
        QVERIFY(!openPinEntry(m_pinKeg, m_alice, personalKey(m_mallory)).ok());
    }
};

QTEST_GUILESS_MAIN(TestMessageMutation)
#include "tst_message_mutation.moc"
