// Author chains: the message-level attacks A11 (withheld), A12 (reordered), A13 (replayed),
// plus equivocation, broken links and messages after a departure.
#include "client/authorchains.h"

#include <QTest>

using namespace tavern::client;

namespace {
QByteArray h(int n)
{
    return QByteArray(32, char(n));
}
const QByteArray zero(32, '\0');
} // namespace

class TestAuthorChains : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inOrderChainIsAccepted()
    {
        AuthorChains c;
        QCOMPARE(c.add(QStringLiteral("bob"), 1, zero, h(1)), Placement::Accepted);
        QCOMPARE(c.add(QStringLiteral("bob"), 2, h(1), h(2)), Placement::Accepted);
        QCOMPARE(c.add(QStringLiteral("bob"), 3, h(2), h(3)), Placement::Accepted);
        QVERIFY(c.missing(QStringLiteral("bob")).isEmpty());
        QCOMPARE(c.highest(QStringLiteral("bob")), 3u);
        QCOMPARE(c.hashOf(QStringLiteral("bob"), 2), h(2));
    }

    void a11_withheldMessageLeavesAMarker()
    {
        AuthorChains c;
        QCOMPARE(c.add(QStringLiteral("bob"), 1, zero, h(1)), Placement::Accepted);
        QCOMPARE(c.add(QStringLiteral("bob"), 4, h(3), h(4)), Placement::Accepted);
        QCOMPARE(c.missing(QStringLiteral("bob")), (QList<quint64>{2, 3}));
        // The withheld ones arrive later (re-request): the gap closes, links are checked.
        QCOMPARE(c.add(QStringLiteral("bob"), 3, h(2), h(3)), Placement::Accepted);
        QCOMPARE(c.add(QStringLiteral("bob"), 2, h(1), h(2)), Placement::Accepted);
        QVERIFY(c.missing(QStringLiteral("bob")).isEmpty());
        // A missing first message is a gap too.
        AuthorChains d;
        QCOMPARE(d.add(QStringLiteral("eve"), 3, h(2), h(3)), Placement::Accepted);
        QCOMPARE(d.missing(QStringLiteral("eve")), (QList<quint64>{1, 2}));
    }

    void a12_reorderedMessagesRegainAuthorOrder()
    {
        // Server order: bob#2, alice#1, bob#1, alice#2, bob#3.
        const QList<TimelineItem> server{{QStringLiteral("bob"), 2},
                                         {QStringLiteral("alice"), 1},
                                         {QStringLiteral("bob"), 1},
                                         {QStringLiteral("alice"), 2},
                                         {QStringLiteral("bob"), 3}};
        const QList<int> order = authorOrdered(server);
        QCOMPARE(order, (QList<int>{2, 1, 0, 3, 4}));
        // Already in order: unchanged.
        const QList<TimelineItem> sorted{{QStringLiteral("a"), 1}, {QStringLiteral("b"), 1}, {QStringLiteral("a"), 2}};
        QCOMPARE(authorOrdered(sorted), (QList<int>{0, 1, 2}));
    }

    void a13_replayIsShownOnce()
    {
        AuthorChains c;
        QCOMPARE(c.add(QStringLiteral("bob"), 1, zero, h(1)), Placement::Accepted);
        QCOMPARE(c.add(QStringLiteral("bob"), 1, zero, h(1)), Placement::Duplicate);
    }

    void equivocationAndBrokenLinks()
    {
        AuthorChains c;
        QCOMPARE(c.add(QStringLiteral("bob"), 1, zero, h(1)), Placement::Accepted);
        QCOMPARE(c.add(QStringLiteral("bob"), 1, zero, h(9)), Placement::Equivocation);
        QCOMPARE(c.add(QStringLiteral("bob"), 2, h(7), h(2)), Placement::BrokenLink);
        QCOMPARE(c.add(QStringLiteral("bob"), 3, h(2), h(3)), Placement::Accepted);
        // Message 2 now must link to 1 below and be linked from 3 above.
        QCOMPARE(c.add(QStringLiteral("bob"), 2, h(1), h(8)), Placement::BrokenLink);
        QCOMPARE(c.add(QStringLiteral("bob"), 2, h(1), h(2)), Placement::Accepted);
        // Counter 1 must not claim a predecessor.
        AuthorChains d;
        QCOMPARE(d.add(QStringLiteral("bob"), 1, h(5), h(1)), Placement::BrokenLink);
    }

    void messagesAfterDepartureAreRefused()
    {
        AuthorChains c;
        QCOMPARE(c.add(QStringLiteral("bob"), 1, zero, h(1), 3), Placement::Accepted);
        c.setDeparted(QStringLiteral("bob"), 2, h(2), 5); // removed by room version 5 after message 2
        QCOMPARE(c.add(QStringLiteral("bob"), 2, h(1), h(2), 4), Placement::Accepted); // sent before
        // Backdated: a later message naming a version from before the removal.
        QCOMPARE(c.add(QStringLiteral("bob"), 3, h(2), h(3), 4), Placement::AfterDeparture);
        // Invited back (version 7 lists bob again): messages under it continue the chain.
        QCOMPARE(c.add(QStringLiteral("bob"), 3, h(2), h(3), 8), Placement::Accepted);
        // A second departure keeps the first cut-off too.
        c.setDeparted(QStringLiteral("bob"), 3, h(3), 9);
        QCOMPARE(c.add(QStringLiteral("bob"), 4, h(3), h(4), 8), Placement::AfterDeparture);
        QCOMPARE(c.add(QStringLiteral("bob"), 4, h(3), h(4), 4), Placement::AfterDeparture);
    }
};

QTEST_GUILESS_MAIN(TestAuthorChains)
#include "tst_authorchains.moc"
