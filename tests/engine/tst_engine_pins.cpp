// The pin log across devices: what one device of alice pins and verifies, a device she adds
// later inherits; a server that drops a pin-log entry or rolls a room back below a pinned
// head is caught by a fresh device. Removed members' devices learn it (access.revoked or a
// forbidden answer) and stop listing and sending to the room.
#include "enginetest.h"
#include "serverdb.h"

#include "keg/keg.h"

using namespace tavern;
using namespace tavern::test;

namespace {
bool hasNotice(Session &s, const QString &kind, const QByteArray &dbId = {})
{
    for (const auto &n : s.notices(dbId)) {
        if (n.kind == kind)
            return true;
    }
    return false;
}

void dumpNotices(Session &s)
{
    for (const auto &n : s.notices())
        qWarning("%s: notice %s: %s (%s)", qPrintable(s.username()), qPrintable(n.kind), qPrintable(n.summary),
                 qPrintable(n.evidence));
}
} // namespace

class TestEnginePins : public QObject
{
    Q_OBJECT

    EngineWorld m_world;
    QString m_aliceSecret;
    std::unique_ptr<Session> m_alice;

    // A new device of alice, logged in with her secret and synced once.
    std::unique_ptr<Session> newDevice(const QString &profile)
    {
        if (!m_world.login(profile, QStringLiteral("alice"), m_aliceSecret))
            return nullptr;
        return m_world.open(profile);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_world.start());
        m_aliceSecret = m_world.signup(QStringLiteral("alice"));
        QVERIFY(!m_aliceSecret.isEmpty());
        for (const char *u : {"bob", "carol", "dave"})
            QVERIFY(!m_world.signup(QString::fromLatin1(u)).isEmpty());
        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
    }

    void newDeviceInheritsPins()
    {
        auto bob = m_alice->lookupContact(QStringLiteral("bob"));
        QVERIFY2(bob, why(bob).constData());
        QVERIFY(m_alice->markVerified(QStringLiteral("bob")));
        QVERIFY(m_alice->lookupContact(QStringLiteral("carol")));
        auto room = m_alice->createRoom(QStringLiteral("Pinned"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QCOMPARE(failedItems(*m_alice), 0);

        auto alice2 = newDevice(QStringLiteral("alice2"));
        QVERIFY(alice2);
        // Inherited before the device saw bob anywhere itself.
        QCOMPARE(alice2->trust(QStringLiteral("bob")), client::Trust::Verified);
        const auto pinned = alice2->pinnedContact(QStringLiteral("bob"));
        QVERIFY(pinned);
        QCOMPARE(pinned->signPublicKey, bob->signPublicKey);
        QCOMPARE(pinned->boxPublicKey, bob->boxPublicKey);
        QCOMPARE(alice2->trust(QStringLiteral("carol")), client::Trust::TrustedOnFirstUse);
        const auto head = alice2->loggedRoomPin(*room);
        QVERIFY(head);
        QCOMPARE(head->first, headVersion(*m_alice, *room));
        QCOMPARE(head->second, m_alice->room(*room)->head().hash());

        // Live: a verification on device one reaches device two through the personal DB.
        QVERIFY(m_alice->markVerified(QStringLiteral("carol")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(alice2->trust(QStringLiteral("carol")), client::Trust::Verified, WaitMs);
        // And the other way: device two pins dave, device one takes it.
        QVERIFY(alice2->lookupContact(QStringLiteral("dave")));
        QVERIFY(alice2->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->pinnedContact(QStringLiteral("dave")).has_value(), WaitMs);

        for (Session *s : {m_alice.get(), alice2.get()}) {
            dumpNotices(*s);
            QCOMPARE(s->notices().size(), std::size_t(0));
        }
    }

    // The server drops one of the pin log's entries: a fresh device sees the gap.
    void droppedPinEntryIsNoticed()
    {
        ServerDb db(m_world.server().databasePath());
        QVERIFY2(db.open(), qPrintable(db.lastError()));
        const QByteArray personal = keg::personalDbId(QStringLiteral("alice"));
        const auto kegs = db.kegs(personal);
        QVERIFY(kegs.size() >= 3);
        // The second entry device one wrote (bob verified): one in the middle of its chain.
        QVERIFY2(db.deleteKeg(personal, kegs.at(1).kegId), qPrintable(db.lastError()));

        auto alice3 = newDevice(QStringLiteral("alice3"));
        QVERIFY(alice3);
        QTRY_VERIFY_WITH_TIMEOUT(hasNotice(*alice3, QStringLiteral("pin-log"), personal), WaitMs);
        // What did arrive is still adopted.
        QVERIFY(alice3->pinnedContact(QStringLiteral("bob")).has_value());
    }

    // The server rolls a room back below the head alice's devices pinned: a new device,
    // which holds nothing of the room yet, still catches it through the pin log.
    void roomRollbackOnNewDeviceIsNoticed()
    {
        auto room = m_alice->createRoom(QStringLiteral("Rolled"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        QVERIFY(m_alice->flushOutbox(WaitMs));
        const quint64 first = headVersion(*m_alice, *room);
        QVERIFY(m_alice->setSettings(*room, {QStringLiteral("Rolled twice"), {}, keg::HistoryPolicy::Shared}));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(headVersion(*m_alice, *room), first + 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->loggedRoomPin(*room).value_or(std::pair{quint64(0), QByteArray()}).first,
                                  first + 1, WaitMs);
        QVERIFY(m_alice->flushOutbox(WaitMs));

        ServerDb db(m_world.server().databasePath());
        QVERIFY2(db.open(), qPrintable(db.lastError()));
        QVERIFY2(db.deleteBootKegsFrom(*room, first + 1), qPrintable(db.lastError()));

        auto alice4 = newDevice(QStringLiteral("alice4"));
        QVERIFY(alice4);
        QTRY_VERIFY_WITH_TIMEOUT(hasNotice(*alice4, QStringLiteral("rollback"), *room), WaitMs);
        QCOMPARE(headVersion(*alice4, *room), first);
    }

    // bob is removed while online (access.revoked), carol while offline (forbidden when she
    // syncs): neither lists the room any more, and sending says why.
    void removedMembersLearnIt()
    {
        auto bob = m_world.open(QStringLiteral("bob"));
        auto carol = m_world.open(QStringLiteral("carol"));
        QVERIFY(bob && carol);
        auto room = m_alice->createRoom(QStringLiteral("Shrinking"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        for (auto *s : {bob.get(), carol.get()})
            QVERIFY(m_alice->invite(*room, s->username(), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        for (auto *s : {bob.get(), carol.get()}) {
            QTRY_VERIFY_WITH_TIMEOUT(isInvited(*s, *room), WaitMs);
            QVERIFY(s->accept(*room));
            QVERIFY(s->flushOutbox(WaitMs));
        }
        QTRY_VERIFY_WITH_TIMEOUT(isMember(*m_alice, *room, QStringLiteral("carol"))
                                     && isMember(*m_alice, *room, QStringLiteral("bob")),
                                 WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(isMember(*carol, *room, QStringLiteral("bob")), WaitMs);
        QCOMPARE(carol->rooms().size(), 1);

        carol.reset(); // offline
        QVERIFY(m_alice->remove(*room, QStringLiteral("bob")));
        QVERIFY(m_alice->remove(*room, QStringLiteral("carol")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QCOMPARE(failedItems(*m_alice), 0);

        QTRY_VERIFY_WITH_TIMEOUT(bob->isRevoked(*room), WaitMs);
        QVERIFY((carol = m_world.open(QStringLiteral("carol"))));
        QTRY_VERIFY_WITH_TIMEOUT(carol->isRevoked(*room), WaitMs);
        for (auto *s : {bob.get(), carol.get()}) {
            QVERIFY(s->rooms().isEmpty());
            auto sent = s->send(*room, QStringLiteral("still here?"));
            QVERIFY(!sent);
            QVERIFY2(sent.error().message.contains(QStringLiteral("removed")), qPrintable(sent.error().message));
        }
        // Kept across a restart of the device.
        bob.reset();
        QVERIFY((bob = m_world.open(QStringLiteral("bob"), false)));
        QVERIFY(bob->isRevoked(*room));
        QVERIFY(bob->rooms().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEnginePins)
#include "tst_engine_pins.moc"
