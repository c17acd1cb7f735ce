// Attacks on the message stream as a whole (issue 12, properties 6 to 8): the server skips
// collection versions (one author's only message, a page that does not start at the cursor,
// a hole between pages), marks a message deleted that nobody deleted, and lets a device's own
// pin log go back (an entry acknowledged but never stored, a log rolled back below the
// device's cursor). Each is refused with a notice, and nothing held is lost.
#include "attackworld.h"
#include "forge.h"
#include "keg/keg.h"

#include <QCborArray>
#include <QTemporaryDir>
#include <QTest>

using namespace tavern;
using namespace tavern::test;
namespace op = protocol::op;

namespace {

// The evidence of the session's notices of one kind, joined (for "names this range" checks).
QString evidenceOf(Session &s, const QByteArray &dbId, const QString &kind)
{
    QStringList out;
    for (const storage::Notice &n : s.notices(dbId)) {
        if (n.kind == kind)
            out << n.evidence;
    }
    return out.join(QStringLiteral(" | "));
}

QString authorOf(const QCborValue &entry)
{
    return entry.toMap().value(QStringLiteral("author")).toString();
}

} // namespace

class TestAttackStream : public QObject
{
    Q_OBJECT

    AttackWorld m_world;
    QTemporaryDir m_devices;

    // One of alice's devices more, logged in with her account secret through the proxy.
    std::unique_ptr<Session> device(const QString &user, const QString &secret, const QString &name)
    {
        const QString dir = m_devices.filePath(name);
        if (!Session::login(dir, m_world.proxy().url(), user, secret))
            return nullptr;
        auto s = Session::open(dir);
        if (!s)
            return nullptr;
        (*s)->connection().setBackoff(100, 1000);
        (*s)->start();
        if (!(*s)->waitForSync(Patience))
            return nullptr;
        return std::move(s).value();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_world.start(), qPrintable(m_world.server().logs())); }
    void cleanup() { m_world.proxy().clearRules(); }

    // Property 6 (DB): while bob is offline the server drops carol's only message (carol
    // never writes again, so no author chain can show the gap) and one message bob already
    // holds. Bob shows a "history-incomplete" marker naming the collection version; carol,
    // online throughout, sees nothing wrong; dave, new to the room, sees the holes from 0.
    // Nothing bob held disappears, and what the server serves again arrives.
    void p6_everyGapShows()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(alice && bob && carol);
        const QByteArray room = m_world.room(*alice, {bob.get(), carol.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("held by bob"), {bob.get(), carol.get()}));
        const ServerDb::KegRow held = m_world.db().kegs(room).last();

        bob->connection().stop();
        QVERIFY(m_world.say(*alice, room, QStringLiteral("a1"), {carol.get()}));
        QVERIFY(m_world.say(*carol, room, QStringLiteral("carol, once"), {alice.get()}));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("a2"), {carol.get()}));
        const QList<ServerDb::KegRow> rows = m_world.db().kegs(room);
        const ServerDb::KegRow carols = rows.at(rows.size() - 2);
        QCOMPARE(carols.author, carol->username());
        QVERIFY(m_world.db().deleteKeg(room, carols.kegId));
        QVERIFY(m_world.db().deleteKeg(room, held.kegId)); // the server stops serving it

        bob->connection().start();
        QTRY_COMPARE_WITH_TIMEOUT(shownCount(*bob, room, QStringLiteral("a2")), 1, Patience);
        QTRY_COMPARE_WITH_TIMEOUT(noticeCount(*bob, room, QStringLiteral("history-incomplete")), 1, Patience);
        const QString cv = QString::number(carols.collectionVersion);
        QVERIFY2(evidenceOf(*bob, room, QStringLiteral("history-incomplete"))
                     .contains(QStringLiteral("collection versions %1 not served").arg(cv)),
                 qPrintable(noticeDump(*bob, room)));
        QCOMPARE(bodies(*bob, room), list({"held by bob", "a1", "a2"}));
        // No author chain shows it: only the collection versions did.
        QVERIFY(bob->missingCounters(room, carol->username()).isEmpty());
        QCOMPARE(noticeCount(*bob, room, QStringLiteral("message-missing")), 0);
        // The second reader, online throughout, saw an honest stream.
        QCOMPARE(bodies(*carol, room), list({"held by bob", "a1", "carol, once", "a2"}));
        QCOMPARE(noticeCount(*carol, room, QStringLiteral("history-incomplete")), 0);

        // The server behaves again for carol's message (back where it was); bob restarts. He
        // asks for the hole once more at the end of that sync and gets it. The message the
        // server still does not serve stays shown from his cache.
        QVERIFY(m_world.db().restoreKeg(room, carols));
        bob = m_world.reopen(std::move(bob));
        QVERIFY(bob);
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*bob, room), list({"held by bob", "a1", "carol, once", "a2"}), Patience);
        QVERIFY(m_world.say(*alice, room, QStringLiteral("a3"), {bob.get(), carol.get()}));
        QCOMPARE(bodies(*bob, room), list({"held by bob", "a1", "carol, once", "a2", "a3"}));
        QCOMPARE(noticeCount(*bob, room, QStringLiteral("history-incomplete")), 1);

        // A reader new to the room lists it from 0: the message the server still withholds
        // is a hole for dave too (shown, not guessed), until it is served again.
        auto dave = m_world.account(QStringLiteral("dave"));
        QVERIFY(dave);
        QVERIFY(m_world.invite(*alice, room, *dave));
        QVERIFY(m_world.accept(*dave, room, {alice.get(), bob.get(), carol.get()}));
        QTRY_COMPARE_WITH_TIMEOUT(shownCount(*dave, room, QStringLiteral("a3")), 1, Patience);
        QTRY_COMPARE_WITH_TIMEOUT(noticeCount(*dave, room, QStringLiteral("history-incomplete")), 1, Patience);
        QVERIFY2(evidenceOf(*dave, room, QStringLiteral("history-incomplete"))
                     .contains(QStringLiteral("collection versions %1 not served").arg(held.collectionVersion)),
                 qPrintable(noticeDump(*dave, room)));
        QCOMPARE(shownCount(*dave, room, QStringLiteral("held by bob")), 0);
        // The server behaves: the message served again (as new, at the end of the collection).
        QVERIFY(m_world.db().restoreKeg(room, held));
        QVERIFY(m_world.db().rewriteKeg(room, held.kegId, held.data, alice->username(), true));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("a4"), {bob.get(), carol.get(), dave.get()}));
        QTRY_COMPARE_WITH_TIMEOUT(shownCount(*dave, room, QStringLiteral("held by bob")), 1, Patience);
        for (Session *s : {alice.get(), bob.get(), carol.get(), dave.get()})
            QCOMPARE(bodies(*s, room).size(), 6);
    }

    // Property 6 (PX): bob's catch-up page does not start at his cursor (its first keg left
    // out) and claims to end after a keg it does not carry (a hole between two pages).
    void p6_pageStartsAfterCursorAndSkipsBetweenPages()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("x0"), {bob.get()}));
        bob->connection().stop();
        for (const char *t : {"x1", "x2", "x3", "x4"})
            QVERIFY(alice->send(room, QString::fromUtf8(t)) && alice->flushOutbox(Patience));
        const QList<ServerDb::KegRow> rows = m_world.db().kegs(room);
        const quint64 first = rows.at(rows.size() - 4).collectionVersion;
        const quint64 last = rows.last().collectionVersion;
        int cut = 0;
        m_world.proxy().addRule([&](FaultProxy::Hop &hop) {
            if (hop.direction != FaultProxy::Direction::ToClient || hop.user != bob->username()
                || hop.frame.type != protocol::FrameType::Response || hop.frame.op != op::KegList || cut > 0)
                return FaultProxy::Verdict::Pass;
            QCborArray kegs = hop.frame.body.value(QStringLiteral("kegs")).toArray();
            if (kegs.size() != 4 || authorOf(kegs.at(0)) != alice->username()
                || quint64(kegs.at(0).toMap().value(QStringLiteral("collectionVersion")).toInteger()) != first)
                return FaultProxy::Verdict::Pass;
            // x2 and x3 only; "next" says the page ran to x4, and more follow.
            hop.frame.body.insert(QStringLiteral("kegs"), QCborArray{kegs.at(1), kegs.at(2)});
            hop.frame.body.insert(QStringLiteral("next"), qint64(last));
            hop.frame.body.insert(QStringLiteral("more"), true);
            hop.edited = true;
            ++cut;
            return FaultProxy::Verdict::Pass;
        });
        bob->connection().start();
        QTRY_COMPARE_WITH_TIMEOUT(cut, 1, Patience);
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*bob, room, QStringLiteral("history-incomplete")) >= 1, Patience);
        const QString evidence = evidenceOf(*bob, room, QStringLiteral("history-incomplete"));
        QVERIFY2(evidence.contains(QStringLiteral("%1, %2 not served").arg(first).arg(last)),
                 qPrintable(noticeDump(*bob, room)));
        // Nothing lost: the re-list for alice's broken chain fetches both.
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*bob, room), list({"x0", "x1", "x2", "x3", "x4"}), Patience);
        QVERIFY(bob->missingCounters(room, alice->username()).isEmpty());
        QCOMPARE(noticeCount(*alice, room, QStringLiteral("history-incomplete")), 0);
    }

    // Property 7: the server turns one of alice's messages into a tombstone (what keg.delete
    // does), which no member signed. Refused with a notice by every reader, the author too;
    // the message stays shown. A member who joins later never had it: told, not fooled.
    void p7_serverCannotDeleteSilently()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("keep me"), {bob.get()}));
        const ServerDb::KegRow victim = m_world.db().kegs(room).last();
        QVERIFY(m_world.say(*bob, room, QStringLiteral("after it"), {alice.get()}));

        QVERIFY(m_world.db().tombstone(room, victim.kegId));
        QVERIFY(m_world.say(*bob, room, QStringLiteral("next"), {alice.get()}));
        QVERIFY(m_world.resync(*bob)); // (his own message is not pushed back to him)
        for (Session *s : {alice.get(), bob.get()}) {
            QTRY_COMPARE_WITH_TIMEOUT(noticeCount(*s, room, QStringLiteral("server-deletion")), 1, Patience);
            QVERIFY2(evidenceOf(*s, room, QStringLiteral("server-deletion")).contains(client::hex(victim.kegId)),
                     qPrintable(noticeDump(*s, room)));
            QCOMPARE(bodies(*s, room), list({"keep me", "after it", "next"}));
            QCOMPARE(noticeCount(*s, room, QStringLiteral("history-incomplete")), 0); // its place is accounted for
        }
        // Still there after a restart, and a full sync does not take it away.
        bob = m_world.reopen(std::move(bob));
        QVERIFY(bob && m_world.resync(*bob));
        QCOMPARE(bodies(*bob, room), list({"keep me", "after it", "next"}));
        QCOMPARE(noticeCount(*bob, room, QStringLiteral("server-deletion")), 1);

        // Carol joins after the tombstone: she cannot show what she never received, and says so.
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(carol);
        QVERIFY(m_world.invite(*alice, room, *carol));
        QVERIFY(m_world.accept(*carol, room, {alice.get(), bob.get()}));
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*carol, room), list({"after it", "next"}), Patience);
        QTRY_COMPARE_WITH_TIMEOUT(noticeCount(*carol, room, QStringLiteral("server-deletion")), 1, Patience);
        QCOMPARE(noticeCount(*carol, room, QStringLiteral("history-incomplete")), 0);

        // The server behaves (the message back, live): carol gets it, nobody shows it twice.
        QVERIFY(m_world.db().undelete(room, victim.kegId, victim.data));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("last"), {bob.get(), carol.get()}));
        QTRY_COMPARE_WITH_TIMEOUT(shownCount(*carol, room, QStringLiteral("keep me")), 1, Patience);
        for (Session *s : {alice.get(), bob.get(), carol.get()}) {
            QCOMPARE(bodies(*s, room).size(), 4);
            QCOMPARE(shownCount(*s, room, QStringLiteral("keep me")), 1);
        }
        QCOMPARE(bodies(*bob, room), list({"keep me", "after it", "next", "last"}));
    }

    // Property 8: alice's own pin log. (PX) the server acknowledges her pin-log entry and
    // never stores it: her device (not only another one) notices at its next sync, and
    // keeps the decision. (DB) the log rolled back below her device's cursor: noticed there
    // too. Her second device sees the gap in her chain once she writes again.
    void p8_ownPinLogCannotGoBackUnseen()
    {
        const QString dir = m_devices.filePath(QStringLiteral("erin"));
        auto secret = Session::signup(dir, m_world.proxy().url(), QStringLiteral("erin"));
        QVERIFY2(secret, secret ? "" : qPrintable(secret.error().message));
        auto opened = Session::open(dir);
        QVERIFY(opened);
        std::unique_ptr<Session> erin = std::move(opened).value();
        erin->connection().setBackoff(100, 1000);
        erin->start();
        QVERIFY(erin->waitForSync(Patience));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(bob && carol);
        const QByteArray personal = keg::personalDbId(erin->username());

        QVERIFY(erin->lookupContact(bob->username()));
        QVERIFY(erin->flushOutbox(Patience));
        QVERIFY(m_world.resync(*erin));
        // The personal DB has its cursor (it was listed from 0 on every sync before).
        const quint64 cursor = *erin->cache().cursor(personal);
        QVERIFY(cursor > 0);
        QCOMPARE(cursor, m_world.db().kegs(personal).last().collectionVersion);
        QCOMPARE(erin->notices().size(), std::size_t(0));

        // (PX) acknowledged, never stored.
        const int rule = m_world.proxy().acknowledgeWithoutForwarding(erin->username(), personal);
        const int stored = int(m_world.db().kegs(personal).size());
        QVERIFY(erin->markVerified(bob->username()));
        QVERIFY(erin->flushOutbox(Patience));
        QCOMPARE(int(m_world.db().kegs(personal).size()), stored);
        m_world.proxy().removeRule(rule);
        QVERIFY(m_world.resync(*erin));
        QTRY_COMPARE_WITH_TIMEOUT(noticeCount(*erin, personal, QStringLiteral("pin-log")), 1, Patience);
        QVERIFY2(evidenceOf(*erin, personal, QStringLiteral("pin-log")).contains(QStringLiteral("acknowledged")),
                 qPrintable(noticeDump(*erin, personal)));
        QCOMPARE(erin->trust(bob->username()), client::Trust::Verified); // kept on this device

        // She writes again (stored this time); her second device sees the gap in her chain.
        QVERIFY(erin->lookupContact(carol->username()));
        QVERIFY(erin->flushOutbox(Patience));
        auto erin2 = device(erin->username(), *secret, QStringLiteral("erin2"));
        QVERIFY(erin2);
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*erin2, personal, QStringLiteral("pin-log")) >= 1, Patience);
        QCOMPARE(erin2->trust(carol->username()), client::Trust::TrustedOnFirstUse);

        // (DB) the log goes back below erin's cursor: her newest entry is gone.
        erin2.reset();
        QVERIFY(m_world.resync(*erin));
        const ServerDb::KegRow newest = m_world.db().kegs(personal).last();
        QCOMPARE(*erin->cache().cursor(personal), newest.collectionVersion);
        QCOMPARE(noticeCount(*erin, personal, QStringLiteral("rollback")), 0);
        QVERIFY(m_world.db().deleteKeg(personal, newest.kegId));
        QVERIFY(m_world.resync(*erin));
        QTRY_COMPARE_WITH_TIMEOUT(noticeCount(*erin, personal, QStringLiteral("rollback")), 1, Patience);
        QCOMPARE(erin->trust(carol->username()), client::Trust::TrustedOnFirstUse); // kept
        QCOMPARE(erin->trust(bob->username()), client::Trust::Verified);

        // Nothing lost once the server behaves: the entry back, no new notice.
        QVERIFY(m_world.db().restoreKeg(personal, newest));
        QVERIFY(m_world.resync(*erin));
        QCOMPARE(noticeCount(*erin, personal, QStringLiteral("rollback")), 1);
        QCOMPARE(erin->trust(carol->username()), client::Trust::TrustedOnFirstUse);
    }
};

QTEST_GUILESS_MAIN(TestAttackStream)
#include "tst_attack_stream.moc"
