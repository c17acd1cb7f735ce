// Paged reads (Session::messagesPage / messagesFrom / messagesSince / lastMessage /
// messageCount / messagesAfter, messagequery.cpp): walking a room page by page gives exactly
// what Session::messages gives (edits, deletions, receipts, delivery states), live arrivals
// come back from messagesSince alone, and the counts the room list uses agree.
#include "enginetest.h"

using namespace tavern;
using namespace tavern::test;

namespace {

QString describe(const client::MessageView &m)
{
    return QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8|%9")
        .arg(client::hex(m.kegId), m.author)
        .arg(m.counter)
        .arg(m.body)
        .arg(m.sentMs)
        .arg(int(m.delivery))
        .arg(m.edited)
        .arg(m.deleted)
        .arg(m.readBy.join(QLatin1Char(',')));
}

QStringList describeAll(const QList<client::MessageView> &list)
{
    QStringList out;
    for (const auto &m : list)
        out << describe(m);
    return out;
}

// The whole room, newest page first, pages of `limit`, put back in order.
QList<client::MessageView> walk(Session &s, const QByteArray &roomId, int limit, int *pages)
{
    QList<client::MessageView> all;
    Session::MessageSeq before;
    *pages = 0;
    for (;;) {
        const Session::MessagePage page = s.messagesPage(roomId, before, limit);
        ++*pages;
        if (page.messages.size() != page.seqs.size() || page.messages.size() > limit)
            return {};
        all = page.messages + all;
        if (!page.previous)
            break;
        if (page.messages.isEmpty() || page.seqs.front() <= Session::MessageSeq{std::numeric_limits<qint64>::min(), 0})
            return {};
        before = page.seqs.front();
        if (*pages > 1000)
            return {};
    }
    return all;
}

} // namespace

class TestEnginePaging : public QObject
{
    Q_OBJECT

    EngineWorld m_world;
    std::unique_ptr<Session> m_alice, m_bob;
    QByteArray m_room;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_world.start());
        QVERIFY(!m_world.signup(QStringLiteral("alice")).isEmpty());
        QVERIFY(!m_world.signup(QStringLiteral("bob")).isEmpty());
        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QVERIFY((m_bob = m_world.open(QStringLiteral("bob"))));
        auto room = m_alice->createRoom(QStringLiteral("Pages"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        m_room = *room;
        QVERIFY(inviteAndJoin(*m_alice, *m_bob, m_room));
        // Interleaved authors, then an edit, a deletion and a receipt.
        for (int i = 0; i < 3; ++i) {
            QVERIFY(sendMany(*m_alice, m_room, QStringLiteral("alice %1").arg(i), 6));
            QVERIFY(sendMany(*m_bob, m_room, QStringLiteral("bob %1").arg(i), 5));
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(m_alice->messages(m_room).size()), 33, WaitMs);
        const QList<client::MessageView> all = m_alice->messages(m_room);
        QVERIFY(m_bob->edit(m_room, all[8].kegId, QStringLiteral("bob's edited line")));
        QVERIFY(m_alice->redact(m_room, all[2].kegId));
        QVERIFY(m_bob->markRead(m_room, all[4].kegId));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->messages(m_room)[8].edited && m_alice->messages(m_room)[2].deleted
                                     && !m_alice->messages(m_room)[4].readBy.isEmpty(),
                                 WaitMs);
    }

    void pagesGiveWhatMessagesGives_data()
    {
        QTest::addColumn<int>("limit");
        QTest::newRow("1") << 1;
        QTest::newRow("7") << 7;
        QTest::newRow("33") << 33;
        QTest::newRow("100") << 100;
    }
    void pagesGiveWhatMessagesGives()
    {
        QFETCH(int, limit);
        for (Session *s : {m_alice.get(), m_bob.get()}) {
            QTRY_COMPARE_WITH_TIMEOUT(int(s->messages(m_room).size()), 33, WaitMs);
            const QStringList expected = describeAll(s->messages(m_room));
            int pages = 0;
            QCOMPARE(describeAll(walk(*s, m_room, limit, &pages)), expected);
            QCOMPARE(pages, (33 + limit - 1) / limit);
            // The whole room from its first message on, and the window from a middle one.
            const Session::MessagePage newest = s->messagesPage(m_room, {}, 10);
            QCOMPARE(describeAll(newest.messages), expected.mid(23));
            QVERIFY(newest.previous);
            QCOMPARE(newest.previous->kegId, s->messages(m_room)[22].kegId);
            QVERIFY(newest.previous->body.isEmpty()); // not opened
            const Session::MessagePage from = s->messagesFrom(m_room, newest.seqs.front());
            QCOMPARE(describeAll(from.messages), expected.mid(23));
            QVERIFY(from.previous);
            QCOMPARE(from.previous->kegId, newest.previous->kegId);
            QCOMPARE(describeAll(
                         s->messagesFrom(m_room, Session::MessageSeq{std::numeric_limits<qint64>::min(), 0}).messages),
                     expected);
        }
        QVERIFY(m_alice->messagesPage(QByteArray(32, 'x'), {}, 10).messages.isEmpty());
    }

    void previewsAndCounts()
    {
        const QList<client::MessageView> all = m_alice->messages(m_room);
        const auto last = m_alice->lastMessage(m_room);
        QVERIFY(last);
        QCOMPARE(describe(*last), describe(all.back()));
        QCOMPARE(m_alice->messageCount(m_room), 33);
        QCOMPARE(m_alice->messageCount(m_room, {}, QStringLiteral("alice")), 15);
        // After a marker: bob's messages after all[20] (alice 0-5, bob 0-4, alice 6-11, bob 5-9, ...).
        int bobAfter = 0;
        for (int i = 21; i < all.size(); ++i)
            bobAfter += all[i].author == QLatin1String("bob");
        QCOMPARE(m_alice->messageCount(m_room, all[20].kegId, QStringLiteral("alice")), bobAfter);
        QCOMPARE(m_alice->messageCount(m_room, all[20].kegId), 12);
        // An unknown marker counts everything.
        QCOMPARE(m_alice->messageCount(m_room, QByteArray(16, 'z')), 33);
        const QList<client::MessageView> after =
            m_alice->messagesAfter(m_room, all[20].kegId, QStringLiteral("alice"), 3);
        QStringList bobs;
        for (int i = 21; i < all.size(); ++i) {
            if (all[i].author == QLatin1String("bob"))
                bobs << describe(all[i]);
        }
        QCOMPARE(describeAll(after), bobs.mid(bobs.size() - 3));
        QVERIFY(!m_alice->lastMessage(QByteArray(32, 'x')));
        QCOMPARE(m_alice->messageCount(QByteArray(32, 'x')), 0);
    }

    void liveArrivalsFromSince()
    {
        const qint64 mark = m_alice->lastMessageRow();
        QVERIFY(mark > 0);
        QVERIFY(m_alice->messagesSince(m_room, mark).messages.isEmpty());
        const QList<client::MessageView> before = m_alice->messages(m_room);
        QVERIFY(sendMany(*m_bob, m_room, QStringLiteral("live"), 4));
        QTRY_COMPARE_WITH_TIMEOUT(int(m_alice->messages(m_room).size()), 37, WaitMs);
        Session::MessagePage since = m_alice->messagesSince(m_room, mark);
        QCOMPARE(describeAll(since.messages), describeAll(m_alice->messages(m_room).mid(33)));
        QVERIFY(since.changed.isEmpty());
        QVERIFY(since.lastRow > mark);
        // Nothing new since then; another room's rows are not this room's.
        QVERIFY(m_alice->messagesSince(m_room, since.lastRow).messages.isEmpty());
        QVERIFY(m_alice->messagesSince(QByteArray(32, 'x'), mark).messages.isEmpty());
        // An edit of an earlier message: reported as changed, not as a message.
        QVERIFY(m_bob->edit(m_room, before[9].kegId, QStringLiteral("edited live")));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->messages(m_room)[9].body, QStringLiteral("edited live"), WaitMs);
        const Session::MessagePage edit = m_alice->messagesSince(m_room, since.lastRow);
        QVERIFY(edit.messages.isEmpty());
        QCOMPARE(edit.changed, QSet<QByteArray>{before[9].kegId});
        // An own message: queued at the end, then sent, as messages() shows it.
        const qint64 mark2 = m_alice->lastMessageRow();
        QVERIFY(m_alice->send(m_room, QStringLiteral("mine")));
        const Session::MessagePage mine = m_alice->messagesSince(m_room, mark2);
        QCOMPARE(mine.messages.size(), 1);
        QCOMPARE(describe(mine.messages.front()), describe(m_alice->messages(m_room).back()));
        const auto unsent = m_alice->messageSeq(m_room, mine.messages.front().kegId);
        QVERIFY(unsent);
        QCOMPARE(unsent->order, std::numeric_limits<qint64>::max()); // last until the server placed it
        QCOMPARE(*unsent, mine.seqs.front());
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->lastMessage(m_room)->delivery, client::MessageView::Delivery::Sent, WaitMs);
        // The next sync of the room (here: bob writes) lists it back: the same row, moved to
        // its server position (a window anchored at the old place would lose it:
        // MessageModel re-reads from messageSeq).
        QVERIFY(sendMany(*m_bob, m_room, QStringLiteral("after mine"), 1));
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->messageSeq(m_room, mine.messages.front().kegId)->order < unsent->order,
                                 WaitMs);
        QCOMPARE(m_alice->messageSeq(m_room, mine.messages.front().kegId)->row, unsent->row);
        QVERIFY(!m_alice->messageSeq(m_room, QByteArray(16, 'q')));
        QCOMPARE(describe(*m_alice->lastMessage(m_room)), describe(m_alice->messages(m_room).back()));
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->lastMessage(m_room)->body, QStringLiteral("after mine 0"), WaitMs);
        QCOMPARE(m_alice->messagesSince(m_room, mark2).messages.size(), 2);
        int pages = 0;
        QCOMPARE(describeAll(walk(*m_alice, m_room, 5, &pages)), describeAll(m_alice->messages(m_room)));
    }
};

QTEST_GUILESS_MAIN(TestEnginePaging)
#include "tst_engine_paging.moc"
