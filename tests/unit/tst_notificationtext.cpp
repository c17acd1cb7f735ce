// What desktop notifications say: focus, privacy, bursts folded per room, mentions never
// folded, hostile text (bidi overrides, control characters, markup) made harmless.
#include "notificationtext.h"

#include <QTest>

using namespace tavern::app;

class TestNotificationText : public QObject
{
    Q_OBJECT
private:
    static NotificationEvent msg(const QString &room, const QString &author, const QString &body, qint64 at,
                                 const QString &kind = QStringLiteral("message"))
    {
        return {kind, room, QStringLiteral("Design"), author, body, at};
    }

private Q_SLOTS:
    void messageInBackground()
    {
        NotificationText t;
        const auto n = t.compose(msg("r1", "bob", "Lunch at noon?", 1000), {});
        QVERIFY(n);
        QCOMPARE(n->title, QStringLiteral("bob in Design"));
        QCOMPARE(n->body, QStringLiteral("Lunch at noon?"));
        QCOMPARE(n->roomId, QStringLiteral("r1"));
        QVERIFY(!n->urgent);
    }

    void nothingForTheRoomOnScreen()
    {
        NotificationText t;
        NotificationContext ctx{true, QStringLiteral("r1"), Privacy::NameAndMessage};
        QVERIFY(!t.compose(msg("r1", "bob", "hi", 1000), ctx));
        // Another room, or the window in the background: shown.
        QVERIFY(t.compose(msg("r2", "bob", "hi", 1000), ctx));
        ctx.windowActive = false;
        QVERIFY(t.compose(msg("r1", "bob", "hi", 1000), ctx));
    }

    void burstFoldsIntoOneReplacingNotification()
    {
        NotificationText t;
        const auto a = t.compose(msg("r1", "bob", "one", 1000), {});
        const auto b = t.compose(msg("r1", "carol", "two", 2000), {});
        const auto c = t.compose(msg("r1", "bob", "three", 3000), {});
        QVERIFY(a && b && c);
        QCOMPARE(b->title, QStringLiteral("Design"));
        QCOMPARE(c->body, QStringLiteral("3 new messages"));
        QCOMPARE(a->replaces, c->replaces);
        QVERIFY(!a->replaces.isEmpty());
        // Another room has its own burst; after a quiet minute the count starts again.
        QCOMPARE(t.compose(msg("r2", "bob", "x", 3500), {})->body, QStringLiteral("x"));
        const auto later = t.compose(msg("r1", "bob", "four", 3000 + NotificationText::BurstMs + 1), {});
        QCOMPARE(later->body, QStringLiteral("four"));
        // Opening the room resets it too.
        QVERIFY(t.compose(msg("r1", "bob", "five", 3000 + NotificationText::BurstMs + 2), {}));
        t.roomRead(QStringLiteral("r1"));
        QCOMPARE(t.compose(msg("r1", "bob", "six", 3000 + NotificationText::BurstMs + 3), {})->body,
                 QStringLiteral("six"));
    }

    void mentionIsNeverFolded()
    {
        NotificationText t;
        QVERIFY(t.compose(msg("r1", "bob", "one", 1000), {}));
        const auto m = t.compose(msg("r1", "carol", "@alice look", 1500, "mention"), {});
        QVERIFY(m);
        QCOMPARE(m->title, QStringLiteral("carol mentioned you in Design"));
        QCOMPARE(m->body, QStringLiteral("@alice look"));
        QVERIFY(m->replaces.isEmpty());
    }

    void privacySettings()
    {
        NotificationText t;
        NotificationContext nameOnly{false, {}, Privacy::NameOnly};
        const auto a = t.compose(msg("r1", "bob", "the secret plan", 1000), nameOnly);
        QCOMPARE(a->title, QStringLiteral("bob in Design"));
        QVERIFY(!a->body.contains(QStringLiteral("secret")));
        NotificationText t2;
        NotificationContext nothing{false, {}, Privacy::Nothing};
        const auto b = t2.compose(msg("r1", "bob", "the secret plan", 1000), nothing);
        QVERIFY(!b->title.contains(QStringLiteral("bob")) && !b->title.contains(QStringLiteral("Design")));
        QVERIFY(!b->body.contains(QStringLiteral("secret")) && !b->body.contains(QStringLiteral("bob")));
        // Security warnings are Tavern's own words and always shown in full.
        const auto s = t2.compose({"security", "r1", {}, "Design", "Bob's safety number changed.", 1}, nothing);
        QCOMPARE(s->body, QStringLiteral("Bob's safety number changed."));
        QVERIFY(s->urgent);
    }

    void otherKinds()
    {
        NotificationText t;
        const auto inv = t.compose({"invitation", "r9", {}, "alice", "Design", 1}, {});
        QCOMPARE(inv->title, QStringLiteral("alice invited you to Design"));
        const auto role = t.compose({"role", "r9", {}, "Design", "moderator", 1}, {});
        QCOMPARE(role->title, QStringLiteral("Your role in Design changed"));
        QCOMPARE(role->body, QStringLiteral("You are now: moderator."));
        const auto sec = t.compose({"security", "r9", {}, "Design", "Tavern refused a change.", 1}, {});
        QCOMPARE(sec->title, QStringLiteral("Security notice in Design"));
        QVERIFY(!t.compose({"something-new", "r9", {}, "x", "y", 1}, {}));
    }

    void hostileTextIsMadeHarmless()
    {
        // A right-to-left override can make "evil" render as "live"; control characters can
        // fake line breaks in a name.
        const QString name = QStringLiteral("ev\u202Eil\u0007\u2066x");
        QCOMPARE(NotificationText::clean(name, 40), QStringLiteral("evilx"));
        QCOMPARE(NotificationText::clean(QStringLiteral("  a\n\n b\t c  "), 40), QStringLiteral("a b c"));
        const QString longText(500, QLatin1Char('z'));
        const QString cut = NotificationText::clean(longText, NotificationText::MaxBody);
        QCOMPARE(cut.size(), NotificationText::MaxBody + 1);
        QVERIFY(cut.endsWith(QChar(0x2026)));
        NotificationText t;
        const auto n = t.compose(msg("r1", "mal\u202Elory", "hi", 1), {});
        QCOMPARE(n->title, QStringLiteral("mallory in Design"));
    }
};

QTEST_GUILESS_MAIN(TestNotificationText)
#include "tst_notificationtext.moc"
