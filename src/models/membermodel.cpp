#include "membermodel.h"

#include "uiutil.h"

#include "keg/roles.h"

#include <algorithm>

namespace tavern::ui {

namespace {
// Section headers (ListView.section.property: "section"); the views translate what they show.
QString sectionOf(keg::Role role, bool invited)
{
    if (invited)
        return QStringLiteral("Invited");
    switch (role) {
    case keg::Role::Admin: return QStringLiteral("Admins");
    case keg::Role::Moderator: return QStringLiteral("Moderators");
    case keg::Role::Guest: return QStringLiteral("Guests");
    default: return QStringLiteral("Members");
    }
}
} // namespace

MemberModel::MemberModel(QObject *parent) : ListModel(parent) {}

int MemberModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MemberModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case UsernameRole: return r.key;
    case RoleRole: return r.role;
    case RoleNameRole: return keg::roleName(keg::Role(r.role));
    case SectionRole: return r.section;
    case InvitedRole: return r.invited;
    case TrustRole: return r.trust;
    case IsMeRole: return r.isMe;
    case CanChangeRoleRole: return r.canChangeRole;
    case CanRemoveRole: return r.canRemove;
    default: return {};
    }
}

QHash<int, QByteArray> MemberModel::roleNames() const
{
    return {{UsernameRole, "username"},  {RoleRole, "role"},
            {RoleNameRole, "roleName"},  {SectionRole, "section"},
            {InvitedRole, "invited"},    {TrustRole, "trust"},
            {IsMeRole, "isMe"},          {CanChangeRoleRole, "canChangeRole"},
            {CanRemoveRole, "canRemove"}};
}

void MemberModel::setRoomId(const QByteArray &roomId)
{
    if (roomId == m_roomId)
        return;
    m_roomId = roomId;
    // Another room: a reset, not a diff (the rows have nothing to do with the old ones).
    beginResetModel();
    m_rows.clear();
    endResetModel();
    refresh();
}

int MemberModel::indexOf(const QString &username) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == username)
            return i;
    }
    return -1;
}

void MemberModel::refresh()
{
    QList<Row> next;
    const keg::BootKegVersion *v = m_session && !m_roomId.isEmpty() ? head(*m_session, m_roomId) : nullptr;
    if (v) {
        const QString me = m_session->username();
        const keg::Member *mine = v->member(me.toUtf8());
        const bool joined = mine && mine->state == keg::InviteState::Joined;
        const auto may = [&](keg::Privilege p) { return joined && keg::roleAllows(mine->role, p); };
        for (const keg::Member &m : v->members) {
            Row r;
            r.key = QString::fromUtf8(m.username);
            r.role = int(m.role);
            r.invited = m.state == keg::InviteState::Invited;
            r.section = sectionOf(m.role, r.invited);
            r.isMe = r.key == me;
            // One's own keys are one's own: shown as verified rather than "unverified".
            r.trust = r.isMe ? int(client::Trust::Verified) : ui::uiTrust(m_session->trust(r.key));
            r.canChangeRole = !r.isMe && may(keg::Privilege::ChangeRole);
            // The chain rules: removing needs RemoveMember; an invitation can also be
            // withdrawn by whoever made it (CancelOwnInvite).
            r.canRemove = !r.isMe
                          && (may(keg::Privilege::RemoveMember)
                              || (r.invited && m.invitedBy == me.toUtf8() && may(keg::Privilege::CancelOwnInvite)));
            next.append(r);
        }
        std::stable_sort(next.begin(), next.end(), [](const Row &a, const Row &b) {
            if (a.invited != b.invited)
                return !a.invited;
            if (a.role != b.role)
                return a.role < b.role;
            return a.key < b.key;
        });
    }
    syncRows(m_rows, next);
}

} // namespace tavern::ui
