#include "devicemodel.h"

#include <QPointer>

namespace tavern::ui {

DeviceModel::DeviceModel(QObject *parent) : QAbstractListModel(parent) {}

void DeviceModel::setSession(client::Session *session)
{
    if (session == m_session)
        return;
    for (const auto &c : std::as_const(m_watch))
        disconnect(c);
    m_watch.clear();
    m_session = session;
    ++m_generation;
    apply({});
    if (!m_session)
        return;
    m_watch.append(connect(m_session, &client::Session::devicesChanged, this, &DeviceModel::refresh));
    // This device's own (re)login brings no push to itself: list again after each one.
    m_watch.append(connect(&m_session->connection(), &client::Connection::ready, this, &DeviceModel::refresh));
    m_watch.append(connect(m_session, &QObject::destroyed, this, [this] { setSession(nullptr); }));
    if (m_session->connection().state() == client::Connection::State::Ready)
        refresh();
}

void DeviceModel::refresh()
{
    if (!m_session)
        return;
    const quint64 generation = ++m_generation;
    QPointer<DeviceModel> self(this);
    m_session->listDevices([self, generation](Result<QList<client::Session::DeviceInfo>> r) {
        if (!self || self->m_generation != generation)
            return;
        if (!r) {
            Q_EMIT self->error(r.error().message);
            return;
        }
        self->apply(*r);
    });
}

void DeviceModel::apply(const QList<client::Session::DeviceInfo> &devices)
{
    const auto same = [](const client::Session::DeviceInfo &a, const client::Session::DeviceInfo &b) {
        return a.id == b.id && a.name == b.name && a.sinceMs == b.sinceMs && a.current == b.current;
    };
    if (std::equal(m_rows.begin(), m_rows.end(), devices.begin(), devices.end(), same))
        return;
    const int before = int(m_rows.size());
    // A handful of rows that change rarely: a reset is simpler than a diff and costs nothing.
    beginResetModel();
    m_rows = devices;
    endResetModel();
    if (int(m_rows.size()) != before)
        Q_EMIT countChanged();
}

int DeviceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant DeviceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const client::Session::DeviceInfo &d = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return d.name;
    case IdRole: return QString::fromLatin1(d.id.toHex());
    case SinceRole: return QDateTime::fromMSecsSinceEpoch(d.sinceMs);
    case CurrentRole: return d.current;
    default: return {};
    }
}

QHash<int, QByteArray> DeviceModel::roleNames() const
{
    return {{IdRole, "id"}, {NameRole, "name"}, {SinceRole, "since"}, {CurrentRole, "current"}};
}

} // namespace tavern::ui
