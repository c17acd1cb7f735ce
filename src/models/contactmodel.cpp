#include "contactmodel.h"
#include "uiutil.h"

#include "crypto/safetynumber.h"

namespace tavern::ui {

ContactModel::ContactModel(QObject *parent) : ListModel(parent) {}

int ContactModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ContactModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case UsernameRole: return r.key;
    case TrustRole: return r.trust;
    case SafetyNumberRole: return r.safetyNumber;
    default: return {};
    }
}

QHash<int, QByteArray> ContactModel::roleNames() const
{
    return {{UsernameRole, "username"}, {TrustRole, "trust"}, {SafetyNumberRole, "safetyNumber"}};
}

int ContactModel::indexOf(const QString &username) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == username)
            return i;
    }
    return -1;
}

void ContactModel::refresh()
{
    QList<Row> next;
    if (m_session) {
        // The engine has no contact list call; its contacts table is readable through the
        // cache's raw access (the pinned keys themselves come from Session::pinnedContact).
        auto rows = m_session->cache().select(QStringLiteral("SELECT username FROM contacts ORDER BY username"));
        const crypto::Identity &me = m_session->identity();
        const crypto::PublicIdentity mine{me.username, me.signing.publicKey, me.box.publicKey};
        for (const auto &row : rows ? *rows : std::vector<std::vector<QVariant>>{}) {
            const QString name = row[0].toString();
            const auto pinned = m_session->pinnedContact(name);
            if (name == me.username || !pinned)
                continue;
            next.append({name, ui::uiTrust(m_session->trust(name)),
                         crypto::safetyNumber(mine, *pinned).join(QLatin1Char(' '))});
        }
    }
    syncRows(m_rows, next);
}

} // namespace tavern::ui
