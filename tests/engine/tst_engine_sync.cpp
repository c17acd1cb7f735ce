// Resumable sync and multi-device: a member whose device is off across two key rotations
// and 500 messages catches up exactly once when it comes back; a second device of the same
// account sees the first one's sends and room changes live.
#include "enginetest.h"

#include "protocol/ops.h"

#include <QCborArray>
#include <QCborMap>
#include <QSignalSpy>

using namespace tavern;
using namespace tavern::test;

class TestEngineSync : public QObject
{
    Q_OBJECT

    EngineWorld m_world;
    QString m_aliceSecret;
    std::unique_ptr<Session> m_alice, m_bob;
    QByteArray m_room;

    // Asks the server for everything after `s`'s cursor: empty when the device is caught up.
    static std::optional<int> kegsAfterCursor(Session &s, const QByteArray &dbId)
    {
        QCborMap body;
        body.insert(QStringLiteral("dbId"), dbId);
        body.insert(QStringLiteral("since"), qint64(cursor(s, dbId)));
        std::optional<Result<QCborMap>> answer;
        s.connection().request(protocol::op::KegList, body, [&](Result<QCborMap> r) { answer.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, WaitMs) || !*answer)
            return std::nullopt;
        return int((*answer)->value(QStringLiteral("kegs")).toArray().size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_world.start());
        m_aliceSecret = m_world.signup(QStringLiteral("alice"));
        QVERIFY(!m_aliceSecret.isEmpty());
        QVERIFY(!m_world.signup(QStringLiteral("bob")).isEmpty());
        QVERIFY(!m_world.signup(QStringLiteral("carol")).isEmpty());
        QVERIFY(!m_world.signup(QStringLiteral("dave")).isEmpty());
        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QVERIFY((m_bob = m_world.open(QStringLiteral("bob"))));
        auto room = m_alice->createRoom(QStringLiteral("Ops"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        m_room = *room;
        QVERIFY(m_alice->invite(m_room, QStringLiteral("bob"), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*m_bob, m_room), WaitMs);
        QVERIFY(m_bob->accept(m_room));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        QVERIFY(m_alice->send(m_room, QStringLiteral("hello")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_bob, m_room, QStringLiteral("hello")), 1, WaitMs);
    }

    void offlineAcrossRotationsCatchesUpOnce()
    {
        const quint64 cursorBefore = cursor(*m_bob, m_room);
        const qsizetype shownBefore = m_bob->messages(m_room).size();
        const quint32 generationBefore = generation(*m_bob, m_room);
        m_bob.reset(); // the device is off

        QVERIFY(sendMany(*m_alice, m_room, QStringLiteral("first"), 200));
        // Rotation 1: a since-join invitation starts a key that does not wrap the old one.
        auto carol = m_world.open(QStringLiteral("carol"));
        QVERIFY(carol);
        QVERIFY(m_alice->invite(m_room, QStringLiteral("carol"), keg::Role::Member, keg::HistoryPolicy::SinceJoin));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*carol, m_room), WaitMs);
        QVERIFY(carol->accept(m_room));
        QVERIFY(carol->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_alice->room(m_room)->head().version().member("carol")->state == keg::InviteState::Joined, WaitMs);
        QVERIFY(sendMany(*m_alice, m_room, QStringLiteral("second"), 150));
        // Rotation 2: carol is removed.
        QVERIFY(m_alice->remove(m_room, QStringLiteral("carol")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QVERIFY(sendMany(*m_alice, m_room, QStringLiteral("third"), 150));
        QCOMPARE(failedItems(*m_alice), 0);
        QCOMPARE(generation(*m_alice, m_room), generationBefore + 2);
        carol.reset();

        // Back on: one sync brings everything, once.
        QElapsedTimer t;
        t.start();
        QVERIFY((m_bob = m_world.open(QStringLiteral("bob"))));
        qInfo("bob caught up on 500 messages and 3 room versions in %lld ms", t.elapsed());
        QCOMPARE(generation(*m_bob, m_room), generationBefore + 2);
        for (quint32 g = 0; g <= generationBefore + 2; ++g)
            QVERIFY(m_bob->room(m_room)->keys().has(g));
        QCOMPARE(m_bob->messages(m_room).size(), shownBefore + 500);
        QVERIFY(showsEachOnce(*m_bob, m_room,
                              numbered(QStringLiteral("first"), 200) + numbered(QStringLiteral("second"), 150)
                                  + numbered(QStringLiteral("third"), 150)));
        QVERIFY(!hasDuplicates(*m_bob, m_room));
        QVERIFY(m_bob->missingCounters(m_room, QStringLiteral("alice")).isEmpty());
        const quint64 cursorAfter = cursor(*m_bob, m_room);
        QVERIFY(cursorAfter > cursorBefore);
        QCOMPARE(kegsAfterCursor(*m_bob, m_room), std::optional<int>(0));

        // A reconnect finds nothing new: same messages, same cursor.
        QSignalSpy synced(m_bob.get(), &Session::synced);
        m_bob->connection().stop();
        m_bob->start();
        QTRY_VERIFY_WITH_TIMEOUT(synced.count() >= 1, WaitMs);
        QCOMPARE(m_bob->messages(m_room).size(), shownBefore + 500);
        QCOMPARE(cursor(*m_bob, m_room), cursorAfter);
        QCOMPARE(m_bob->notices().size(), std::size_t(0));
    }

    // dave declines while alice, who invited him, is offline: the push is gone, so her
    // client finds the request when it syncs and carries it (a new key, dave removed).
    void departureWhileOfflineIsCarriedOnReconnect()
    {
        auto dave = m_world.open(QStringLiteral("dave"));
        QVERIFY(dave);
        QVERIFY(m_alice->invite(m_room, QStringLiteral("dave"), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*dave, m_room), WaitMs);
        const quint32 before = generation(*m_alice, m_room);
        m_alice.reset();
        QVERIFY(dave->decline(m_room));
        QVERIFY(dave->flushOutbox(WaitMs));
        QCOMPARE(failedItems(*dave), 0);

        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QTRY_VERIFY_WITH_TIMEOUT(!isMember(*m_alice, m_room, QStringLiteral("dave")), WaitMs);
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QCOMPARE(failedItems(*m_alice), 0);
        QCOMPARE(generation(*m_alice, m_room), before + 1);
        QCOMPARE(m_alice->room(m_room)->head().version().departureOf("dave")->kind, keg::DepartureKind::Declined);
        QTRY_VERIFY_WITH_TIMEOUT(!isMember(*m_bob, m_room, QStringLiteral("dave")), WaitMs);
    }

    // alice logs in on a second device with her account secret; each device sees what the
    // other sends as it happens (pushes; neither resyncs on its own).
    void secondDeviceSeesOwnSendsLive()
    {
        QVERIFY(m_world.login(QStringLiteral("alice2"), QStringLiteral("alice"), m_aliceSecret));
        auto alice2 = m_world.open(QStringLiteral("alice2"));
        QVERIFY(alice2);
        QCOMPARE(alice2->username(), QStringLiteral("alice"));
        QTRY_COMPARE_WITH_TIMEOUT(headVersion(*alice2, m_room), headVersion(*m_alice, m_room), WaitMs);
        QVERIFY(alice2->room(m_room)->keys().has(generation(*m_alice, m_room)));

        QSignalSpy changed(alice2.get(), &Session::messagesChanged);
        QVERIFY(m_alice->send(m_room, QStringLiteral("from device one")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*alice2, m_room, QStringLiteral("from device one")), 1, WaitMs);
        QVERIFY(changed.count() >= 1);

        QVERIFY(alice2->send(m_room, QStringLiteral("from device two")));
        QVERIFY(alice2->flushOutbox(WaitMs));
        QCOMPARE(failedItems(*alice2), 0);
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_alice, m_room, QStringLiteral("from device two")), 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_bob, m_room, QStringLiteral("from device two")), 1, WaitMs);
        // One author chain across both devices: device two continued device one's counter.
        const auto mine = m_alice->messages(m_room);
        QCOMPARE(mine.back().body, QStringLiteral("from device two"));
        QCOMPARE(mine.back().counter, mine.at(mine.size() - 2).counter + 1);
        QVERIFY(m_alice->missingCounters(m_room, QStringLiteral("alice")).isEmpty());

        // A room change made on one device shows on the other.
        QVERIFY(alice2->setSettings(m_room,
                                    {QStringLiteral("Ops (renamed on device two)"), {}, keg::HistoryPolicy::Shared}));
        QVERIFY(alice2->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->room(m_room)->head().version().name,
                                  QByteArray("Ops (renamed on device two)"), WaitMs);
        // A room created on device one shows on device two with its first message (no push
        // announces a new room; its first keg is news of it).
        auto created = m_alice->createRoom(QStringLiteral("Side"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(created, why(created).constData());
        QVERIFY(m_alice->send(*created, QStringLiteral("first in side room")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*alice2, *created, QStringLiteral("first in side room")), 1, WaitMs);
        QCOMPARE(alice2->rooms().size(), 2);

        for (Session *s : {m_alice.get(), alice2.get(), m_bob.get()}) {
            QVERIFY(!hasDuplicates(*s, m_room));
            QCOMPARE(s->notices().size(), std::size_t(0));
        }
    }

    // A device writes while it is offline and the other device of the same account writes
    // meanwhile: the offline messages are numbered in alice's one author chain when they go
    // out (after the device caught up), not when typed, so nobody sees two messages under
    // one counter (no false "message-chain" alarm, nothing quarantined).
    void writingOfflineOnTwoDevicesKeepsOneChain()
    {
        QVERIFY(m_world.login(QStringLiteral("alice-train"), QStringLiteral("alice"), m_aliceSecret));
        {
            auto first = m_world.open(QStringLiteral("alice-train"));
            QVERIFY(first);
            QTRY_COMPARE_WITH_TIMEOUT(headVersion(*first, m_room), headVersion(*m_alice, m_room), WaitMs);
        }
        auto train = m_world.open(QStringLiteral("alice-train"), false); // no network
        QVERIFY(train);
        QVERIFY(train->send(m_room, QStringLiteral("from the train 1")));
        QVERIFY(train->send(m_room, QStringLiteral("from the train 2")));
        QVERIFY(m_alice->send(m_room, QStringLiteral("at the desk 1")));
        QVERIFY(m_alice->send(m_room, QStringLiteral("at the desk 2")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        // Shown at once on the device that wrote them, waiting to be sent.
        QVERIFY(
            showsEachOnce(*train, m_room, {QStringLiteral("from the train 1"), QStringLiteral("from the train 2")}));

        train->start();
        QVERIFY(train->waitForSync(WaitMs));
        QVERIFY(train->flushOutbox(WaitMs));
        QCOMPARE(failedItems(*train), 0);
        const QStringList all{QStringLiteral("at the desk 1"), QStringLiteral("at the desk 2"),
                              QStringLiteral("from the train 1"), QStringLiteral("from the train 2")};
        for (Session *s : {m_alice.get(), train.get(), m_bob.get()}) {
            QTRY_VERIFY_WITH_TIMEOUT(showsEachOnce(*s, m_room, all), WaitMs);
            QVERIFY(!hasDuplicates(*s, m_room));
            QVERIFY(s->missingCounters(m_room, QStringLiteral("alice")).isEmpty());
            for (const storage::Notice &n : s->notices(m_room))
                QFAIL(qPrintable(QStringLiteral("%1 got a notice: %2 (%3)").arg(s->username(), n.kind, n.summary)));
        }
        // The train's messages continue the chain after the desk's.
        const auto mine = m_bob->messages(m_room);
        QCOMPARE(mine.at(mine.size() - 2).body, QStringLiteral("from the train 1"));
        QCOMPARE(mine.back().counter, mine.at(mine.size() - 3).counter + 2);
    }

    // A message typed offline is checked again when it goes out: carol writes on a plane,
    // alice removes her meanwhile; when carol's device comes back the message fails with the
    // reason (shown on it) and nothing reaches the room.
    void queuedMessageOfRemovedMemberFailsWithReason()
    {
        auto room = m_alice->createRoom(QStringLiteral("Plane"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        {
            auto carol = m_world.open(QStringLiteral("carol"));
            QVERIFY(carol);
            QVERIFY(inviteAndJoin(*m_alice, *carol, *room));
            QTRY_VERIFY_WITH_TIMEOUT(isMember(*carol, *room, QStringLiteral("carol")), WaitMs);
        }
        auto carol = m_world.open(QStringLiteral("carol"), false); // no network
        QVERIFY(carol);
        QVERIFY(carol->send(*room, QStringLiteral("typed on a plane")));
        QVERIFY(m_alice->remove(*room, QStringLiteral("carol")));
        QVERIFY(m_alice->flushOutbox(WaitMs));

        carol->start();
        QVERIFY(carol->waitForSync(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(failedItems(*carol), 1, WaitMs);
        const auto mine = carol->messages(*room);
        QCOMPARE(mine.size(), 1);
        QCOMPARE(mine.front().delivery, client::MessageView::Delivery::Failed);
        QVERIFY2(mine.front().error.contains(QStringLiteral("removed")), qPrintable(mine.front().error));
        // Refused by carol's own device, not sent and refused by the server (that adds a
        // send-failed notice).
        for (const storage::Notice &n : carol->notices(*room))
            QVERIFY2(n.kind != QLatin1String("send-failed"), qPrintable(n.summary));
    }

    // A server that rations requests (here 10 a second) answers part of a catch-up with
    // rate_limited: the device asks again a moment later instead of stopping halfway and
    // taking itself for up to date.
    void catchUpContinuesThroughRateLimit()
    {
        EngineWorld strict({QStringLiteral("--rate"), QStringLiteral("10"), QStringLiteral("--burst"),
                            QStringLiteral("10"), QStringLiteral("--max-page-size"), QStringLiteral("5")});
        QVERIFY(strict.start());
        QVERIFY(!strict.signup(QStringLiteral("erin")).isEmpty());
        QVERIFY(!strict.signup(QStringLiteral("frank")).isEmpty());
        auto erin = strict.open(QStringLiteral("erin"));
        auto frank = strict.open(QStringLiteral("frank"));
        QVERIFY(erin && frank);
        auto room = erin->createRoom(QStringLiteral("Rationed"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        QVERIFY(erin->invite(*room, QStringLiteral("frank"), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(erin->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*frank, *room), WaitMs);
        QVERIFY(frank->accept(*room));
        QVERIFY(frank->flushOutbox(WaitMs));
        frank.reset();
        QVERIFY(sendMany(*erin, *room, QStringLiteral("rationed"), 40)); // paced by the outbox's retries
        QCOMPARE(failedItems(*erin), 0);

        // Catching up takes more requests (8 pages and more) than the server allows at once.
        QVERIFY((frank = strict.open(QStringLiteral("frank"))));
        QCOMPARE(frank->messages(*room).size(), 40);
        QVERIFY(showsEachOnce(*frank, *room, numbered(QStringLiteral("rationed"), 40)));
    }
};

QTEST_GUILESS_MAIN(TestEngineSync)
#include "tst_engine_sync.moc"
