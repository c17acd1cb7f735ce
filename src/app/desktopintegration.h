// DesktopIntegration: the app's presence outside its window — the tray icon with the unread
// count, desktop notifications (what to say: NotificationText; how: a Notifier backend),
// close-to-tray, and raising the window when a notification or a second launch asks for it.
#pragma once

#include <QObject>
#include <QPointer>
#include <QWindow>

#include <memory>

namespace tavern::app {

class Notifier;
class Tray;

class DesktopIntegration : public QObject
{
    Q_OBJECT
public:
    // controller: the Tavern.Ui App singleton (read through its meta-object: unreadTotal,
    // notify(kind, roomId, title, body), currentRoomId), so the shell needs no model headers.
    DesktopIntegration(QWindow *window, QObject *controller, QObject *parent = nullptr);
    ~DesktopIntegration() override;

    // Brings the window to the front (a second launch, a clicked notification).
    void raise();

private:
    QPointer<QWindow> m_window;
    QPointer<QObject> m_controller;
};

} // namespace tavern::app
