// AppController: what the shell announces (App.notify). The raw facts only — the shell's
// NotificationText decides wording, folding and privacy (docs/app.md). Whatever the cache
// held when the session opened is known already; only what arrives later is announced.
#include "appcontroller.h"

#include "uiutil.h"

namespace tavern::ui {

void AppController::primeNotifications()
{
    m_seenMessages.clear();
    m_seenInvitations.clear();
    m_myRoles.clear();
    m_announceAfter.clear();
    for (const client::RoomSummary &room : m_session->rooms()) {
        if (room.invited) {
            m_seenInvitations.insert(room.roomId);
            continue;
        }
        QSet<QByteArray> &seen = m_seenMessages[room.roomId];
        for (const client::MessageView &m : m_session->messages(room.roomId))
            seen.insert(m.kegId);
        if (const keg::Member *me = myMember(*m_session, room.roomId))
            m_myRoles.insert(room.roomId, int(me->role));
    }
}

void AppController::notifyMessages(const QByteArray &roomId)
{
    if (!m_session)
        return;
    const QString me = m_session->username();
    const QString room = toHex(roomId);
    if (!m_seenMessages.contains(roomId))
        m_announceAfter.insert(roomId, QDateTime::currentMSecsSinceEpoch() - 60'000);
    const qint64 after = m_announceAfter.value(roomId, 0);
    QSet<QByteArray> &seen = m_seenMessages[roomId];
    for (const client::MessageView &m : m_session->messages(roomId)) {
        if (seen.contains(m.kegId))
            continue;
        seen.insert(m.kegId);
        if (m.sentMs < after)
            continue; // history of a room joined just now
        // Own messages (this device's, or another device of this user) are never announced;
        // the shell drops the room on screen itself (it knows the window's focus).
        if (m.author == me)
            continue;
        Q_EMIT notify(mentions(m.body, me) ? QStringLiteral("mention") : QStringLiteral("message"), room, m.author,
                      m.body);
    }
}

void AppController::notifyRoomChanges()
{
    if (!m_session)
        return;
    const QStringList blocked =
        QString::fromUtf8(m_session->cache().meta(QStringLiteral("ui.blocked")).value().value_or(QByteArray()))
            .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const client::RoomSummary &room : m_session->rooms()) {
        const keg::Member *me = myMember(*m_session, room.roomId);
        if (room.invited) {
            if (m_seenInvitations.contains(room.roomId))
                continue;
            m_seenInvitations.insert(room.roomId);
            const QString inviter = me ? QString::fromUtf8(me->invitedBy) : QString();
            if (blocked.contains(inviter)) {
                // "Decline and block inviter": later invitations from them go without asking.
                (void)m_session->decline(room.roomId);
                continue;
            }
            Q_EMIT notify(QStringLiteral("invitation"), toHex(room.roomId), inviter, room.name);
            continue;
        }
        if (!me)
            continue;
        if (!m_seenMessages.contains(room.roomId)) {
            m_seenMessages.insert(room.roomId, {});
            m_announceAfter.insert(room.roomId, QDateTime::currentMSecsSinceEpoch() - 60'000);
        }
        const int role = int(me->role);
        const auto known = m_myRoles.constFind(room.roomId);
        if (known != m_myRoles.cend() && *known != role)
            Q_EMIT notify(QStringLiteral("role"), toHex(room.roomId), room.name, keg::roleName(me->role));
        m_myRoles.insert(room.roomId, role);
    }
}

} // namespace tavern::ui
