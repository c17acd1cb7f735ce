// The room life cycle through the engine, several accounts in one process against the real
// server: invitations with both history choices, a decline that rotates the key, role
// changes (a moderator invites but cannot promote), a removal after which the removed member
// reads nothing new even with every key he held, and two admins editing the room at once.
#include "enginetest.h"

#include "keg/keg.h"
#include "protocol/errors.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QCborMap>

using namespace tavern;
using namespace tavern::test;

class TestEngineLifecycle : public QObject
{
    Q_OBJECT

    EngineWorld m_world;
    std::unique_ptr<Session> m_alice, m_bob, m_carol, m_dave;
    QByteArray m_room;

    // A room change or message queued by `s` has been acknowledged (or refused).
    static bool flushed(Session &s) { return s.flushOutbox(WaitMs); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_world.start());
        for (const char *user : {"alice", "bob", "carol", "dave", "erin"})
            QVERIFY(!m_world.signup(QString::fromLatin1(user)).isEmpty());
        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QVERIFY((m_bob = m_world.open(QStringLiteral("bob"))));
        QVERIFY((m_carol = m_world.open(QStringLiteral("carol"))));
        QVERIFY((m_dave = m_world.open(QStringLiteral("dave"))));
    }

    // An honest run raises no security notice on any device, after every step.
    void cleanup()
    {
        for (Session *s : {m_alice.get(), m_bob.get(), m_carol.get(), m_dave.get()}) {
            for (const auto &n : s->notices())
                qWarning("%s: notice %s: %s (%s)", qPrintable(s->username()), qPrintable(n.kind), qPrintable(n.summary),
                         qPrintable(n.evidence));
            QCOMPARE(s->notices().size(), std::size_t(0));
        }
    }

    // bob (shared history) reads what was said before he came; dave (since-join) does not,
    // and carol (since-join, still invited) holds no key that could open it.
    void invitationsWithHistoryChoices()
    {
        auto room = m_alice->createRoom(QStringLiteral("Ops"), QStringLiteral("on call"), keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        m_room = *room;
        QVERIFY(m_alice->send(m_room, QStringLiteral("before anyone")));
        QVERIFY(flushed(*m_alice));
        QVERIFY(m_alice->invite(m_room, QStringLiteral("bob"), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(m_alice->invite(m_room, QStringLiteral("carol"), keg::Role::Member, keg::HistoryPolicy::SinceJoin));
        QVERIFY(m_alice->invite(m_room, QStringLiteral("dave"), keg::Role::Member, keg::HistoryPolicy::SinceJoin));
        QVERIFY(flushed(*m_alice));
        QCOMPARE(failedItems(*m_alice), 0);

        // The invitations arrive live (pushes).
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*m_bob, m_room), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*m_carol, m_room), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*m_dave, m_room), WaitMs);
        QVERIFY(m_bob->room(m_room)->keys().has(0));
        QVERIFY(!m_carol->room(m_room)->keys().has(0));
        QVERIFY(!m_dave->room(m_room)->keys().has(0));

        QVERIFY(m_bob->accept(m_room));
        QVERIFY(m_dave->accept(m_room));
        QVERIFY(flushed(*m_bob));
        QVERIFY(flushed(*m_dave));
        QCOMPARE(failedItems(*m_bob) + failedItems(*m_dave), 0);
        QTRY_VERIFY_WITH_TIMEOUT(bodies(*m_bob, m_room).contains(QStringLiteral("before anyone")), WaitMs);

        QVERIFY(m_alice->send(m_room, QStringLiteral("welcome")));
        QVERIFY(flushed(*m_alice));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_dave, m_room, QStringLiteral("welcome")), 1, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_bob, m_room, QStringLiteral("welcome")), 1, WaitMs);
        QCOMPARE(bodies(*m_dave, m_room), QStringList{QStringLiteral("welcome")});
        QCOMPARE(bodies(*m_bob, m_room), (QStringList{QStringLiteral("before anyone"), QStringLiteral("welcome")}));
    }

    // carol declines: her signed request reaches alice's client as a push, which writes the
    // version that removes her with a new key, without anyone asking it to.
    void declineRotatesTheGeneration()
    {
        const quint32 before = generation(*m_alice, m_room);
        const quint64 version = headVersion(*m_alice, m_room);
        QVERIFY(isMember(*m_alice, m_room, QStringLiteral("carol")));
        QVERIFY(m_carol->decline(m_room));
        QVERIFY(flushed(*m_carol));
        QCOMPARE(failedItems(*m_carol), 0);

        QTRY_VERIFY_WITH_TIMEOUT(!isMember(*m_alice, m_room, QStringLiteral("carol")), WaitMs);
        QVERIFY(flushed(*m_alice));
        QCOMPARE(failedItems(*m_alice), 0);
        QCOMPARE(generation(*m_alice, m_room), before + 1);
        QCOMPARE(headVersion(*m_alice, m_room), version + 1);
        const keg::Departure *d = m_alice->room(m_room)->head().version().departureOf("carol");
        QVERIFY(d);
        QCOMPARE(d->kind, keg::DepartureKind::Declined);
        // The others follow and hold the new key; carol never gets it.
        for (Session *s : {m_bob.get(), m_dave.get()}) {
            QTRY_COMPARE_WITH_TIMEOUT(generation(*s, m_room), before + 1, WaitMs);
            QVERIFY(s->room(m_room)->keys().has(before + 1));
            QVERIFY(!isMember(*s, m_room, QStringLiteral("carol")));
        }
        QVERIFY(!m_carol->room(m_room)->keys().has(before + 1));
        QVERIFY(m_alice->send(m_room, QStringLiteral("after carol declined")));
        QVERIFY(flushed(*m_alice));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_bob, m_room, QStringLiteral("after carol declined")), 1, WaitMs);
        QVERIFY(!bodies(*m_carol, m_room).contains(QStringLiteral("after carol declined")));
    }

    // A role change takes effect at once: bob as moderator invites, but may not promote.
    void roleChangesTakeEffect()
    {
        QVERIFY(m_alice->setRole(m_room, QStringLiteral("bob"), keg::Role::Moderator));
        QVERIFY(flushed(*m_alice));
        QCOMPARE(failedItems(*m_alice), 0);
        QTRY_VERIFY_WITH_TIMEOUT(roleOf(*m_bob, m_room, QStringLiteral("bob")) == keg::Role::Moderator, WaitMs);

        QVERIFY(m_bob->invite(m_room, QStringLiteral("erin"), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(flushed(*m_bob));
        QCOMPARE(failedItems(*m_bob), 0);
        QTRY_VERIFY_WITH_TIMEOUT(isMember(*m_alice, m_room, QStringLiteral("erin")), WaitMs);
        QCOMPARE(m_alice->room(m_room)->head().version().member("erin")->invitedBy, QByteArray("bob"));

        const quint64 version = headVersion(*m_bob, m_room);
        QVERIFY(m_bob->setRole(m_room, QStringLiteral("dave"), keg::Role::Moderator));
        QVERIFY(flushed(*m_bob));
        const auto items = outbox(*m_bob);
        QVERIFY(!items.empty());
        const storage::OutboxItem &last = items.back();
        QCOMPARE(last.op, protocol::op::BootKegPut);
        QCOMPARE(last.state, storage::OutboxState::Failed);
        QVERIFY2(last.error.contains(QStringLiteral("may not change dave's role")), qPrintable(last.error));
        QCOMPARE(headVersion(*m_bob, m_room), version);
        QCOMPARE(roleOf(*m_alice, m_room, QStringLiteral("dave")), keg::Role::Member);
    }

    // Removed, bob keeps every key he ever held: none opens what is written afterwards, the
    // server no longer serves him the room, and his device shows nothing new.
    void removedMemberReadsNothingNew()
    {
        QVERIFY(m_alice->send(m_room, QStringLiteral("bob still here")));
        QVERIFY(flushed(*m_alice));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_bob, m_room, QStringLiteral("bob still here")), 1, WaitMs);
        const client::RoomState *bobRoom = m_bob->room(m_room);
        const quint32 bobGeneration = generation(*m_bob, m_room);
        std::vector<quint32> bobKeys;
        for (quint32 g = 0; g <= bobGeneration; ++g) {
            if (bobRoom->keys().has(g))
                bobKeys.push_back(g);
        }
        QCOMPARE(bobKeys.size(), std::size_t(bobGeneration + 1));

        QVERIFY(m_alice->remove(m_room, QStringLiteral("bob")));
        QVERIFY(flushed(*m_alice));
        QCOMPARE(failedItems(*m_alice), 0);
        QCOMPARE(generation(*m_alice, m_room), bobGeneration + 1);
        QVERIFY(m_alice->send(m_room, QStringLiteral("after bob left")));
        QVERIFY(flushed(*m_alice));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_dave, m_room, QStringLiteral("after bob left")), 1, WaitMs);

        // Bob's device: no new key, no new message.
        QVERIFY(!m_bob->room(m_room)->keys().has(bobGeneration + 1));
        QVERIFY(!bodies(*m_bob, m_room).contains(QStringLiteral("after bob left")));
        // The server refuses him the room's kegs.
        std::optional<Result<QCborMap>> answer;
        QCborMap list;
        list.insert(QStringLiteral("dbId"), m_room);
        m_bob->connection().request(protocol::op::KegList, list,
                                    [&](Result<QCborMap> r) { answer.emplace(std::move(r)); });
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), WaitMs);
        QVERIFY(!*answer);
        QCOMPARE(answer->code(), int(protocol::ErrorCode::Forbidden));
        // Even handed the ciphertext, none of his keys opens it.
        QByteArray kegId;
        for (const auto &m : m_dave->messages(m_room)) {
            if (m.body == QLatin1String("after bob left"))
                kegId = m.kegId;
        }
        // The keg as the server serves it (a member's client keeps no raw copy of room kegs).
        std::optional<Result<QCborMap>> page;
        m_dave->connection().request(protocol::op::KegList, list,
                                     [&](Result<QCborMap> r) { page.emplace(std::move(r)); });
        QTRY_VERIFY_WITH_TIMEOUT(page.has_value(), WaitMs);
        QVERIFY(*page);
        QByteArray wire;
        for (const QCborValue &e : (*page)->value(QStringLiteral("kegs")).toArray()) {
            if (e.toMap().value(QStringLiteral("kegId")).toByteArray() == kegId)
                wire = e.toMap().value(QStringLiteral("data")).toByteArray();
        }
        QVERIFY(!wire.isEmpty());
        auto k = keg::decodeKeg(wire);
        QVERIFY(k);
        QCOMPARE(k->generation, bobGeneration + 1);
        for (quint32 g : bobKeys) {
            auto plain =
                keg::openKeg(*k, m_room, kegId, *bobRoom->keys().get(g), m_alice->identity().signing.publicKey);
            QVERIFY(!plain);
        }
        // His cache keeps the room as he last saw it.
        QVERIFY(isMember(*m_bob, m_room, QStringLiteral("bob")));
        QVERIFY(!isMember(*m_alice, m_room, QStringLiteral("bob")));
    }

    // Two admins change the room at the same moment: both versions are built on the same
    // head; the server takes one, the other client re-reads, rebuilds on the new head and
    // lands its change too.
    void concurrentAdminEdits()
    {
        QVERIFY(m_alice->setRole(m_room, QStringLiteral("dave"), keg::Role::Admin));
        QVERIFY(flushed(*m_alice));
        QTRY_VERIFY_WITH_TIMEOUT(roleOf(*m_dave, m_room, QStringLiteral("dave")) == keg::Role::Admin, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(headVersion(*m_dave, m_room), headVersion(*m_alice, m_room), WaitMs);
        const quint64 start = headVersion(*m_alice, m_room);

        // Both queued in the same event-loop turn: each sends a version numbered start + 1.
        QVERIFY(m_alice->setSettings(
            m_room, {QStringLiteral("Ops renamed"), QStringLiteral("on call"), keg::HistoryPolicy::Shared}));
        QVERIFY(m_dave->setRole(m_room, QStringLiteral("erin"), keg::Role::Guest));
        QVERIFY(flushed(*m_alice));
        QVERIFY(flushed(*m_dave));
        QCOMPARE(failedItems(*m_alice) + failedItems(*m_dave), 0);

        // attempts counts the final outcome (sent) plus each lost race (conflict, rebuilt).
        const storage::OutboxItem aliceEdit = lastEdit(*m_alice), daveEdit = lastEdit(*m_dave);
        QCOMPARE(aliceEdit.state, storage::OutboxState::Sent);
        QCOMPARE(daveEdit.state, storage::OutboxState::Sent);
        const int conflicts = (aliceEdit.attempts - 1) + (daveEdit.attempts - 1);
        QCOMPARE(conflicts, 1); // exactly one lost the race and was rebuilt
        for (Session *s : {m_alice.get(), m_dave.get()}) {
            QTRY_COMPARE_WITH_TIMEOUT(headVersion(*s, m_room), start + 2, WaitMs);
            const auto &v = s->room(m_room)->head().version();
            QCOMPARE(v.name, QByteArray("Ops renamed"));
            QCOMPARE(roleOf(*s, m_room, QStringLiteral("erin")), keg::Role::Guest);
        }
        // An honest race is not a security event (cleanup() checks every device's notices).
    }

    // erin declines while two admins are online: both clients react to the push; one carries
    // the decline, the other finds nothing left to do. Neither reports a failure.
    void twoAdminsCarryOneDecline()
    {
        auto erin = m_world.open(QStringLiteral("erin"));
        QVERIFY(erin);
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*erin, m_room), WaitMs);
        const quint32 before = generation(*m_alice, m_room);
        QVERIFY(erin->decline(m_room));
        QVERIFY(flushed(*erin));
        QCOMPARE(failedItems(*erin), 0);
        for (Session *s : {m_alice.get(), m_dave.get()})
            QTRY_VERIFY_WITH_TIMEOUT(!isMember(*s, m_room, QStringLiteral("erin")), WaitMs);
        QVERIFY(flushed(*m_alice));
        QVERIFY(flushed(*m_dave));
        QCOMPARE(failedItems(*m_alice) + failedItems(*m_dave), 0);
        QCOMPARE(generation(*m_alice, m_room), before + 1);
        QTRY_COMPARE_WITH_TIMEOUT(headVersion(*m_dave, m_room), headVersion(*m_alice, m_room), WaitMs);
        QCOMPARE(generation(*m_dave, m_room), before + 1);
    }
};

QTEST_GUILESS_MAIN(TestEngineLifecycle)
#include "tst_engine_lifecycle.moc"
