#include "desktopintegration.h"

#include "notifier.h"
#include "tray.h"

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QDateTime>
#include <QEvent>
#include <QMetaProperty>
#include <QSettings>

namespace tavern::app {

DesktopIntegration::DesktopIntegration(QWindow *window, QObject *controller, QObject *parent)
    : QObject(parent), m_window(window), m_controller(controller)
{
    const int privacy = QSettings().value(QStringLiteral("notifications/privacy"), 0).toInt();
    m_privacy = privacy == 1 ? Privacy::NameOnly : privacy == 2 ? Privacy::Nothing : Privacy::NameAndMessage;
    if (Tray::available()) {
        m_tray = std::make_unique<Tray>();
        connect(m_tray.get(), &Tray::showRequested, this, &DesktopIntegration::raise);
        connect(m_tray.get(), &Tray::quitRequested, qApp, &QCoreApplication::quit);
        // With a tray, closing the window hides it; Quit is in the tray menu.
        if (m_window)
            m_window->installEventFilter(this);
    }
    if (DBusNotifier::available())
        m_notifier = std::make_unique<DBusNotifier>();
    else if (m_tray)
        m_notifier = std::make_unique<TrayNotifier>(m_tray->icon());
    // Neither: notifications are off (a headless session); the window still shows everything.
    if (m_notifier)
        connect(m_notifier.get(), &Notifier::activated, this, &DesktopIntegration::openRoom);

    if (!m_controller)
        return;
    connect(m_controller, SIGNAL(notify(QString, QString, QString, QString)), this,
            SLOT(onNotify(QString, QString, QString, QString)));
    const QMetaObject *mo = m_controller->metaObject();
    const int unread = mo->indexOfProperty("unreadTotal");
    if (unread >= 0 && mo->property(unread).hasNotifySignal()) {
        const QMetaMethod slot = metaObject()->method(metaObject()->indexOfSlot("onUnreadChanged()"));
        connect(m_controller, mo->property(unread).notifySignal(), this, slot);
    }
    onUnreadChanged();
}

DesktopIntegration::~DesktopIntegration() = default;

void DesktopIntegration::raise()
{
    if (!m_window)
        return;
    m_window->show();
    m_window->raise();
    m_window->requestActivate();
}

void DesktopIntegration::openRoom(const QString &roomId)
{
    if (m_controller && !roomId.isEmpty())
        m_controller->setProperty("currentRoomId", roomId);
    m_text.roomRead(roomId);
    raise();
}

bool DesktopIntegration::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window && event->type() == QEvent::Close && m_tray) {
        event->ignore();
        m_window->hide();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

void DesktopIntegration::onNotify(const QString &kind, const QString &roomId, const QString &title, const QString &body)
{
    if (!m_notifier)
        return;
    NotificationContext ctx;
    ctx.windowActive = m_window && m_window->isActive();
    ctx.currentRoomId = m_controller ? m_controller->property("currentRoomId").toString() : QString();
    ctx.privacy = m_privacy;
    const NotificationEvent e{kind, roomId, roomName(roomId), title, body, QDateTime::currentMSecsSinceEpoch()};
    if (const auto n = m_text.compose(e, ctx))
        m_notifier->show(*n);
}

void DesktopIntegration::onUnreadChanged()
{
    if (m_tray && m_controller)
        m_tray->setUnread(m_controller->property("unreadTotal").toInt());
}

QString DesktopIntegration::roomName(const QString &roomId) const
{
    // The room list model (docs/app.md: roles roomId and name).
    auto *rooms =
        m_controller ? qobject_cast<QAbstractItemModel *>(m_controller->property("rooms").value<QObject *>()) : nullptr;
    if (!rooms)
        return {};
    const auto roles = rooms->roleNames();
    const int idRole = roles.key("roomId", -1), nameRole = roles.key("name", -1);
    if (idRole < 0 || nameRole < 0)
        return {};
    for (int r = 0; r < rooms->rowCount(); ++r) {
        const QModelIndex i = rooms->index(r, 0);
        if (i.data(idRole).toString() == roomId)
            return i.data(nameRole).toString();
    }
    return {};
}

} // namespace tavern::app
