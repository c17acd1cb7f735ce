// Attacks on the message stream (threat-model.md): A11 the server withholds one message of
// an author, A12 delivers two in the wrong order, A13 replays one as is or under a new keg
// id. Tampering through the fault proxy (in flight) and the server's SQLite file (stored).
#include "attackworld.h"
#include "forge.h"
#include "keg/keg.h"

#include <QCborArray>
#include <QSet>
#include <QTest>

using namespace tavern;
using namespace tavern::test;
namespace op = protocol::op;

namespace {

bool isKegListResponse(const FaultProxy::Hop &hop, const QString &user)
{
    return hop.direction == FaultProxy::Direction::ToClient && hop.user == user
           && hop.frame.type == protocol::FrameType::Response && hop.frame.op == op::KegList;
}

// Counts a user's keg.list requests for one DB that go back below a cursor the server already
// gave for that DB (the engine's re-request of a gap).
struct RelistCounter
{
    RelistCounter(QByteArray dbId, QString username) : db(std::move(dbId)), user(std::move(username)) {}
    QByteArray db;
    QString user;
    quint64 highestNext = 0;
    int relists = 0;
    QSet<QPair<int, quint64>> pending; // (link, request id) of this DB's keg.list requests

    void see(const FaultProxy::Hop &hop)
    {
        if (hop.user != user || hop.frame.op != op::KegList)
            return;
        if (hop.direction == FaultProxy::Direction::ToServer) {
            if (hop.frame.body.value(QStringLiteral("dbId")).toByteArray() != db)
                return;
            pending.insert({hop.link, hop.frame.id});
            if (quint64(hop.frame.body.value(QStringLiteral("since")).toInteger()) < highestNext)
                ++relists;
        } else if (pending.remove({hop.link, hop.frame.id})) {
            highestNext = std::max(highestNext, quint64(hop.frame.body.value(QStringLiteral("next")).toInteger()));
        }
    }
};

} // namespace

class TestAttackMessages : public QObject
{
    Q_OBJECT

    AttackWorld m_world;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_world.start(), qPrintable(m_world.server().logs())); }
    void cleanup() { m_world.proxy().clearRules(); }

    // A11: the proxy keeps one of alice's messages from bob (its push and its keg.list
    // entry). Bob shows a "missing" marker for it, never a complete history, also after a
    // restart; when the server delivers it after all, it takes its place in alice's order.
    void a11_withheldMessage()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("one"), {bob.get()}));

        QByteArray withheld; // alice's next upload, learnt on its way to the server
        int dropped = 0;
        const QString bobName = bob->username(); // bob's session is reopened below
        // Bob's keg.list requests that go back below a cursor the server already gave him:
        // the engine re-requests a gap once from an older cursor, never in a loop.
        RelistCounter counter(room, bobName);
        const int &relists = counter.relists;
        m_world.proxy().addRule([&](FaultProxy::Hop &hop) {
            counter.see(hop);
            return FaultProxy::Verdict::Pass;
        });
        m_world.proxy().addRule([&, bobName](FaultProxy::Hop &hop) {
            if (hop.direction == FaultProxy::Direction::ToServer && hop.user == alice->username()
                && hop.frame.op == op::KegPut && withheld.isEmpty()) {
                const auto kegs = hop.frame.body.value(QStringLiteral("kegs")).toArray();
                withheld = keg::decodeKeg(kegs.at(0).toByteArray())->kegId;
                return FaultProxy::Verdict::Pass;
            }
            if (withheld.isEmpty() || hop.direction != FaultProxy::Direction::ToClient || hop.user != bobName)
                return FaultProxy::Verdict::Pass;
            if (hop.frame.type == protocol::FrameType::Push && hop.frame.op == protocol::push::Keg
                && hop.frame.body.value(QStringLiteral("kegId")).toByteArray() == withheld) {
                ++dropped;
                return FaultProxy::Verdict::Drop;
            }
            if (isKegListResponse(hop, bobName)) {
                QCborArray kept;
                for (const QCborValue &e : hop.frame.body.value(QStringLiteral("kegs")).toArray()) {
                    if (e.toMap().value(QStringLiteral("kegId")).toByteArray() == withheld)
                        ++dropped;
                    else
                        kept.append(e);
                }
                hop.frame.body.insert(QStringLiteral("kegs"), kept);
                hop.edited = true;
            }
            return FaultProxy::Verdict::Pass;
        });
        QVERIFY(alice->send(room, QStringLiteral("two")) && alice->flushOutbox(Patience));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("three"), {bob.get()}));
        QVERIFY(dropped >= 1);
        QCOMPARE(bodies(*bob, room), list({"one", "three"}));
        QCOMPARE(bob->missingCounters(room, alice->username()), QList<quint64>{2});
        QVERIFY2(noticeCount(*bob, room, QStringLiteral("message-missing")) >= 1, qPrintable(noticeDump(*bob, room)));
        QCOMPARE(bodies(*alice, room), list({"one", "two", "three"})); // the author's history is intact
        QTRY_COMPARE_WITH_TIMEOUT(relists, 1, Patience);               // asked again once; the server withheld it again

        // The marker is state, not a passing event: it survives a restart.
        bob = m_world.reopen(std::move(bob));
        QVERIFY(bob);
        QCOMPARE(bodies(*bob, room), list({"one", "three"}));
        QCOMPARE(bob->missingCounters(room, alice->username()), QList<quint64>{2});

        // The room goes on; the gap stays marked.
        QVERIFY(m_world.say(*alice, room, QStringLiteral("four"), {bob.get()}));
        QCOMPARE(bob->missingCounters(room, alice->username()), QList<quint64>{2});

        QCOMPARE(relists, 1); // no new gap, no new re-request (also not after the restart)

        // The server delivers it after all (it was stored all along): nothing lost.
        m_world.proxy().clearRules();
        auto row = m_world.db().keg(room, withheld);
        QVERIFY(row);
        QVERIFY(m_world.db().rewriteKeg(room, withheld, row->data, alice->username(), true));
        QVERIFY(m_world.proxy().injectToClient(bob->username(), kegPush(room, *m_world.db().keg(room, withheld))) >= 1);
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*bob, room), list({"one", "two", "three", "four"}), Patience);
        QVERIFY(bob->missingCounters(room, alice->username()).isEmpty());
        QVERIFY(noticeCount(*bob, room, QStringLiteral("message-order")) >= 1);
    }

    // A11, a message the server only delayed: a keg.list page leaves it out once (the
    // cursor moves past it). When bob's client sees the gap it lists the DB again from the
    // cursor of alice's message before the gap, once, and recovers it: no push, no restart.
    void a11_delayedMessageIsRecovered()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("one"), {bob.get()}));

        QByteArray delayed;
        int dropped = 0;
        RelistCounter counter(room, bob->username());
        m_world.proxy().addRule([&](FaultProxy::Hop &hop) {
            counter.see(hop);
            if (hop.direction == FaultProxy::Direction::ToServer && hop.user == alice->username()
                && hop.frame.op == op::KegPut && delayed.isEmpty()) {
                delayed =
                    keg::decodeKeg(hop.frame.body.value(QStringLiteral("kegs")).toArray().at(0).toByteArray())->kegId;
                return FaultProxy::Verdict::Pass;
            }
            if (hop.user != bob->username() || hop.frame.op != op::KegList)
                return FaultProxy::Verdict::Pass;
            if (hop.direction == FaultProxy::Direction::ToServer)
                return FaultProxy::Verdict::Pass;
            if (dropped == 0 && !delayed.isEmpty()) { // only the first page that holds it
                QCborArray kept;
                for (const QCborValue &e : hop.frame.body.value(QStringLiteral("kegs")).toArray()) {
                    if (e.toMap().value(QStringLiteral("kegId")).toByteArray() == delayed)
                        ++dropped;
                    else
                        kept.append(e);
                }
                hop.frame.body.insert(QStringLiteral("kegs"), kept);
                hop.edited = true;
            }
            return FaultProxy::Verdict::Pass;
        });
        QVERIFY(alice->send(room, QStringLiteral("two")) && alice->flushOutbox(Patience));
        QTRY_COMPARE_WITH_TIMEOUT(dropped, 1, Patience);
        QCOMPARE(bodies(*bob, room), list({"one"})); // bob's cursor is past "two" now
        QVERIFY(alice->send(room, QStringLiteral("three")) && alice->flushOutbox(Patience));
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*bob, room), list({"one", "two", "three"}), Patience);
        QVERIFY(bob->missingCounters(room, alice->username()).isEmpty());
        QCOMPARE(counter.relists, 1);
        QCOMPARE(dropped, 1);
        // It was missing for a moment, and came late: both are on record.
        QVERIFY2(noticeCount(*bob, room, QStringLiteral("message-missing")) >= 1, qPrintable(noticeDump(*bob, room)));
        QVERIFY(noticeCount(*bob, room, QStringLiteral("message-order")) >= 1);
        QCOMPARE(shownCount(*bob, room, QStringLiteral("three")), 1); // the re-list applied nothing twice
        QCOMPARE(noticeCount(*bob, room, QStringLiteral("replay")), 0);
    }

    // The other side of A11: a newcomer invited "since-join" can't read what was written
    // before, so it is not "missing" (a marker there would cry wolf and hide real gaps).
    void a11_sinceJoinHistoryIsNotMissing()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(alice && carol);
        const QByteArray room = m_world.room(*alice, {});
        QVERIFY(!room.isEmpty());
        for (const char *text : {"old 1", "old 2", "old 3"})
            QVERIFY(alice->send(room, QString::fromUtf8(text)) && alice->flushOutbox(Patience));
        QVERIFY(alice->invite(room, carol->username(), keg::Role::Member, keg::HistoryPolicy::SinceJoin));
        QVERIFY(alice->flushOutbox(Patience));
        QTRY_VERIFY_WITH_TIMEOUT(memberOf(*carol, room, carol->username()).has_value(), Patience);
        QVERIFY(m_world.accept(*carol, room, {alice.get()}));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("new 4"), {carol.get()}));
        QCOMPARE(bodies(*carol, room), list({"new 4"}));
        QVERIFY(carol->missingCounters(room, alice->username()).isEmpty());
        QCOMPARE(noticeCount(*carol, room, QStringLiteral("message-missing")), 0);
        QVERIFY2(carol->notices(room).empty(), qPrintable(noticeDump(*carol, room)));
    }

    // A12: two of alice's messages reach bob in the wrong order, rewritten in flight (the
    // positions and collection versions in a keg.list page swapped) and stored swapped on
    // the server. Bob shows alice's messages in her order.
    void a12_wrongOrder()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("first"), {bob.get()}));

        // (PX) bob offline while alice writes two; his catch-up page arrives reordered.
        bob->connection().stop();
        for (const char *text : {"second", "third"})
            QVERIFY(alice->send(room, QString::fromUtf8(text)) && alice->flushOutbox(Patience));
        int swapped = 0;
        m_world.proxy().addRule([&](FaultProxy::Hop &hop) {
            if (!isKegListResponse(hop, bob->username()))
                return FaultProxy::Verdict::Pass;
            QCborArray kegs = hop.frame.body.value(QStringLiteral("kegs")).toArray();
            if (kegs.size() < 2)
                return FaultProxy::Verdict::Pass;
            // The room's page only (bob's personal DB, his pin log, is synced too).
            auto first = keg::decodeKeg(kegs.at(0).toMap().value(QStringLiteral("data")).toByteArray());
            if (!first || first->dbId != room)
                return FaultProxy::Verdict::Pass;
            QCborMap a = kegs.at(0).toMap(), b = kegs.at(1).toMap();
            const QCborValue cv = a.value(QStringLiteral("collectionVersion"));
            a.insert(QStringLiteral("collectionVersion"), b.value(QStringLiteral("collectionVersion")));
            b.insert(QStringLiteral("collectionVersion"), cv);
            kegs[0] = b;
            kegs[1] = a;
            hop.frame.body.insert(QStringLiteral("kegs"), kegs);
            hop.edited = true;
            ++swapped;
            return FaultProxy::Verdict::Pass;
        });
        bob->connection().start();
        QTRY_VERIFY_WITH_TIMEOUT(shownCount(*bob, room, QStringLiteral("second")) == 1
                                     && shownCount(*bob, room, QStringLiteral("third")) == 1,
                                 Patience);
        QCOMPARE(swapped, 1);
        QCOMPARE(bodies(*bob, room), list({"first", "second", "third"}));
        QVERIFY2(noticeCount(*bob, room, QStringLiteral("message-order")) >= 1, qPrintable(noticeDump(*bob, room)));
        QVERIFY(bob->missingCounters(room, alice->username()).isEmpty());
        m_world.proxy().clearRules();

        // (DB) the server stores two messages in swapped order.
        const int before = noticeCount(*bob, room, QStringLiteral("message-order"));
        bob->connection().stop();
        for (const char *text : {"fourth", "fifth"})
            QVERIFY(alice->send(room, QString::fromUtf8(text)) && alice->flushOutbox(Patience));
        const auto rows = m_world.db().kegs(room);
        QVERIFY(m_world.db().swapOrder(room, rows[rows.size() - 2].kegId, rows.last().kegId));
        bob->connection().start();
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*bob, room).size(), 5, Patience);
        QCOMPARE(bodies(*bob, room), list({"first", "second", "third", "fourth", "fifth"}));
        QVERIFY(noticeCount(*bob, room, QStringLiteral("message-order")) > before);

        // Nothing lost; the room goes on in both directions.
        QVERIFY(m_world.say(*bob, room, QStringLiteral("bob answers"), {alice.get()}));
        const QStringList all = list({"first", "second", "third", "fourth", "fifth", "bob answers"});
        QCOMPARE(bodies(*bob, room), all);
        QCOMPARE(bodies(*alice, room), all);
    }

    // A13: one of alice's messages replayed: twice in one page (proxy), moved to the end of
    // the collection as is (DB), and stored under a new keg id (DB). Shown once each time.
    void a13_replay()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("only once"), {bob.get()}));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("second"), {bob.get()}));
        const ServerDb::KegRow original = m_world.db().kegs(room).first();

        // (PX) the next page carries a copy of it at a later position.
        int replayed = 0;
        m_world.proxy().addRule([&](FaultProxy::Hop &hop) {
            if (!isKegListResponse(hop, bob->username()) || replayed > 0)
                return FaultProxy::Verdict::Pass;
            QCborArray kegs = hop.frame.body.value(QStringLiteral("kegs")).toArray();
            if (kegs.isEmpty())
                return FaultProxy::Verdict::Pass;
            QCborMap copy = kegEntry(original);
            copy.insert(QStringLiteral("collectionVersion"),
                        kegs.last().toMap().value(QStringLiteral("collectionVersion")).toInteger() + 1);
            kegs.append(copy);
            hop.frame.body.insert(QStringLiteral("kegs"), kegs);
            hop.edited = true;
            ++replayed;
            return FaultProxy::Verdict::Pass;
        });
        QVERIFY(m_world.say(*alice, room, QStringLiteral("third"), {bob.get()}));
        QCOMPARE(replayed, 1);
        QCOMPARE(shownCount(*bob, room, QStringLiteral("only once")), 1);
        QVERIFY2(noticeCount(*bob, room, QStringLiteral("replay")) >= 1, qPrintable(noticeDump(*bob, room)));
        m_world.proxy().clearRules();

        // (PX) every frame to bob delivered twice: pushes and answers alike.
        int doubled = 0;
        m_world.proxy().addRule([&](FaultProxy::Hop &hop) {
            if (hop.direction != FaultProxy::Direction::ToClient || hop.user != bob->username())
                return FaultProxy::Verdict::Pass;
            ++doubled;
            return FaultProxy::Verdict::Duplicate;
        });
        QVERIFY(m_world.say(*alice, room, QStringLiteral("twice?"), {bob.get()}));
        QVERIFY(doubled >= 2);
        QVERIFY(m_world.resync(*bob));
        QCOMPARE(shownCount(*bob, room, QStringLiteral("twice?")), 1);
        m_world.proxy().clearRules();

        // (DB) the same keg moved to the end of the collection, as if it were new.
        int notices = noticeCount(*bob, room, QStringLiteral("replay"));
        QVERIFY(m_world.db().rewriteKeg(room, original.kegId, original.data, alice->username(), true));
        QVERIFY(m_world.proxy().injectToClient(bob->username(), kegPush(room, *m_world.db().keg(room, original.kegId)))
                >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*bob, room, QStringLiteral("replay")) > notices, Patience);
        QCOMPARE(shownCount(*bob, room, QStringLiteral("only once")), 1);

        // (DB) the same bytes stored under a new keg id.
        notices = noticeCount(*bob, room, QStringLiteral("replay"));
        const QByteArray copyId = keg::newKegId();
        QVERIFY(m_world.db().insertKeg(room, copyId, original.data, alice->username(), 0));
        QVERIFY(m_world.proxy().injectToClient(bob->username(), kegPush(room, *m_world.db().keg(room, copyId))) >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*bob, room, QStringLiteral("replay")) > notices, Patience);
        QCOMPARE(shownCount(*bob, room, QStringLiteral("only once")), 1);

        // Nothing lost, nothing doubled, no gap; the room goes on. Alice's own device met
        // the same copies and shows hers once too.
        QVERIFY(m_world.say(*alice, room, QStringLiteral("after"), {bob.get()}));
        const QStringList all = list({"only once", "second", "third", "twice?", "after"});
        QCOMPARE(bodies(*bob, room), all);
        QVERIFY(bob->missingCounters(room, alice->username()).isEmpty());
        QVERIFY(m_world.resync(*alice));
        QCOMPARE(bodies(*alice, room), all);
    }
};

QTEST_GUILESS_MAIN(TestAttackMessages)
#include "tst_attack_messages.moc"
