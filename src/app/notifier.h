// Notifier: how a notification reaches the desktop. DBusNotifier speaks
// org.freedesktop.Notifications (Linux desktops); TrayNotifier uses the tray balloon
// (Windows, macOS, and Linux without a notification server).
#pragma once

#include "notificationtext.h"

#include <QHash>
#include <QObject>

class QSystemTrayIcon;

namespace tavern::app {

class Notifier : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void show(const Notification &n) = 0;

Q_SIGNALS:
    // The user clicked a notification: open this room.
    void activated(const QString &roomId);
};

class DBusNotifier : public Notifier
{
    Q_OBJECT
public:
    explicit DBusNotifier(QObject *parent = nullptr);
    // True when the session bus has a notification server (registered or activatable).
    [[nodiscard]] static bool available();
    void show(const Notification &n) override;

    // The server's id of the last notification shown (0 until the server answered).
    [[nodiscard]] uint lastId() const { return m_lastId; }

Q_SIGNALS:
    void shown(uint id);
    void failed(const QString &error);

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    QHash<uint, QString> m_rooms;      // notification id -> room to open
    QHash<QString, uint> m_replaceIds; // Notification::replaces -> id to replace
    uint m_lastId = 0;
};

class TrayNotifier : public Notifier
{
    Q_OBJECT
public:
    TrayNotifier(QSystemTrayIcon *tray, QObject *parent = nullptr);
    void show(const Notification &n) override;

private:
    QSystemTrayIcon *m_tray;
    QString m_lastRoom; // a balloon click carries no id: it opens the last one shown
};

} // namespace tavern::app
