// Session: devices online. Each login tells the server this device's id (the pin log's
// cache meta `device-id`, pinsync.cpp) and a name; devices.list answers which of the user's
// connections are logged in now, and the devices.changed push says that changed.
#include "session.h"

#include "protocol/ops.h"

#include <QCborArray>
#include <QCoreApplication>
#include <QSysInfo>

namespace tavern::client {

namespace {
// "<application> on <host>", without characters the server refuses, cut to its limit.
QString deviceName()
{
    QString app = QCoreApplication::applicationName();
    if (app.isEmpty())
        app = QStringLiteral("tavern");
    QString host = QSysInfo::machineHostName();
    if (host.isEmpty())
        host = QStringLiteral("unknown host");
    QString name = QStringLiteral("%1 on %2").arg(app, host);
    QList<uint> points;
    for (uint c : name.toUcs4()) {
        const auto cat = QChar::category(c);
        if (cat == QChar::Other_Control || cat == QChar::Other_Format || cat == QChar::Separator_Line
            || cat == QChar::Separator_Paragraph || cat == QChar::Other_Surrogate)
            continue;
        if (points.size() == protocol::DeviceNameMaxChars)
            break;
        points.append(c);
    }
    return QString::fromUcs4(reinterpret_cast<const char32_t *>(points.constData()), points.size()).trimmed();
}
} // namespace

void Session::attachDevices(Connection &connection)
{
    // Asked at login time, not now: the cache is opened after the Session is built.
    connection.setDeviceProvider([this] { return DeviceLogin{deviceId(), deviceName()}; });
    connect(&connection, &Connection::pushReceived, this, [this](const protocol::Frame &push) {
        if (push.op == protocol::push::DevicesChanged)
            Q_EMIT devicesChanged();
    });
}

void Session::listDevices(std::function<void(Result<QList<DeviceInfo>>)> done)
{
    m_conn->request(protocol::op::DevicesList, {}, [done = std::move(done)](Result<QCborMap> r) {
        if (!r)
            return done(r.error());
        QList<DeviceInfo> out;
        const QCborArray list = r->value(QStringLiteral("devices")).toArray();
        for (const QCborValue &v : list) {
            const QCborMap m = v.toMap();
            out.append(
                DeviceInfo{m.value(QStringLiteral("id")).toByteArray(), m.value(QStringLiteral("name")).toString(),
                           m.value(QStringLiteral("since")).toInteger(), m.value(QStringLiteral("current")).toBool()});
        }
        done(out);
    });
}

} // namespace tavern::client
