// The pin log's records: round trip, binding to the user and the personal DB, and refusal of
// entries written by anyone else or altered by the server.
#include "client/authorchains.h"
#include "client/pinlog.h"

#include <QTest>

using namespace tavern;
using namespace tavern::client;

class TestPinLog : public QObject
{
    Q_OBJECT

    crypto::Identity alice = crypto::randomIdentity(QStringLiteral("alice"));
    crypto::Identity mallory = crypto::randomIdentity(QStringLiteral("mallory"));

private Q_SLOTS:
    void roundTrip()
    {
        PinEntry e{1,  {}, PinKind::ContactPinned, QStringLiteral("bob"), QByteArray(64, '\x7'), 0,
                   {}, 42, QByteArray(16, '\x5')};
        auto d = decodePinEntry(encodePinEntry(e));
        QVERIFY(d.ok());
        QCOMPARE(d->subject, QStringLiteral("bob"));
        QCOMPARE(d->keys, e.keys);
        QCOMPARE(d->device, e.device);
        QCOMPARE(encodePinEntry(*d), encodePinEntry(e));
        PinEntry room{
            2, QByteArray(32, '\1'), PinKind::RoomHead, QStringLiteral("ab12"), {}, 9, QByteArray(32, '\2'), 0, {}};
        QVERIFY(decodePinEntry(encodePinEntry(room)).ok());
        room.hash.clear();
        QVERIFY(!decodePinEntry(encodePinEntry(room)).ok()); // a room pin needs its hash
    }

    void sealedEntriesOpenOnlyForTheUser()
    {
        const crypto::SecureBytes key = personalKey(alice);
        QVERIFY(key.equals(personalKey(alice.clone()).view())); // every device derives it
        QVERIFY(!key.equals(personalKey(mallory).view()));
        PinEntry e{1, {}, PinKind::ContactPinned, QStringLiteral("bob"), QByteArray(64, '\x7'), 0, {}, 0, {}};
        keg::Keg k = sealPinEntry(e, alice, key);
        auto opened = openPinEntry(k, alice, key);
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->first.subject, QStringLiteral("bob"));
        QCOMPARE(opened->second, keg::kegContentHash(k));

        // Written by someone else (even with the right key): refused.
        keg::Keg forged = sealPinEntry(e, mallory, key);
        QVERIFY(!openPinEntry(forged, alice, key).ok());
        // Moved into another DB, or altered: refused.
        keg::Keg moved = k;
        moved.dbId = keg::personalDbId(QStringLiteral("carol"));
        QVERIFY(!openPinEntry(moved, alice, key).ok());
        keg::Keg altered = k;
        altered.ciphertext[3] = char(altered.ciphertext[3] ^ 1);
        QVERIFY(!openPinEntry(altered, alice, key).ok());
    }

    void chainCatchesDropsAndReorders()
    {
        const crypto::SecureBytes key = personalKey(alice);
        AuthorChains chain;
        QByteArray prev(32, '\0');
        std::vector<keg::Keg> log;
        for (quint64 i = 1; i <= 3; ++i) {
            log.push_back(
                sealPinEntry({i, prev, PinKind::ContactVerified, QStringLiteral("bob"), {}, 0, {}, 0, {}}, alice, key));
            prev = keg::kegContentHash(log.back());
        }
        // The server withholds entry 2: the gap shows.
        for (int i : {0, 2}) {
            auto o = openPinEntry(log[std::size_t(i)], alice, key);
            QVERIFY(o.ok());
            QCOMPARE(chain.add(alice.username, o->first.counter, o->first.previousHash, o->second),
                     Placement::Accepted);
        }
        QCOMPARE(chain.missing(alice.username), (QList<quint64>{2}));
    }
};

QTEST_GUILESS_MAIN(TestPinLog)
#include "tst_pinlog.moc"
