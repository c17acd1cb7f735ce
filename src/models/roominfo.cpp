#include "roominfo.h"

#include "uiutil.h"

#include "crypto/safetynumber.h"
#include "keg/roles.h"

namespace tavern::ui {

RoomInfo::RoomInfo(QObject *parent) : QObject(parent) {}

void RoomInfo::update(client::Session *session, const QByteArray &roomId)
{
    RoomInfo next;
    const keg::BootKegVersion *v = session && !roomId.isEmpty() ? head(*session, roomId) : nullptr;
    if (v) {
        client::Session &s = *session;
        const QString me = s.username();
        next.m_roomId = toHex(roomId);
        next.m_name = QString::fromUtf8(v->name);
        next.m_topic = QString::fromUtf8(v->topic);
        next.m_memberCount = joinedCount(*v);
        next.m_history = int(v->policy);
        next.m_fingerprint = crypto::roomFingerprint(roomId, s.room(roomId)->head().hash()).join(QLatin1Char(' '));
        const keg::Member *mine = v->member(me.toUtf8());
        const bool joined = mine && mine->state == keg::InviteState::Joined;
        next.m_revoked = s.isRevoked(roomId) || !mine;
        if (mine)
            next.m_myRole = int(mine->role);
        const auto may = [&](keg::Privilege p) { return joined && !next.m_revoked && keg::roleAllows(mine->role, p); };
        next.m_canInvite = may(keg::Privilege::Invite);
        next.m_canChangeRoles = may(keg::Privilege::ChangeRole);
        next.m_canRemove = may(keg::Privilege::RemoveMember);
        next.m_canEditSettings = may(keg::Privilege::ChangeSettings);
        // The engine refuses to send to a room with a member whose key changed (docs/client.md,
        // Contacts and trust); the composer shows why before the user types.
        for (const keg::Member &m : v->members) {
            const QString name = QString::fromUtf8(m.username);
            if (name != me && ui::trustBlocks(s.trust(name)))
                next.m_blockedBy.append(name);
        }
        bool openWarning = false;
        const qint64 seen = lastReadAt(s, roomId);
        for (const storage::Notice &n : s.notices(roomId))
            openWarning = openWarning || (noticeSeverity(n.kind) == 1 && n.atMs > seen);
        next.m_holdReason = s.guard().reason(roomId);
        next.m_trustSummary = (openWarning || !next.m_blockedBy.isEmpty() || !next.m_holdReason.isEmpty()) ? 1 : 0;
    }
    const bool same = next.m_roomId == m_roomId && next.m_name == m_name && next.m_topic == m_topic
                      && next.m_memberCount == m_memberCount && next.m_myRole == m_myRole && next.m_history == m_history
                      && next.m_fingerprint == m_fingerprint && next.m_trustSummary == m_trustSummary
                      && next.m_canInvite == m_canInvite && next.m_canChangeRoles == m_canChangeRoles
                      && next.m_canRemove == m_canRemove && next.m_canEditSettings == m_canEditSettings
                      && next.m_blockedBy == m_blockedBy && next.m_revoked == m_revoked
                      && next.m_holdReason == m_holdReason;
    if (same)
        return;
    m_roomId = next.m_roomId;
    m_name = next.m_name;
    m_topic = next.m_topic;
    m_memberCount = next.m_memberCount;
    m_myRole = next.m_myRole;
    m_history = next.m_history;
    m_fingerprint = next.m_fingerprint;
    m_trustSummary = next.m_trustSummary;
    m_canInvite = next.m_canInvite;
    m_canChangeRoles = next.m_canChangeRoles;
    m_canRemove = next.m_canRemove;
    m_canEditSettings = next.m_canEditSettings;
    m_blockedBy = next.m_blockedBy;
    m_revoked = next.m_revoked;
    m_holdReason = next.m_holdReason;
    Q_EMIT changed();
}

} // namespace tavern::ui
