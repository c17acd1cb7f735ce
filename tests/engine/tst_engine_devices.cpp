// Devices online (Session::listDevices, Session::devicesChanged, devices.cpp): two devices of
// alice see each other, each marked current on its own list, with the id the engine keeps in
// its cache and "<application> on <host>"; one stopping tells the other.
#include "enginetest.h"

#include <QSignalSpy>
#include <QSysInfo>

using namespace tavern;
using namespace tavern::test;

namespace {
// Lists and waits for the answer.
Result<QList<Session::DeviceInfo>> list(Session &s)
{
    std::optional<Result<QList<Session::DeviceInfo>>> out;
    s.listDevices([&out](Result<QList<Session::DeviceInfo>> r) { out = std::move(r); });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, WaitMs))
        return Error{1, QStringLiteral("no answer to devices.list")};
    return *out;
}
} // namespace

class TestEngineDevices : public QObject
{
    Q_OBJECT

    EngineWorld m_world;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_world.start()); }

    void twoDevices()
    {
        const QString secret = m_world.signup(QStringLiteral("alice"));
        QVERIFY(!secret.isEmpty());
        QVERIFY(m_world.login(QStringLiteral("alice-phone"), QStringLiteral("alice"), secret));
        auto laptop = m_world.open(QStringLiteral("alice"));
        QVERIFY(laptop);
        QSignalSpy changed(laptop.get(), &Session::devicesChanged);
        auto phone = m_world.open(QStringLiteral("alice-phone"));
        QVERIFY(phone);
        // The laptop hears that the phone logged in (and then lists both).
        QVERIFY(QTest::qWaitFor([&] { return changed.count() >= 1; }, WaitMs));
        QVERIFY(QTest::qWaitFor(
            [&] {
                auto r = list(*laptop);
                return r.ok() && r->size() == 2;
            },
            WaitMs));

        const QString name = QStringLiteral("%1 on %2")
                                 .arg(QCoreApplication::applicationName(), QSysInfo::machineHostName())
                                 .left(64)
                                 .trimmed();
        QByteArray laptopId, phoneId;
        for (Session *s : {laptop.get(), phone.get()}) {
            auto r = list(*s);
            QVERIFY2(r.ok(), why(r).constData());
            QCOMPARE(r->size(), 2);
            int current = 0;
            for (const Session::DeviceInfo &d : *r) {
                QCOMPARE(d.id.size(), 16);
                QCOMPARE(d.name, name);
                QVERIFY(d.sinceMs > 0);
                if (d.current) {
                    ++current;
                    (s == laptop.get() ? laptopId : phoneId) = d.id;
                }
            }
            QCOMPARE(current, 1);
        }
        // Each device its own id, the one its cache keeps (the pin log's `device-id`).
        QVERIFY(laptopId != phoneId);
        auto stored = laptop->cache().meta(QStringLiteral("device-id"));
        QVERIFY(stored && *stored);
        QCOMPARE(**stored, laptopId);

        // The phone stops: the laptop is told and lists itself alone.
        const int before = int(changed.count());
        phone->connection().stop();
        QVERIFY(QTest::qWaitFor([&] { return changed.count() > before; }, WaitMs));
        QVERIFY(QTest::qWaitFor(
            [&] {
                auto l = list(*laptop);
                return l.ok() && l->size() == 1;
            },
            WaitMs));
        auto r = list(*laptop);
        QVERIFY2(r.ok(), why(r).constData());
        QCOMPARE(r->size(), 1);
        QCOMPARE(r->first().id, laptopId);
        QVERIFY(r->first().current);

        // Not logged in: refused at once, not queued.
        auto offline = list(*phone);
        QVERIFY(!offline.ok());
        QCOMPARE(offline.error().code, int(client::LinkError::NotReady));
    }
};

QTEST_GUILESS_MAIN(TestEngineDevices)
#include "tst_engine_devices.moc"
