#include "invitationmodel.h"

#include "uiutil.h"

namespace tavern::ui {

InvitationModel::InvitationModel(QObject *parent) : ListModel(parent) {}

int InvitationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant InvitationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case RoomNameRole: return r.roomName;
    case RoomIdRole: return r.key;
    case InviterRole: return r.inviter;
    case InviterTrustRole: return r.inviterTrust;
    case MemberNamesRole: return r.memberNames;
    case MemberCountRole: return r.memberCount;
    case HistoryRole: return r.history;
    default: return {};
    }
}

QHash<int, QByteArray> InvitationModel::roleNames() const
{
    return {{RoomIdRole, "roomId"},           {RoomNameRole, "roomName"},
            {InviterRole, "inviter"},         {InviterTrustRole, "inviterTrust"},
            {MemberNamesRole, "memberNames"}, {MemberCountRole, "memberCount"},
            {HistoryRole, "history"}};
}

int InvitationModel::indexOf(const QString &roomId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == roomId)
            return i;
    }
    return -1;
}

void InvitationModel::refresh()
{
    QList<Row> next;
    if (m_session) {
        for (const client::RoomSummary &room : m_session->rooms()) {
            if (!room.invited)
                continue;
            Row r;
            r.key = toHex(room.roomId);
            r.roomName = room.name;
            if (const keg::BootKegVersion *v = head(*m_session, room.roomId)) {
                if (const keg::Member *me = v->member(m_session->username().toUtf8())) {
                    r.inviter = QString::fromUtf8(me->invitedBy);
                    r.history = int(me->history);
                }
                for (const keg::Member &m : v->members) {
                    if (m.state != keg::InviteState::Joined)
                        continue;
                    ++r.memberCount;
                    if (r.memberNames.size() < 5)
                        r.memberNames.append(QString::fromUtf8(m.username));
                }
            }
            // The inviter signed the version that invited us, so their key is pinned by now.
            r.inviterTrust = r.inviter.isEmpty() ? 0 : ui::uiTrust(m_session->trust(r.inviter));
            next.append(r);
        }
    }
    syncRows(m_rows, next);
}

} // namespace tavern::ui
