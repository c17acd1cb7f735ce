// The app as a user drives it: sign up (secret shown, two groups asked back), create a room
// (Ctrl+N), invite a peer (tavern-cli) who accepts, exchange messages, verify the peer, and
// a key change that replaces the composer until it is acknowledged.
#include "appcontroller.h"
#include "crypto/contexts.h"
#include "crypto/identity.h"
#include "crypto/sign.h"
#include "protocol/ops.h"
#include "serverprocess.h"

#include <QAbstractItemModel>
#include <QFont>
#include <QGuiApplication>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using tavern::ui::AppController;

namespace {

constexpr int Patience = 60000;

QVariant roleValue(const QAbstractItemModel *m, int row, const QByteArray &role)
{
    const int id = m->roleNames().key(role, -1);
    return id < 0 ? QVariant() : m->data(m->index(row, 0), id);
}

int findRow(const QAbstractItemModel *m, const QByteArray &role, const QVariant &value)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (roleValue(m, r, role) == value)
            return r;
    return -1;
}

} // namespace

class TestGuiChat : public QObject
{
    Q_OBJECT

    tavern::test::ServerProcess m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
    AppController *m_app = nullptr;

    QString cli(const QString &profile, const QStringList &args, int *exitCode = nullptr)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(TAVERN_CLI_BINARY),
                QStringList{QStringLiteral("--profile"), m_dir.filePath(profile)} + args);
        if (!p.waitForFinished(Patience))
            p.kill();
        if (exitCode)
            *exitCode = p.exitCode();
        return QString::fromUtf8(p.readAll());
    }

    // Every item called name, through both object and visual children (popup contents are
    // visual children of the window's overlay, not object children of their popup).
    static void collect(QObject *o, const QString &name, QList<QQuickItem *> &out, QSet<QObject *> &seen)
    {
        if (!o || seen.contains(o))
            return;
        seen.insert(o);
        if (auto *i = qobject_cast<QQuickItem *>(o)) {
            if (i->objectName() == name)
                out << i;
            for (QQuickItem *c : i->childItems())
                collect(c, name, out, seen);
        }
        for (QObject *c : o->children())
            collect(c, name, out, seen);
    }
    QList<QQuickItem *> items(const QString &name)
    {
        QList<QQuickItem *> out;
        QSet<QObject *> seen;
        collect(m_window->contentItem(), name, out, seen);
        return out;
    }
    QQuickItem *item(const QString &name)
    {
        const auto all = items(name);
        return all.isEmpty() ? nullptr : all.constFirst();
    }
    QQuickItem *visibleItem(const QString &name)
    {
        for (QQuickItem *i : items(name))
            if (i->isVisible())
                return i;
        return nullptr;
    }
    // A real click at the item's centre.
    bool click(const QString &name)
    {
        QQuickItem *i = visibleItem(name);
        if (!i || !i->isEnabled())
            return false;
        const QPointF c = i->mapToScene(QPointF(i->width() / 2, i->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, c.toPoint());
        return true;
    }
    void typeText(const QString &text)
    {
        for (const QChar c : text)
            QTest::keyClick(m_window, c.toLatin1());
    }
    bool setText(const QString &name, const QString &text)
    {
        QQuickItem *i = visibleItem(name);
        return i && i->setProperty("text", text);
    }
    int flowState(const char *flow) { return m_app->property(flow).value<QObject *>()->property("state").toInt(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_server.start(), qPrintable(m_server.logs()));
        AppController::setDefaultProfile(m_dir.filePath(QStringLiteral("alice")), m_server.url());
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        QFont font = QGuiApplication::font();
        font.setPixelSize(14);
        QGuiApplication::setFont(font);
        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_engine->addImportPath(QStringLiteral("qrc:/"));
        m_engine->load(QUrl(QStringLiteral("qrc:/Tavern/App/Main.qml")));
        QVERIFY(!m_engine->rootObjects().isEmpty());
        m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
        QVERIFY(m_window);
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        m_app = AppController::instance();
        QVERIFY(m_app);
        QTRY_COMPARE_WITH_TIMEOUT(int(m_app->state()), int(AppController::Welcome), Patience);
        // The peer signs up from a terminal.
        int rc = -1;
        const QString out = cli(
            QStringLiteral("bob"),
            {QStringLiteral("signup"), QStringLiteral("bob"), QStringLiteral("--server"), m_server.url().toString()},
            &rc);
        QVERIFY2(rc == 0, qPrintable(out));
    }

    void signUp()
    {
        QVERIFY(item(QStringLiteral("signUpPage")));
        QVERIFY(setText(QStringLiteral("signUpUsernameInput"), QStringLiteral("alice")));
        QCOMPARE(visibleItem(QStringLiteral("signUpServerInput"))->property("text").toString(),
                 m_server.url().toString());
        QVERIFY(click(QStringLiteral("createAccountButton")));
        QTRY_COMPARE_WITH_TIMEOUT(flowState("signup"), 2 /* ShowSecret */, Patience);
        QObject *flow = m_app->property("signup").value<QObject *>();
        const QStringList groups = flow->property("secretGroups").toStringList();
        QVERIFY(groups.size() >= 4);
        QVERIFY(visibleItem(QStringLiteral("secretGrid")));
        QVERIFY(click(QStringLiteral("secretNotedButton")));
        QTRY_COMPARE(flowState("signup"), 3 /* Confirm */);
        const QVariantList idx = flow->property("confirmIndexes").toList();
        QCOMPARE(idx.size(), 2);
        // A wrong group first: stays, says so.
        QVERIFY(setText(QStringLiteral("confirmGroupAInput"), QStringLiteral("WRONG")));
        QVERIFY(setText(QStringLiteral("confirmGroupBInput"), groups.at(idx[1].toInt() - 1)));
        QVERIFY(click(QStringLiteral("confirmButton")));
        QTRY_VERIFY(!flow->property("error").toString().isEmpty());
        QCOMPARE(flowState("signup"), 3);
        QVERIFY(setText(QStringLiteral("confirmGroupAInput"), groups.at(idx[0].toInt() - 1)));
        QVERIFY(click(QStringLiteral("confirmButton")));
        QTRY_COMPARE_WITH_TIMEOUT(int(m_app->state()), int(AppController::Ready), Patience);
        QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("mainPage")), Patience);
        QTRY_VERIFY_WITH_TIMEOUT(m_app->connected(), Patience);
        QTRY_VERIFY_WITH_TIMEOUT(visibleItem(QStringLiteral("noRoomsState")),
                                 Patience); // the empty state says what to do
    }

    void createRoom()
    {
        QTest::keyClick(m_window, Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(visibleItem(QStringLiteral("roomNameInput")));
        QVERIFY(setText(QStringLiteral("roomNameInput"), QStringLiteral("Ops")));
        QVERIFY(setText(QStringLiteral("roomTopicInput"), QStringLiteral("on call")));
        QVERIFY(click(QStringLiteral("createRoomButton")));
        QTRY_VERIFY_WITH_TIMEOUT(!m_app->currentRoomId().isEmpty(), Patience);
        QTRY_COMPARE(visibleItem(QStringLiteral("roomTitle"))->property("text").toString(), QStringLiteral("Ops"));
        QTRY_VERIFY(findRow(m_app->rooms(), "name", QStringLiteral("Ops")) >= 0);
    }

    void invitePeer()
    {
        QVERIFY(click(QStringLiteral("headerInviteButton")));
        QTRY_VERIFY(visibleItem(QStringLiteral("inviteUsernameInput")));
        QVERIFY(setText(QStringLiteral("inviteUsernameInput"), QStringLiteral("bob")));
        QVERIFY(click(QStringLiteral("inviteFind")));
        QTRY_COMPARE_WITH_TIMEOUT(flowState("invite"), 2 /* Found */, Patience);
        QVERIFY(visibleItem(QStringLiteral("inviteFound")));
        QVERIFY(click(QStringLiteral("inviteSend")));
        QTRY_COMPARE_WITH_TIMEOUT(flowState("invite"), 6 /* Sent */, Patience);
        QVERIFY(click(QStringLiteral("inviteDone")));
        QTRY_VERIFY(findRow(m_app->members(), "username", QStringLiteral("bob")) >= 0);
        const int row = findRow(m_app->members(), "username", QStringLiteral("bob"));
        QVERIFY(roleValue(m_app->members(), row, "invited").toBool());
    }

    void peerAcceptsAndChats()
    {
        int rc = -1;
        QString out = cli(QStringLiteral("bob"), {QStringLiteral("accept"), QStringLiteral("Ops")}, &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        out = cli(QStringLiteral("bob"), {QStringLiteral("send"), QStringLiteral("Ops"), QStringLiteral("hi alice")},
                  &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(findRow(m_app->messages(), "body", QStringLiteral("hi alice")) >= 0, Patience);
        const int row = findRow(m_app->messages(), "body", QStringLiteral("hi alice"));
        QCOMPARE(roleValue(m_app->messages(), row, "author").toString(), QStringLiteral("bob"));
        QTRY_VERIFY_WITH_TIMEOUT(
            !roleValue(m_app->members(), findRow(m_app->members(), "username", QStringLiteral("bob")), "invited")
                 .toBool(),
            Patience);

        // Alice answers with the keyboard: Shift+Enter is a new line, Enter sends.
        QQuickItem *input = visibleItem(QStringLiteral("composerInput"));
        QVERIFY(input);
        input->forceActiveFocus();
        QTRY_VERIFY(input->hasActiveFocus());
        typeText(QStringLiteral("hello bob"));
        QTest::keyClick(m_window, Qt::Key_Return, Qt::ShiftModifier);
        typeText(QStringLiteral("second line"));
        QTest::keyClick(m_window, Qt::Key_Return);
        QTRY_COMPARE(input->property("text").toString(), QString());
        const QString body = QStringLiteral("hello bob\nsecond line");
        QTRY_VERIFY_WITH_TIMEOUT(findRow(m_app->messages(), "body", body) >= 0, Patience);
        QTRY_VERIFY_WITH_TIMEOUT(
            roleValue(m_app->messages(), findRow(m_app->messages(), "body", body), "delivery").toInt() == 1, Patience);
        out = cli(QStringLiteral("bob"), {QStringLiteral("read"), QStringLiteral("Ops")});
        QVERIFY2(out.contains(QStringLiteral("hello bob")), qPrintable(out));
    }

    void verifyPeer()
    {
        QObject *page = item(QStringLiteral("mainPage"));
        QVERIFY(page);
        QVERIFY(QMetaObject::invokeMethod(page, "openVerification", Q_ARG(QString, QStringLiteral("bob"))));
        QTRY_COMPARE(flowState("verification"), 1 /* Compare */);
        QObject *flow = m_app->property("verification").value<QObject *>();
        QCOMPARE(flow->property("safetyNumberGroups").toStringList().size(), 12);
        // The peer sees the same number.
        const QString peerView =
            cli(QStringLiteral("bob"), {QStringLiteral("contacts"), QStringLiteral("show"), QStringLiteral("alice")});
        for (const QString &g : flow->property("safetyNumberGroups").toStringList())
            QVERIFY2(peerView.contains(g), qPrintable(peerView));
        QTRY_VERIFY(visibleItem(QStringLiteral("theyMatchButton")));
        QVERIFY(click(QStringLiteral("theyMatchButton")));
        QTRY_COMPARE(flowState("verification"), 2 /* Verified */);
        QTRY_VERIFY(visibleItem(QStringLiteral("verifiedResult")));
        QTRY_COMPARE(
            roleValue(m_app->members(), findRow(m_app->members(), "username", QStringLiteral("bob")), "trust").toInt(),
            2);
        QVERIFY(click(QStringLiteral("closeVerification")));
        QTRY_VERIFY(!visibleItem(QStringLiteral("theyMatchButton")));
    }

    void keyChangeBlocksSending()
    {
        // bob's keys change: the server hands out keys it made, self-signed in bob's name.
        {
            const tavern::crypto::Identity fake = tavern::crypto::randomIdentity(QStringLiteral("bob"));
            const QByteArray sig = tavern::crypto::sign(
                fake.signing, tavern::crypto::ctx::SignupSig,
                tavern::protocol::signupMessage(fake.username, fake.signing.publicKey, fake.box.publicKey));
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("attacker"));
            db.setDatabaseName(m_server.databasePath());
            QVERIFY(db.open());
            QSqlQuery q(db);
            q.prepare(
                QStringLiteral("UPDATE users SET sign_key = ?, box_key = ?, signup_sig = ? WHERE username = 'bob'"));
            q.addBindValue(fake.signing.publicKey);
            q.addBindValue(fake.box.publicKey);
            q.addBindValue(sig);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            QCOMPARE(q.numRowsAffected(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("attacker"));

        // Alice looks bob up (inviting him elsewhere): the change is caught and shown.
        QVERIFY(click(QStringLiteral("headerInviteButton")));
        QTRY_VERIFY(visibleItem(QStringLiteral("inviteUsernameInput")));
        QVERIFY(setText(QStringLiteral("inviteUsernameInput"), QStringLiteral("bob")));
        QVERIFY(click(QStringLiteral("inviteFind")));
        QTRY_COMPARE_WITH_TIMEOUT(flowState("invite"), 4 /* KeyChanged */, Patience);
        QVERIFY(visibleItem(QStringLiteral("inviteKeyChanged")));
        QVERIFY(!visibleItem(QStringLiteral("inviteSend")));
        QVERIFY(click(QStringLiteral("inviteCancel")));

        QObject *room = m_app->currentRoom();
        QTRY_VERIFY_WITH_TIMEOUT(room->property("composerBlocked").toBool(), Patience);
        QVERIFY(room->property("blockedBy").toStringList().contains(QStringLiteral("bob")));
        QTRY_VERIFY(visibleItem(QStringLiteral("keyChangeBanner")));
        QVERIFY(!visibleItem(QStringLiteral("composerInput")));
        QTRY_COMPARE(
            roleValue(m_app->members(), findRow(m_app->members(), "username", QStringLiteral("bob")), "trust").toInt(),
            3);
        // Nothing goes out while blocked, even through the controller.
        QSignalSpy errors(m_app, &AppController::error);
        m_app->send(QStringLiteral("must not go out"));
        QTRY_VERIFY(errors.count() >= 1 || findRow(m_app->messages(), "body", QStringLiteral("must not go out")) < 0);
        QCOMPARE(findRow(m_app->messages(), "body", QStringLiteral("must not go out")), -1);
        if (visibleItem(QStringLiteral("dismissError")))
            QVERIFY(click(QStringLiteral("dismissError")));

        // Acknowledged: the banner goes, the composer is back.
        QVERIFY(click(QStringLiteral("acceptKeyButton")));
        QTRY_VERIFY_WITH_TIMEOUT(!room->property("composerBlocked").toBool(), Patience);
        QTRY_VERIFY(visibleItem(QStringLiteral("composerInput")));
        QVERIFY(!visibleItem(QStringLiteral("keyChangeBanner")));
    }

    void cleanupTestCase() { m_engine.reset(); }
};

QTEST_MAIN(TestGuiChat)
#include "tst_gui_chat.moc"
