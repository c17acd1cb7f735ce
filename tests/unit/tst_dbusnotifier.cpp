// The D-Bus notifier against a notification server double on a private session bus (no
// desktop here: stack-facts §8): what it sends (title, escaped body, urgency, replaces id),
// and that clicking a notification opens its room. A server that fails is reported, not hung on.
#include "notifier.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QSignalSpy>
#include <QTest>

using namespace tavern::app;

// The fault double: a minimal org.freedesktop.Notifications on its own bus connection.
class NotificationServer : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call
    {
        uint replaces;
        QString summary, body;
        QStringList actions;
        QVariantMap hints;
    };
    QList<Call> calls;
    uint nextId = 41;
    bool fail = false;

public Q_SLOTS:
    uint Notify(const QString &app, uint replaces, const QString &icon, const QString &summary, const QString &body,
                const QStringList &actions, const QVariantMap &hints, int timeout, const QDBusMessage &message)
    {
        Q_UNUSED(app)
        Q_UNUSED(icon)
        Q_UNUSED(timeout)
        if (fail) {
            message.setDelayedReply(true);
            QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("double"))
                .send(message.createErrorReply(QStringLiteral("org.example.Broken"), QStringLiteral("server broken")));
            return 0;
        }
        calls.append({replaces, summary, body, actions, hints});
        return replaces ? replaces : ++nextId;
    }
};

class TestDBusNotifier : public QObject
{
    Q_OBJECT
private:
    QDBusConnection m_double = QDBusConnection(QString());
    NotificationServer m_server;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QDBusConnection::sessionBus().isConnected(),
                 "needs a session bus: run under tests/support/with-keyring.sh");
        QVERIFY(!DBusNotifier::available()); // no notification server yet
        m_double = QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("double"));
        QVERIFY(m_double.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &m_server,
                                        QDBusConnection::ExportAllSlots));
        QVERIFY(m_double.registerService(QStringLiteral("org.freedesktop.Notifications")));
        QVERIFY(DBusNotifier::available());
    }

    void sendsAndReplaces()
    {
        DBusNotifier n;
        QSignalSpy shown(&n, &DBusNotifier::shown);
        n.show({QStringLiteral("bob in Design"), QStringLiteral("<b>hi</b> & bye"), QStringLiteral("r1"),
                QStringLiteral("room:r1"), false});
        QVERIFY(shown.wait(5000));
        QCOMPARE(m_server.calls.size(), 1);
        const auto &c = m_server.calls.first();
        QCOMPARE(c.summary, QStringLiteral("bob in Design"));
        QCOMPARE(c.body, QStringLiteral("&lt;b&gt;hi&lt;/b&gt; &amp; bye")); // never markup
        QCOMPARE(c.replaces, 0u);
        QVERIFY(c.actions.contains(QStringLiteral("default")));
        QCOMPARE(c.hints.value(QStringLiteral("urgency")).toInt(), 1);
        const uint first = n.lastId();
        QVERIFY(first > 0);

        // The same key replaces the notification on screen; an urgent one says so.
        n.show({QStringLiteral("Design"), QStringLiteral("2 new messages"), QStringLiteral("r1"),
                QStringLiteral("room:r1"), false});
        QVERIFY(shown.wait(5000));
        QCOMPARE(m_server.calls.last().replaces, first);
        n.show(
            {QStringLiteral("Security notice in Design"), QStringLiteral("x"), QStringLiteral("r1"), QString(), true});
        QVERIFY(shown.wait(5000));
        QCOMPARE(m_server.calls.last().replaces, 0u);
        QCOMPARE(m_server.calls.last().hints.value(QStringLiteral("urgency")).toInt(), 2);
    }

    void clickOpensTheRoom()
    {
        DBusNotifier n;
        QSignalSpy shown(&n, &DBusNotifier::shown);
        QSignalSpy activated(&n, &Notifier::activated);
        n.show({QStringLiteral("alice invited you to Ops"), QStringLiteral("..."), QStringLiteral("room-ops"),
                QString(), false});
        QVERIFY(shown.wait(5000));
        QDBusMessage signal = QDBusMessage::createSignal(QStringLiteral("/org/freedesktop/Notifications"),
                                                         QStringLiteral("org.freedesktop.Notifications"),
                                                         QStringLiteral("ActionInvoked"));
        signal << n.lastId() << QStringLiteral("default");
        QVERIFY(m_double.send(signal));
        QVERIFY(activated.wait(5000));
        QCOMPARE(activated.first().first().toString(), QStringLiteral("room-ops"));

        // A click on an id this notifier never showed opens nothing.
        QDBusMessage other = QDBusMessage::createSignal(QStringLiteral("/org/freedesktop/Notifications"),
                                                        QStringLiteral("org.freedesktop.Notifications"),
                                                        QStringLiteral("ActionInvoked"));
        other << uint(9999) << QStringLiteral("default");
        QVERIFY(m_double.send(other));
        QVERIFY(!activated.wait(300));
        QCOMPARE(activated.count(), 1);
    }

    void brokenServerIsReported()
    {
        m_server.fail = true;
        DBusNotifier n;
        QSignalSpy failed(&n, &DBusNotifier::failed);
        n.show({QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("r"), QString(), false});
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("broken")));
        m_server.fail = false;
    }
};

QTEST_GUILESS_MAIN(TestDBusNotifier)
#include "tst_dbusnotifier.moc"
