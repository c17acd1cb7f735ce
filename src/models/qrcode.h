// QrCode: draws `text` as a QR code (libqrencode), dark modules on light with the standard
// four-module quiet zone, scaled to whole pixels per module so scanners see sharp edges.
#pragma once

#include <QColor>
#include <QQuickPaintedItem>

namespace tavern::ui {

class QrCode : public QQuickPaintedItem
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)
    Q_PROPERTY(QColor darkColor READ darkColor WRITE setDarkColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor lightColor READ lightColor WRITE setLightColor NOTIFY colorsChanged)
    // Modules per side without the quiet zone (0 when empty or the text did not encode).
    Q_PROPERTY(int modules READ modules NOTIFY textChanged)
public:
    explicit QrCode(QQuickItem *parent = nullptr);

    [[nodiscard]] QString text() const { return m_text; }
    void setText(const QString &text);
    [[nodiscard]] QColor darkColor() const { return m_dark; }
    void setDarkColor(const QColor &c);
    [[nodiscard]] QColor lightColor() const { return m_light; }
    void setLightColor(const QColor &c);
    [[nodiscard]] int modules() const { return m_size; }
    // Module (x, y) is dark (tests read the matrix without rendering).
    [[nodiscard]] bool isDark(int x, int y) const;

    void paint(QPainter *painter) override;

Q_SIGNALS:
    void textChanged();
    void colorsChanged();

private:
    QString m_text;
    QColor m_dark = Qt::black;
    QColor m_light = Qt::white;
    int m_size = 0;
    QByteArray m_matrix; // m_size * m_size bytes, bit 0 set for dark
};

} // namespace tavern::ui
