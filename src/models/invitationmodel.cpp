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
    case ExpiredRole: return r.expired;
    default: return {};
    }
}

QHash<int, QByteArray> InvitationModel::roleNames() const
{
    return {{RoomIdRole, "roomId"},           {RoomNameRole, "roomName"},
            {InviterRole, "inviter"},         {InviterTrustRole, "inviterTrust"},
            {MemberNamesRole, "memberNames"}, {MemberCountRole, "memberCount"},
            {HistoryRole, "history"},         {ExpiredRole, "expired"}};
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
            // Trust as far as this invitation shows it. Nothing is pinned from an invitation
            // before it is accepted, so a never-pinned inviter is unknown; keys other than the
            // pinned ones are a key change inside this invitation only (the contact keeps theirs).
            r.inviterTrust = int(client::Trust::Unverified);
            const keg::BootKegVersion *v = head(*m_session, room.roomId);
            const keg::Member *inviter = v && !r.inviter.isEmpty() ? v->member(r.inviter.toUtf8()) : nullptr;
            if (const auto pinned = inviter ? m_session->pinnedContact(r.inviter) : std::nullopt) {
                const bool same = pinned->signPublicKey == QByteArrayView(inviter->signPublicKey)
                                  && pinned->boxPublicKey == QByteArrayView(inviter->boxPublicKey);
                r.inviterTrust = same ? ui::uiTrust(m_session->trust(r.inviter)) : int(client::Trust::KeyChanged);
            }
            r.expired = room.expired;
            next.append(r);
        }
    }
    syncRows(m_rows, next);
}

} // namespace tavern::ui
