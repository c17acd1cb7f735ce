// MessageModel over the real engine: the newest page of 100 rows first, older pages of 100
// through canFetchMore/fetchMore; system lines from the boot-keg chain (created, invited,
// joined, role changes, "New room key: bob was removed"); day labels and author groups; live
// changes applied as diffs under QAbstractItemModelTester (an incoming message, an own
// message going from queued to sent).
#include "modelstest.h"

using namespace tavern;
using namespace tavern::test;
using ui::MessageModel;

class TestModelsMessages : public QObject
{
    Q_OBJECT

    EngineWorld m_world;
    std::unique_ptr<Session> m_alice, m_bob;
    QByteArray m_room;

    // What the App does for the current room (appcontroller.cpp), without the App.
    static void follow(MessageModel &m, Session &s)
    {
        QObject::connect(&s, &Session::messagesChanged, &m, [&m] { m.messagesArrived(); });
        QObject::connect(&s, &Session::roomChanged, &m, [&m] { m.refresh(); });
        QObject::connect(&s, &Session::outboxChanged, &m, [&m] { m.refresh(); });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_world.start());
        for (const char *user : {"alice", "bob"})
            QVERIFY(!m_world.signup(QString::fromLatin1(user)).isEmpty());
        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QVERIFY((m_bob = m_world.open(QStringLiteral("bob"))));
        auto room = m_alice->createRoom(QStringLiteral("Ops"), QString(), keg::HistoryPolicy::Shared);
        QVERIFY(room);
        m_room = *room;
        QVERIFY(m_alice->invite(m_room, QStringLiteral("bob"), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*m_bob, m_room), WaitMs);
        QVERIFY(m_bob->accept(m_room));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        const auto joined = [&] {
            const keg::Member *m = ui::head(*m_alice, m_room)->member("bob");
            return m && m->state == keg::InviteState::Joined;
        };
        QTRY_VERIFY_WITH_TIMEOUT(joined(), WaitMs);
        QVERIFY(sendMany(*m_alice, m_room, QStringLiteral("msg"), 250));
    }

    void lazyLoadingInPagesOf100()
    {
        MessageModel m; // no tester here: the tester itself calls fetchMore on every change
        m.setSession(m_alice.get());
        QSignalSpy older(&m, &MessageModel::canLoadOlderChanged);
        m.setRoomId(m_room);
        // 3 system lines (created, invited, joined) and 250 messages.
        QCOMPARE(m.totalCount(), 253);
        QCOMPARE(m.rowCount(), 100);
        QVERIFY(m.canFetchMore({}));
        QVERIFY(m.canLoadOlder());
        QCOMPARE(value(&m, 0, "body").toString(), QStringLiteral("msg 150"));
        QCOMPARE(value(&m, 99, "body").toString(), QStringLiteral("msg 249"));

        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        m.fetchMore({});
        QCOMPARE(m.rowCount(), 200);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted[0][1].toInt(), 0); // prepended
        QCOMPARE(inserted[0][2].toInt(), 99);
        QCOMPARE(value(&m, 0, "body").toString(), QStringLiteral("msg 50"));
        m.loadOlder(); // the QML spelling
        QCOMPARE(m.rowCount(), 253);
        QVERIFY(!m.canFetchMore({}));
        QVERIFY(!m.canLoadOlder());
        QVERIFY(older.size() >= 2); // true on the first page, false once all is loaded
        m.fetchMore({});
        QCOMPARE(m.rowCount(), 253);

        QCOMPARE(column(&m, "body").mid(0, 4),
                 (QStringList{QStringLiteral("alice created the room"), QStringLiteral("alice invited bob"),
                              QStringLiteral("bob joined"), QStringLiteral("msg 0")}));
        QCOMPARE(column(&m, "kind").count(QStringLiteral("system")), 3);
        // One day label (everything happened today), on the first row.
        QCOMPARE(value(&m, 0, "dayLabel").toString(), QStringLiteral("Today"));
        QCOMPARE(column(&m, "dayLabel").count(QString()), 252);
        // Author groups: the first of alice's run starts a group, the next ones don't.
        QCOMPARE(value(&m, 3, "firstInGroup").toBool(), true);
        QCOMPARE(value(&m, 4, "firstInGroup").toBool(), false);
        QCOMPARE(value(&m, 3, "own").toBool(), true); // the model reads as alice
    }

    void liveChangesUnderTester()
    {
        MessageModel m;
        auto t = tester(&m);
        follow(m, *m_alice);
        m.setSession(m_alice.get());
        m.setRoomId(m_room);
        QVERIFY(m.rowCount() >= 100);
        const int before = m.totalCount();
        QCOMPARE(value(&m, m.rowCount() - 1, "own").toBool(), true);
        QCOMPARE(value(&m, m.rowCount() - 1, "delivery").toInt(), 1); // sent

        QVERIFY(m_bob->send(m_room, QStringLiteral("from bob")));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(value(&m, m.rowCount() - 1, "body").toString(), QStringLiteral("from bob"), WaitMs);
        const int last = m.rowCount() - 1;
        QCOMPARE(value(&m, last, "kind").toString(), QStringLiteral("message"));
        QCOMPARE(value(&m, last, "author").toString(), QStringLiteral("bob"));
        QCOMPARE(value(&m, last, "own").toBool(), false);
        QCOMPARE(value(&m, last, "delivery").toInt(), 3); // received
        QCOMPARE(value(&m, last, "verified").toBool(), true);
        QCOMPARE(value(&m, last, "firstInGroup").toBool(), true);
        QCOMPARE(value(&m, last, "kegId").toString().size(), 2 * keg::KegIdBytes); // hex
        QCOMPARE(m.totalCount(), before + 1);

        // Own message: queued at once, sent when the server acknowledged it.
        QVERIFY(m_alice->send(m_room, QStringLiteral("mine")));
        m.refresh();
        QCOMPARE(value(&m, m.rowCount() - 1, "body").toString(), QStringLiteral("mine"));
        QCOMPARE(value(&m, m.rowCount() - 1, "delivery").toInt(), 0);
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(value(&m, m.rowCount() - 1, "delivery").toInt(), 1, WaitMs);
        QCOMPARE(m.lastMessageId().toHex(), value(&m, m.rowCount() - 1, "kegId").toString().toLatin1());

        // Room changes become system lines, a removal with its new key in one line.
        QVERIFY(m_alice->setRole(m_room, QStringLiteral("bob"), keg::Role::Moderator));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(value(&m, m.rowCount() - 1, "body").toString(),
                                  QStringLiteral("alice made bob a moderator"), WaitMs);
        QCOMPARE(value(&m, m.rowCount() - 1, "kind").toString(), QStringLiteral("system"));
        QVERIFY(m_alice->remove(m_room, QStringLiteral("bob")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(value(&m, m.rowCount() - 1, "body").toString(),
                                  QStringLiteral("New room key: bob was removed"), WaitMs);

        // Another room: a reset to that room's newest page.
        auto other = m_alice->createRoom(QStringLiteral("Other"), QString(), keg::HistoryPolicy::Shared);
        QVERIFY(other);
        m.setRoomId(*other);
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(value(&m, 0, "body").toString(), QStringLiteral("alice created the room"));
        m.setRoomId({});
        QCOMPARE(m.rowCount(), 0);
    }
};

QTEST_MAIN(TestModelsMessages)
#include "tst_models_messages.moc"
