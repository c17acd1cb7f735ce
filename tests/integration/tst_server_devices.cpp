// Devices online: auth.login's `device` map, devices.list and the devices.changed push,
// against the real server process (docs/wire-protocol.md 3.2, 4.6, 5).
#include "crypto/contexts.h"
#include "crypto/sign.h"
#include "protocol/ops.h"
#include "serverprocess.h"
#include "testclient.h"

#include <QCborArray>
#include <QDateTime>
#include <QTest>

using namespace tavern;
using protocol::ErrorCode;
using protocol::Frame;
using protocol::FrameType;
namespace op = protocol::op;
namespace push = protocol::push;

namespace {
QByteArray deviceId(char fill)
{
    return QByteArray(protocol::DeviceIdBytes, fill);
}

QCborMap deviceMap(const QCborValue &id, const QCborValue &name)
{
    QCborMap d; // undefined: the key is left out
    if (!id.isUndefined())
        d.insert(QStringLiteral("id"), id);
    if (!name.isUndefined())
        d.insert(QStringLiteral("name"), name);
    return d;
}
} // namespace

class TestServerDevices : public QObject
{
    Q_OBJECT

    test::ServerProcess m_server;

    // Challenge and login with `device` in the login body (absent when undefined).
    Frame login(test::TestClient &c, const crypto::Identity &id, const QCborValue &device)
    {
        QCborMap ask;
        ask.insert(QStringLiteral("username"), id.username);
        const Frame ch = c.request(op::Challenge, ask);
        if (ch.type != FrameType::Response)
            return ch;
        const QByteArray nonce = ch.body.value(QStringLiteral("nonce")).toByteArray();
        QCborMap body;
        body.insert(QStringLiteral("username"), id.username);
        body.insert(QStringLiteral("nonce"), nonce);
        body.insert(QStringLiteral("sig"),
                    crypto::sign(id.signing, crypto::ctx::AuthChallengeSig, protocol::authMessage(nonce, id.username)));
        if (!device.isUndefined())
            body.insert(QStringLiteral("device"), device);
        return c.request(op::Auth, body);
    }
    static QCborArray devices(test::TestClient &c)
    {
        const Frame r = c.request(op::DevicesList);
        if (r.type != FrameType::Response)
            qWarning() << "devices.list:" << protocol::errorName(r.code) << r.message;
        return r.body.value(QStringLiteral("devices")).toArray();
    }
    static QStringList names(const QCborArray &list)
    {
        QStringList out;
        for (const QCborValue &v : list)
            out.append(v.toMap().value(QStringLiteral("name")).toString());
        return out;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_server.start(), qPrintable(m_server.logs())); }

    void listsOwnConnectionsOnly()
    {
        const auto alice = crypto::randomIdentity(QStringLiteral("alice"));
        const auto bob = crypto::randomIdentity(QStringLiteral("bob"));
        test::TestClient a1(m_server.url()), a2(m_server.url()), b(m_server.url());
        QVERIFY(a1.open());
        QVERIFY(a2.open());
        QVERIFY(b.open());
        QCOMPARE(a1.signup(alice).type, FrameType::Response);
        QCOMPARE(b.signup(bob).type, FrameType::Response);
        QCOMPARE(a1.request(op::DevicesList).code, ErrorCode::Unauthenticated);

        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(login(a1, alice, deviceMap(deviceId('1'), QStringLiteral("tavern on laptop"))).type,
                 FrameType::Response);
        QCOMPARE(login(b, bob, deviceMap(deviceId('b'), QStringLiteral("tavern on bobs-pc"))).type,
                 FrameType::Response);
        // Leading/trailing spaces are trimmed; any other Unicode is kept as sent.
        QCOMPARE(
            login(a2, alice, deviceMap(deviceId('2'), QStringLiteral(" tavern-cli on \u00e9t\u00e9 \U0001F37A "))).type,
            FrameType::Response);
        // a1 learns that a2 logged in; a2 (the one that logged in) gets no push.
        QVERIFY(a1.waitForPush(push::DevicesChanged));
        QVERIFY(a1.pushes(push::DevicesChanged).first().body.isEmpty());

        for (test::TestClient *c : {&a1, &a2}) {
            const QCborArray list = devices(*c);
            QCOMPARE(list.size(), 2);
            // Oldest login first.
            QCOMPARE(names(list), (QStringList{QStringLiteral("tavern on laptop"),
                                               QStringLiteral("tavern-cli on \u00e9t\u00e9 \U0001F37A")}));
            const QCborMap first = list[0].toMap(), second = list[1].toMap();
            QCOMPARE(first.value(QStringLiteral("id")).toByteArray(), deviceId('1'));
            QCOMPARE(second.value(QStringLiteral("id")).toByteArray(), deviceId('2'));
            QCOMPARE(first.value(QStringLiteral("current")).toBool(), c == &a1);
            QCOMPARE(second.value(QStringLiteral("current")).toBool(), c == &a2);
            const qint64 since = first.value(QStringLiteral("since")).toInteger();
            QVERIFY(since >= before - 1000 && since <= QDateTime::currentMSecsSinceEpoch() + 1000);
            QVERIFY(second.value(QStringLiteral("since")).toInteger() >= since);
        }
        // Bob sees only his own connection, and no push about alice's.
        const QCborArray bobs = devices(b);
        QCOMPARE(names(bobs), QStringList{QStringLiteral("tavern on bobs-pc")});
        QVERIFY(bobs[0].toMap().value(QStringLiteral("current")).toBool());
        QVERIFY(b.pushes(push::DevicesChanged).isEmpty());

        // a2 closes: a1 is told, and a2 is gone from the list.
        const auto pushed = a1.pushes(push::DevicesChanged).size();
        a2.close();
        QVERIFY(a1.waitForPush(push::DevicesChanged, int(pushed) + 1));
        const QCborArray after = devices(a1);
        QCOMPARE(names(after), QStringList{QStringLiteral("tavern on laptop")});
        QVERIFY(after[0].toMap().value(QStringLiteral("current")).toBool());
        QCOMPARE(names(devices(b)), QStringList{QStringLiteral("tavern on bobs-pc")});
        QVERIFY(b.pushes(push::DevicesChanged).isEmpty());
        // A connection that never logged in is no device, and closing it tells nobody.
        {
            test::TestClient anon(m_server.url());
            QVERIFY(anon.open());
            anon.close();
        }
        QCOMPARE(a1.request(op::Ping).type, FrameType::Response);
        QCOMPARE(devices(a1).size(), 1);
        QCOMPARE(a1.pushes(push::DevicesChanged).size(), pushed + 1);
    }

    void loginWithoutDevice()
    {
        // Older clients send no map: listed with an empty id and name.
        const auto carol = crypto::randomIdentity(QStringLiteral("carol"));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QCOMPARE(c.signup(carol).type, FrameType::Response);
        QCOMPARE(login(c, carol, QCborValue()).type, FrameType::Response);
        const QCborArray list = devices(c);
        QCOMPARE(list.size(), 1);
        QVERIFY(list[0].toMap().value(QStringLiteral("id")).toByteArray().isEmpty());
        QCOMPARE(list[0].toMap().value(QStringLiteral("name")).toString(), QString());
        QVERIFY(list[0].toMap().value(QStringLiteral("current")).toBool());
    }

    void badDevice_data()
    {
        QTest::addColumn<QCborValue>("device");
        QTest::newRow("not a map") << QCborValue(QStringLiteral("laptop"));
        QTest::newRow("no id") << QCborValue(deviceMap(QCborValue(), QStringLiteral("laptop")));
        QTest::newRow("short id") << QCborValue(deviceMap(QByteArray(15, 'x'), QStringLiteral("laptop")));
        QTest::newRow("long id") << QCborValue(deviceMap(QByteArray(17, 'x'), QStringLiteral("laptop")));
        QTest::newRow("text id") << QCborValue(deviceMap(QString(16, u'x'), QStringLiteral("laptop")));
        QTest::newRow("no name") << QCborValue(deviceMap(deviceId('x'), QCborValue()));
        QTest::newRow("bytes name") << QCborValue(deviceMap(deviceId('x'), QByteArray("laptop")));
        QTest::newRow("empty name") << QCborValue(deviceMap(deviceId('x'), QStringLiteral("   ")));
        QTest::newRow("65 chars") << QCborValue(deviceMap(deviceId('x'), QString(65, u'a')));
        QTest::newRow("65 emoji") << QCborValue(
            deviceMap(deviceId('x'), QString(QStringLiteral("\U0001F37A")).repeated(65)));
        QTest::newRow("newline") << QCborValue(deviceMap(deviceId('x'), QStringLiteral("tavern\non host")));
        QTest::newRow("bidi override") << QCborValue(deviceMap(deviceId('x'), QStringLiteral("tavern \u202Etsoh")));
    }

    void badDevice()
    {
        QFETCH(QCborValue, device);
        static int row = 0;
        const auto dan = crypto::randomIdentity(QStringLiteral("dan%1").arg(++row));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QCOMPARE(c.signup(dan).type, FrameType::Response);
        const Frame r = login(c, dan, device);
        QCOMPARE(r.type, FrameType::Error);
        QCOMPARE(r.code, ErrorCode::BadDevice);
        QVERIFY2(r.message.startsWith(QStringLiteral("device:")), qPrintable(r.message));
        // Refused before the challenge was looked at: the connection stays anonymous.
        QCOMPARE(c.request(op::DevicesList).code, ErrorCode::Unauthenticated);
        // 64 characters (code points, not UTF-16 units) is the limit.
        const QString longest = QString(QStringLiteral("\U0001F37A")).repeated(64);
        QCOMPARE(login(c, dan, deviceMap(deviceId('x'), longest)).type, FrameType::Response);
        QCOMPARE(names(devices(c)), QStringList{longest});
    }
};

QTEST_GUILESS_MAIN(TestServerDevices)
#include "tst_server_devices.moc"
