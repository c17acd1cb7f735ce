// DeviceModel: this account's devices connected to the server right now (account settings),
// one row per logged-in connection, this device's own marked `current`. Lists on
// setSession, on every (re)login of this device and on the devices.changed push.
#pragma once

#include "client/session.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QMetaObject>
#include <QQmlEngine>

namespace tavern::ui {

class DeviceModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.devices is the one device list")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Roles { IdRole = Qt::UserRole + 1, NameRole, SinceRole, CurrentRole };
    Q_ENUM(Roles)

    explicit DeviceModel(QObject *parent = nullptr);

    // Null while signed out: the model is then empty.
    void setSession(client::Session *session);
    [[nodiscard]] client::Session *session() const { return m_session; }
    [[nodiscard]] int count() const { return int(m_rows.size()); }
    // Asks the server again (also done on its own on login and on devices.changed).
    Q_INVOKABLE void refresh();

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void countChanged();
    // A listing failed (not connected, server error); the rows stay as they were.
    void error(const QString &message);

private:
    void apply(const QList<client::Session::DeviceInfo> &devices);

    client::Session *m_session = nullptr;
    QList<client::Session::DeviceInfo> m_rows;
    QList<QMetaObject::Connection> m_watch;
    quint64 m_generation = 0; // answers to an older request or session are dropped
};

} // namespace tavern::ui
