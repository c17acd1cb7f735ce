// Tray: the tray icon with the unread count painted on it and in its tooltip (Qt 6.4 has no
// setBadgeNumber), a Show/Quit menu, and the signal to bring the window back. Only created
// when the platform has a tray (QSystemTrayIcon::isSystemTrayAvailable, stack-facts §8).
#pragma once

#include <QImage>
#include <QObject>

#include <memory>

class QMenu;
class QSystemTrayIcon;

namespace tavern::app {

class Tray : public QObject
{
    Q_OBJECT
public:
    explicit Tray(QObject *parent = nullptr);
    ~Tray() override;

    [[nodiscard]] static bool available();
    void setUnread(int unread);
    [[nodiscard]] int unread() const { return m_unread; }
    [[nodiscard]] QString toolTip() const;
    [[nodiscard]] QSystemTrayIcon *icon() const { return m_icon.get(); }

    // The icon for a count: the Tavern mark, and a red badge with the count (99+ above 99).
    [[nodiscard]] static QImage paint(int unread, int size = 64);
    [[nodiscard]] static QString badgeText(int unread);

Q_SIGNALS:
    void showRequested();
    void quitRequested();

private:
    std::unique_ptr<QMenu> m_menu;
    std::unique_ptr<QSystemTrayIcon> m_icon;
    int m_unread = 0;
};

} // namespace tavern::app
