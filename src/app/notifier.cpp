#include "notifier.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QSystemTrayIcon>
#include <QtDBus/QDBusMessage>

namespace tavern::app {

namespace {
const QString Service = QStringLiteral("org.freedesktop.Notifications");
const QString Path = QStringLiteral("/org/freedesktop/Notifications");
const QString Interface = QStringLiteral("org.freedesktop.Notifications");

// The spec allows a subset of HTML in bodies; text from other people must not become markup.
QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}
} // namespace

DBusNotifier::DBusNotifier(QObject *parent) : Notifier(parent)
{
    auto bus = QDBusConnection::sessionBus();
    bus.connect(Service, Path, Interface, QStringLiteral("ActionInvoked"), this, SLOT(onActionInvoked(uint, QString)));
    bus.connect(Service, Path, Interface, QStringLiteral("NotificationClosed"), this, SLOT(onClosed(uint, uint)));
}

bool DBusNotifier::available()
{
    auto bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    if (bus.interface()->isServiceRegistered(Service))
        return true;
    const QDBusReply<QStringList> activatable = bus.interface()->call(QStringLiteral("ListActivatableNames"));
    return activatable.isValid() && activatable.value().contains(Service);
}

void DBusNotifier::show(const Notification &n)
{
    QDBusMessage call = QDBusMessage::createMethodCall(Service, Path, Interface, QStringLiteral("Notify"));
    const uint replaces = n.replaces.isEmpty() ? 0u : m_replaceIds.value(n.replaces, 0u);
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue<uchar>(n.urgent ? 2 : 1));
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("tavern"));
    hints.insert(QStringLiteral("category"), n.urgent ? QStringLiteral("im.error") : QStringLiteral("im.received"));
    call << QStringLiteral("Tavern") << replaces << QStringLiteral("tavern") << n.title << escaped(n.body)
         << QStringList{QStringLiteral("default"), tr("Open")} << hints << qint32(-1);
    // Asynchronous: a slow notification server never stalls the app.
    auto *watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, room = n.roomId, key = n.replaces] {
        watcher->deleteLater();
        const QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError()) {
            Q_EMIT failed(reply.error().message());
            return;
        }
        m_lastId = reply.value();
        m_rooms.insert(m_lastId, room);
        if (!key.isEmpty())
            m_replaceIds.insert(key, m_lastId);
        Q_EMIT shown(m_lastId);
    });
}

void DBusNotifier::onActionInvoked(uint id, const QString &action)
{
    Q_UNUSED(action) // "default" (a click on the body) and "Open" both open the room
    const auto it = m_rooms.constFind(id);
    if (it != m_rooms.constEnd())
        Q_EMIT activated(*it);
}

void DBusNotifier::onClosed(uint id, uint reason)
{
    Q_UNUSED(reason)
    m_rooms.remove(id);
    for (auto it = m_replaceIds.begin(); it != m_replaceIds.end();) {
        if (it.value() == id)
            it = m_replaceIds.erase(it);
        else
            ++it;
    }
}

TrayNotifier::TrayNotifier(QSystemTrayIcon *tray, QObject *parent) : Notifier(parent), m_tray(tray)
{
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        if (!m_lastRoom.isEmpty())
            Q_EMIT activated(m_lastRoom);
    });
}

void TrayNotifier::show(const Notification &n)
{
    m_lastRoom = n.roomId;
    m_tray->showMessage(n.title, n.body, n.urgent ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information);
}

} // namespace tavern::app
