// The tray icon: the unread count is painted on it (badge pixels present only with a count,
// wider for 99+) and said in the tooltip.
#include "tray.h"

#include <QApplication>
#include <QTest>

using namespace tavern::app;

class TestTray : public QObject
{
    Q_OBJECT
private:
    static int badgePixels(const QImage &img)
    {
        int n = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QColor c = img.pixelColor(x, y);
                if (c.red() > 180 && c.green() < 80 && c.blue() < 80 && c.alpha() > 200)
                    ++n;
            }
        return n;
    }

private Q_SLOTS:
    void badgeText()
    {
        QCOMPARE(Tray::badgeText(0), QString());
        QCOMPARE(Tray::badgeText(-3), QString());
        QCOMPARE(Tray::badgeText(7), QStringLiteral("7"));
        QCOMPARE(Tray::badgeText(99), QStringLiteral("99"));
        QCOMPARE(Tray::badgeText(100), QStringLiteral("99+"));
    }

    void countIsPainted()
    {
        const QImage none = Tray::paint(0);
        const QImage one = Tray::paint(1);
        const QImage many = Tray::paint(250);
        QCOMPARE(none.size(), QSize(64, 64));
        QCOMPARE(badgePixels(none), 0);
        QVERIFY(badgePixels(one) > 100);
        QVERIFY(badgePixels(many) > badgePixels(one)); // the 99+ badge is wider
        QVERIFY(one != Tray::paint(2));                // the digit differs
    }

    void toolTipAndState()
    {
        Tray tray;
        QCOMPARE(tray.toolTip(), QStringLiteral("Tavern"));
        tray.setUnread(3);
        QCOMPARE(tray.unread(), 3);
        QVERIFY(tray.toolTip().contains(QStringLiteral("3")));
        tray.setUnread(-1);
        QCOMPARE(tray.unread(), 0);
        // Headless: no tray (stack-facts §8), and the app must not pretend there is one.
        QCOMPARE(Tray::available(), false);
    }
};

QTEST_MAIN(TestTray)
#include "tst_tray.moc"
