// The QR item: a text encodes into a square module matrix with the finder patterns in three
// corners, paints dark modules on light inside a light quiet zone, and an empty text draws
// nothing but the light background.
#include "qrcode.h"

#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>

using tavern::ui::QrCode;

class TestModelsQrCode : public QObject
{
    Q_OBJECT

    static QImage render(QrCode &qr, int side)
    {
        qr.setSize(QSizeF(side, side));
        QImage image(side, side, QImage::Format_RGB32);
        image.fill(Qt::red); // anything paint() leaves untouched shows up red
        QPainter p(&image);
        qr.paint(&p);
        return image;
    }

private Q_SLOTS:
    void encodesAndDrawsWithAQuietZone()
    {
        QrCode qr;
        QSignalSpy changed(&qr, &QrCode::textChanged);
        QCOMPARE(qr.modules(), 0);
        qr.setText(
            QStringLiteral("tavern-verify:1:alice:bob:123456789012345678901234567890123456789012345678901234567890"));
        QCOMPARE(changed.size(), 1);
        const int n = qr.modules();
        QVERIFY2(n >= 21 && (n - 17) % 4 == 0, qPrintable(QString::number(n))); // a QR version's size
        // Finder patterns: a dark 7x7 ring with a dark 3x3 centre in three corners.
        for (auto [x0, y0] : {std::pair{0, 0}, std::pair{n - 7, 0}, std::pair{0, n - 7}}) {
            QVERIFY(qr.isDark(x0, y0) && qr.isDark(x0 + 6, y0 + 6) && qr.isDark(x0 + 3, y0 + 3));
            QVERIFY(!qr.isDark(x0 + 1, y0 + 1));
        }

        const int side = (n + 8) * 4; // 4 px per module, quiet zone included
        const QImage image = render(qr, side);
        // Quiet zone: 4 modules of light all round; first module dark (finder corner).
        for (int i = 0; i < 16; ++i) {
            QCOMPARE(image.pixelColor(i, i), QColor(Qt::white));
            QCOMPARE(image.pixelColor(side - 1 - i, side - 1 - i), QColor(Qt::white));
        }
        QCOMPARE(image.pixelColor(16, 16), QColor(Qt::black));
        QCOMPARE(image.pixelColor(16 + 4 * 1 + 1, 16 + 4 * 1 + 1), QColor(Qt::white)); // inside the ring
        QCOMPARE(image.pixelColor(16 + 4 * 3 + 1, 16 + 4 * 3 + 1), QColor(Qt::black)); // the centre
        // Every pixel painted (no red left) and only the two colours used.
        for (int y = 0; y < side; y += 3) {
            for (int x = 0; x < side; x += 3) {
                const QColor c = image.pixelColor(x, y);
                QVERIFY(c == QColor(Qt::white) || c == QColor(Qt::black));
            }
        }
    }

    void colorsAndEmptyText()
    {
        QrCode qr;
        qr.setDarkColor(QColor(0x20, 0x20, 0x40));
        qr.setLightColor(QColor(0xfa, 0xfa, 0xf0));
        qr.setText(QStringLiteral("x"));
        QVERIFY(qr.modules() > 0);
        const QImage image = render(qr, (qr.modules() + 8) * 2);
        QCOMPARE(image.pixelColor(8, 8), QColor(0x20, 0x20, 0x40));
        qr.setText(QString());
        QCOMPARE(qr.modules(), 0);
        const QImage empty = render(qr, 64);
        QCOMPARE(empty.pixelColor(32, 32), QColor(0xfa, 0xfa, 0xf0));
    }
};

QTEST_MAIN(TestModelsQrCode)
#include "tst_models_qrcode.moc"
