// DesktopIntegration: the app's presence outside its window — the tray icon with the unread
// count, desktop notifications (what to say: NotificationText; how: a Notifier backend),
// close-to-tray, and raising the window when a notification or a second launch asks for it.
#pragma once

#include "notificationtext.h"

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
    // controller: the Tavern.Ui App singleton, read through its meta-object (properties
    // unreadTotal, currentRoomId, rooms; signal notify(kind, roomId, title, body)), so the
    // shell needs no model headers.
    DesktopIntegration(QWindow *window, QObject *controller, QObject *parent = nullptr);
    ~DesktopIntegration() override;

    // Brings the window to the front (a second launch, a clicked notification).
    void raise();
    // Opens a room in the window (a clicked notification).
    void openRoom(const QString &roomId);

    [[nodiscard]] Tray *tray() const { return m_tray.get(); }
    [[nodiscard]] Notifier *notifier() const { return m_notifier.get(); }
    void setPrivacy(Privacy p) { m_privacy = p; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private Q_SLOTS:
    void onNotify(const QString &kind, const QString &roomId, const QString &title, const QString &body);
    void onUnreadChanged();

private:
    [[nodiscard]] QString roomName(const QString &roomId) const;

    QPointer<QWindow> m_window;
    QPointer<QObject> m_controller;
    std::unique_ptr<Tray> m_tray;
    std::unique_ptr<Notifier> m_notifier;
    NotificationText m_text;
    Privacy m_privacy = Privacy::NameAndMessage;
};

} // namespace tavern::app
