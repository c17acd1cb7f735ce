#include "qrcode.h"

#include <QPainter>

#include <qrencode.h>

#include <memory>

namespace tavern::ui {

namespace {
constexpr int QuietZone = 4; // modules, as the QR standard asks
}

QrCode::QrCode(QQuickItem *parent) : QQuickPaintedItem(parent)
{
    setAntialiasing(false);
    setImplicitSize(200, 200);
}

void QrCode::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_size = 0;
    m_matrix.clear();
    if (!text.isEmpty()) {
        // Level M: survives a smudge on a screen photo, still small for a 100-character payload.
        const QByteArray utf8 = text.toUtf8();
        std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString8bit(utf8.constData(), 0, QR_ECLEVEL_M),
                                                             &QRcode_free);
        if (code) {
            m_size = code->width;
            m_matrix = QByteArray(reinterpret_cast<const char *>(code->data), qsizetype(m_size) * m_size);
        }
    }
    Q_EMIT textChanged();
    update();
}

void QrCode::setDarkColor(const QColor &c)
{
    if (c == m_dark)
        return;
    m_dark = c;
    Q_EMIT colorsChanged();
    update();
}

void QrCode::setLightColor(const QColor &c)
{
    if (c == m_light)
        return;
    m_light = c;
    Q_EMIT colorsChanged();
    update();
}

bool QrCode::isDark(int x, int y) const
{
    if (x < 0 || y < 0 || x >= m_size || y >= m_size)
        return false;
    return m_matrix.at(y * m_size + x) & 1;
}

void QrCode::paint(QPainter *painter)
{
    const QRectF area = boundingRect();
    painter->fillRect(area, m_light);
    if (m_size == 0)
        return;
    const int side = int(std::min(area.width(), area.height()));
    const int total = m_size + 2 * QuietZone;
    const int scale = std::max(1, side / total);
    const int offsetX = int(area.x()) + (int(area.width()) - scale * total) / 2 + scale * QuietZone;
    const int offsetY = int(area.y()) + (int(area.height()) - scale * total) / 2 + scale * QuietZone;
    for (int y = 0; y < m_size; ++y) {
        for (int x = 0; x < m_size; ++x) {
            if (isDark(x, y))
                painter->fillRect(offsetX + x * scale, offsetY + y * scale, scale, scale, m_dark);
        }
    }
}

} // namespace tavern::ui
