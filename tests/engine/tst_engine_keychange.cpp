// A key change people can live through (issue 13), against the real server and real
// Sessions: bob loses his secret, the operator resets his account with the real
// `tavern-server admin reset-user`, bob signs up again under the same name. alice sees one
// warning (and her second device no other), accepts, re-adds bob with the new key; bob reads
// and writes in the room again; alice restarts and reconnects three times and no new
// warning appears.
#include "enginetest.h"

#include "client/keytrust.h"
#include "keg/keg.h"

#include <QProcess>
#include <QSignalSpy>

using namespace tavern;
using namespace tavern::test;
using client::KeyTrust;
using client::SessionError;
using client::Trust;

namespace {
const QString Alice = QStringLiteral("alice");
const QString Bob = QStringLiteral("bob");

// Notices of one kind about bob's key `sign` (evidence "contact bob key <hex>").
int keyNotices(Session &s, const QString &kind, const QByteArray &sign)
{
    int n = 0;
    const QString evidence = QStringLiteral("contact bob key %1").arg(client::hex(sign));
    for (const auto &notice : s.notices())
        n += notice.kind == kind && notice.evidence == evidence;
    return n;
}

// Every warning about bob that the user still has to act on.
int openBobWarnings(Session &s)
{
    int n = 0;
    for (const auto &notice : s.notices()) {
        const bool warning = notice.kind == QLatin1String("key-changed") || notice.kind == QLatin1String("mismatch")
                             || notice.kind == QLatin1String("readd-needed");
        n += warning && notice.summary.contains(Bob) && !s.keyTrust().isResolved(notice);
    }
    return n;
}

QString dump(Session &s)
{
    QStringList out;
    for (const auto &n : s.notices())
        out << QStringLiteral("[%1] %2 (%3)").arg(n.kind, n.summary, n.evidence);
    return out.join(u'\n');
}

// The keys a session's verified head lists for a member (empty if not a member).
QByteArray memberKey(Session &s, const QByteArray &roomId, const QString &user)
{
    const client::RoomState *room = s.room(roomId);
    const keg::Member *m = room && room->started() ? room->head().version().member(user.toUtf8()) : nullptr;
    return m ? m->signPublicKey : QByteArray();
}
} // namespace

class TestEngineKeyChange : public QObject
{
    Q_OBJECT

    EngineWorld m_world;

    // Restarts the server (every session reconnects) and waits for each session's full sync.
    bool bounce(const QList<Session *> &sessions)
    {
        std::vector<std::unique_ptr<QSignalSpy>> spies;
        for (Session *s : sessions)
            spies.push_back(std::make_unique<QSignalSpy>(s, &Session::synced));
        if (m_world.server().terminate() != 0 || !m_world.server().restart())
            return false;
        return QTest::qWaitFor(
            [&] { return std::all_of(spies.begin(), spies.end(), [](const auto &s) { return !s->isEmpty(); }); },
            WaitMs);
    }

    // Runs the real binary's admin command against the (stopped) server's database.
    bool resetUser(const QString &user, QString *log)
    {
        QProcess admin;
        admin.start(QStringLiteral(TAVERN_SERVER_BINARY),
                    {QStringLiteral("admin"), QStringLiteral("reset-user"), user, QStringLiteral("--yes"),
                     QStringLiteral("--storage"), QStringLiteral("sqlite:") + m_world.server().databasePath()});
        if (!admin.waitForFinished(30000))
            return false;
        *log = QString::fromUtf8(admin.readAllStandardOutput() + admin.readAllStandardError());
        return admin.exitStatus() == QProcess::NormalExit && admin.exitCode() == 0;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_world.start()); }

    void resetSignupAcceptReaddRestart()
    {
        const QString aliceSecret = m_world.signup(Alice);
        QVERIFY(!aliceSecret.isEmpty() && !m_world.signup(Bob).isEmpty());
        QVERIFY(m_world.login(QStringLiteral("alice-laptop"), Alice, aliceSecret));
        auto alice = m_world.open(Alice);
        auto laptop = m_world.open(QStringLiteral("alice-laptop"));
        auto oldBob = m_world.open(Bob);
        QVERIFY(alice && laptop && oldBob);
        auto room = alice->createRoom(QStringLiteral("Ops"), {}, keg::HistoryPolicy::Shared);
        QVERIFY(room);
        QVERIFY(inviteAndJoin(*alice, *oldBob, *room));
        QVERIFY(alice->send(*room, QStringLiteral("before the reset")));
        QVERIFY(alice->flushOutbox(WaitMs));
        QVERIFY(QTest::qWaitFor([&] { return countBody(*oldBob, *room, QStringLiteral("before the reset")) == 1; },
                                WaitMs));
        QVERIFY(oldBob->send(*room, QStringLiteral("old bob here")));
        QVERIFY(oldBob->flushOutbox(WaitMs));
        QVERIFY(QTest::qWaitFor([&] { return countBody(*alice, *room, QStringLiteral("old bob here")) == 1; }, WaitMs));
        const QByteArray oldKey = oldBob->identity().signing.publicKey;
        QVERIFY(QTest::qWaitFor([&] { return laptop->pinnedContact(Bob).has_value(); }, WaitMs));

        // bob lost his secret: his device is gone, the operator resets the account.
        oldBob.reset();
        alice.reset();
        QCOMPARE(m_world.server().terminate(), 0);
        QString log;
        QVERIFY2(resetUser(Bob, &log), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("event=admin.reset-user")) && log.contains(QLatin1String("user=bob")),
                 qPrintable(log));
        QVERIFY2(m_world.server().restart(), qPrintable(m_world.server().logs()));
        QVERIFY(Session::signup(m_world.profile(QStringLiteral("bob-new")), m_world.server().url(), Bob));
        auto bob = m_world.open(QStringLiteral("bob-new"));
        QVERIFY(bob);
        const QByteArray newKey = bob->identity().signing.publicKey;
        QVERIFY(newKey != oldKey);
        // The new bob is still listed in the room with his old keys: he can't read or write.
        QCOMPARE(bob->send(*room, QStringLiteral("hello?")).ok(), false);

        // alice opens the app: the sync's directory check finds bob's new key. One warning.
        alice = m_world.open(Alice);
        QVERIFY(alice);
        QCOMPARE(alice->trust(Bob), Trust::KeyChanged);
        QCOMPARE(keyNotices(*alice, QStringLiteral("key-changed"), newKey), 1);
        QVERIFY2(openBobWarnings(*alice) == 1, qPrintable(dump(*alice)));
        auto sent = alice->send(*room, QStringLiteral("blocked"));
        QCOMPARE(sent.code(), int(SessionError::KeyChanged));
        // Seen again on every reconnect until she decides: still one warning.
        QVERIFY(bounce({alice.get()}));
        QCOMPARE(keyNotices(*alice, QStringLiteral("key-changed"), newKey), 1);

        // She compares safety numbers with bob and accepts: the warning is resolved, and the
        // room says why bob can't read there yet (his old key is still its member).
        QVERIFY(alice->acceptKeyChange(Bob));
        QCOMPARE(alice->trust(Bob), Trust::TrustedOnFirstUse);
        QCOMPARE(alice->pinnedContact(Bob)->signPublicKey, newKey);
        QVERIFY2(openBobWarnings(*alice) == 1
                     && keyNotices(*alice, QStringLiteral("key-changed-resolved"), newKey) == 1,
                 qPrintable(dump(*alice)));
        sent = alice->send(*room, QStringLiteral("still blocked"));
        QCOMPARE(sent.code(), int(SessionError::KeyChanged));
        QVERIFY2(sent.error().message.contains(QLatin1String("re-adds bob")), qPrintable(sent.error().message));
        // A room change while the room still lists the old key (it is re-checked then) does
        // not bring the old key back, nor does a fresh lookup.
        QVERIFY(alice->setSettings(*room,
                                   {QStringLiteral("Ops"), QStringLiteral("new topic"), keg::HistoryPolicy::Shared}));
        QVERIFY(alice->flushOutbox(WaitMs));
        QCOMPARE(alice->trust(Bob), Trust::TrustedOnFirstUse);
        QVERIFY(alice->lookupContact(Bob));
        QCOMPARE(alice->trust(Bob), Trust::TrustedOnFirstUse);
        QCOMPARE(alice->pinnedContact(Bob)->signPublicKey, newKey);

        // Her other device takes the decision through the pin log: bob's new key, no warning
        // left open there either.
        QVERIFY(bounce({alice.get(), laptop.get()}));
        QVERIFY(QTest::qWaitFor([&] { return laptop->pinnedContact(Bob)->signPublicKey == newKey; }, WaitMs));
        QCOMPARE(laptop->trust(Bob), Trust::TrustedOnFirstUse);
        QVERIFY(QTest::qWaitFor([&] { return openBobWarnings(*laptop) <= 1; }, WaitMs));
        QVERIFY2(keyNotices(*laptop, QStringLiteral("key-changed"), newKey) <= 1, qPrintable(dump(*laptop)));
        for (const auto &n : laptop->notices())
            QVERIFY2(!n.summary.contains(QLatin1String("Another of your devices")), qPrintable(dump(*laptop)));

        // Re-add: old entry removed (with a new room key), the new keys invited.
        const quint32 genBefore = generation(*alice, *room);
        QVERIFY(alice->keyTrust().readd(*room, Bob));
        QVERIFY(alice->flushOutbox(WaitMs));
        QVERIFY(QTest::qWaitFor([&] { return isInvited(*bob, *room); }, WaitMs));
        QVERIFY(generation(*alice, *room) > genBefore);
        QCOMPARE(memberKey(*alice, *room, Bob), newKey);
        QVERIFY(bob->accept(*room));
        QVERIFY(bob->flushOutbox(WaitMs));
        QVERIFY(bob->send(*room, QStringLiteral("back with a new key")));
        QVERIFY(bob->flushOutbox(WaitMs));
        QVERIFY2(QTest::qWaitFor([&] { return countBody(*alice, *room, QStringLiteral("back with a new key")) == 1; },
                                 WaitMs),
                 qPrintable(QStringLiteral("ALICE:\n%1\nBOB:\n%2\nBODIES: %3\nBOB OUTBOX: %4")
                                .arg(dump(*alice), dump(*bob), bodies(*alice, *room).join(u'|'))
                                .arg(failedItems(*bob))));
        QVERIFY(alice->send(*room, QStringLiteral("welcome back")));
        QVERIFY(alice->flushOutbox(WaitMs));
        QVERIFY(QTest::qWaitFor([&] { return countBody(*bob, *room, QStringLiteral("welcome back")) == 1; }, WaitMs));
        QVERIFY2(QTest::qWaitFor([&] { return openBobWarnings(*alice) == 0; }, WaitMs), qPrintable(dump(*alice)));

        // Restart, then three reconnects: not one new notice.
        const auto before = alice->notices().size();
        alice.reset();
        alice = m_world.open(Alice);
        QVERIFY(alice);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(bounce({alice.get()}));
            QVERIFY2(alice->notices().size() == before, qPrintable(dump(*alice)));
        }
        QCOMPARE(keyNotices(*alice, QStringLiteral("key-changed"), newKey), 1);
        QCOMPARE(openBobWarnings(*alice), 0);
        // A device alice adds now verifies old bob's message under his old key and the new
        // bob's under the new one, in one unbroken chain of bob's counters.
        QVERIFY(m_world.login(QStringLiteral("alice-phone"), Alice, aliceSecret));
        auto phone = m_world.open(QStringLiteral("alice-phone"));
        QVERIFY(phone);
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return showsEachOnce(*phone, *room,
                                              {QStringLiteral("old bob here"), QStringLiteral("back with a new key")});
                     },
                     WaitMs),
                 qPrintable(dump(*phone)));
        QCOMPARE(phone->pinnedContact(Bob)->signPublicKey, newKey);
        QCOMPARE(keyNotices(*phone, QStringLiteral("key-changed"), newKey), 0); // decided on another device
        for (const auto &n : phone->notices())
            QVERIFY2(n.kind != QLatin1String("bad-signature") && n.kind != QLatin1String("message-chain")
                         && n.kind != QLatin1String("unauthorised-change"),
                     qPrintable(dump(*phone)));
        QCOMPARE(alice->trust(Bob), Trust::TrustedOnFirstUse);
        QVERIFY(alice->send(*room, QStringLiteral("after three reconnects")));
        QVERIFY(alice->flushOutbox(WaitMs));
    }

    // The room fingerprint commits to who holds the keys, not to the room's name or topic.
    void roomFingerprintIgnoresNameAndTopic()
    {
        auto alice = m_world.open(Alice);
        QVERIFY(alice);
        auto room = alice->createRoom(QStringLiteral("Before"), QStringLiteral("t"), keg::HistoryPolicy::Shared);
        QVERIFY(room && alice->flushOutbox(WaitMs));
        const QStringList before = alice->keyTrust().roomFingerprint(*room);
        QCOMPARE(before.size(), 6);
        QVERIFY(alice->setSettings(*room,
                                   {QStringLiteral("After"), QStringLiteral("new topic"), keg::HistoryPolicy::Shared}));
        QVERIFY(alice->flushOutbox(WaitMs));
        QCOMPARE(alice->rooms().size() > 0, true);
        QVERIFY(headVersion(*alice, *room) >= 1);
        QCOMPARE(alice->keyTrust().roomFingerprint(*room), before);
        QVERIFY(alice->invite(*room, Bob, keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(alice->flushOutbox(WaitMs));
        QVERIFY(alice->keyTrust().roomFingerprint(*room) != before);
    }
};

QTEST_GUILESS_MAIN(TestEngineKeyChange)
#include "tst_engine_keychange.moc"
