#include "tray.h"

#include <QIcon>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>

namespace tavern::app {

Tray::Tray(QObject *parent) : QObject(parent)
{
    m_menu = std::make_unique<QMenu>();
    m_menu->addAction(tr("Show Tavern"), this, &Tray::showRequested);
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), this, &Tray::quitRequested);
    m_icon = std::make_unique<QSystemTrayIcon>();
    m_icon->setContextMenu(m_menu.get());
    connect(m_icon.get(), &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT showRequested();
    });
    setUnread(0);
    if (available())
        m_icon->show();
}

Tray::~Tray() = default;

bool Tray::available()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

QString Tray::badgeText(int unread)
{
    if (unread <= 0)
        return {};
    return unread > 99 ? QStringLiteral("99+") : QString::number(unread);
}

QString Tray::toolTip() const
{
    if (m_unread <= 0)
        return tr("Tavern");
    return tr("Tavern — %n unread message(s)", nullptr, m_unread);
}

void Tray::setUnread(int unread)
{
    m_unread = qMax(0, unread);
    m_icon->setIcon(QIcon(QPixmap::fromImage(paint(m_unread))));
    m_icon->setToolTip(toolTip());
}

QImage Tray::paint(int unread, int size)
{
    QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    // The mark: the accent colour (docs/app.md, Theme) with a "T".
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x2f, 0x6f, 0xeb));
    p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22);
    QFont f;
    f.setBold(true);
    f.setPixelSize(int(size * 0.62));
    p.setFont(f);
    p.setPen(Qt::white);
    p.drawText(QRectF(0, 0, size, size), Qt::AlignCenter, QStringLiteral("T"));

    const QString text = badgeText(unread);
    if (!text.isEmpty()) {
        const qreal h = size * 0.5;
        const qreal w = text.size() > 1 ? size * 0.36 * text.size() : h;
        const QRectF badge(size - w, 0, w, h);
        p.setBrush(QColor(0xd9, 0x30, 0x25));
        p.setPen(QPen(Qt::white, size / 32.0));
        p.drawRoundedRect(badge, h / 2, h / 2);
        f.setPixelSize(int(h * (text.size() > 2 ? 0.55 : 0.7)));
        p.setFont(f);
        p.setPen(Qt::white);
        p.drawText(badge, Qt::AlignCenter, text);
    }
    return img;
}

} // namespace tavern::app
