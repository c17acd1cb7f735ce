// AppController: what the shell announces (App.notify). The raw facts only — the shell's
// NotificationText decides wording, folding and privacy (docs/app.md). Whatever the cache
// held when the session opened is known already; only what arrives later is announced.
#include "appcontroller.h"

#include "uiutil.h"

namespace tavern::ui {

void AppController::primeNotifications()
{
    m_seenRow.clear();
    m_seenInvitations.clear();
    m_myRoles.clear();
    m_announceAfter.clear();
    // Every message the cache holds now is known: one high-water mark, not their ids.
    m_primeRow = m_session->lastMessageRow();
    for (const client::RoomSummary &room : m_session->rooms()) {
        if (room.invited) {
            m_seenInvitations.insert(room.roomId);
            continue;
        }
        m_seenRow.insert(room.roomId, m_primeRow);
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
    if (!m_seenRow.contains(roomId))
        m_announceAfter.insert(roomId, QDateTime::currentMSecsSinceEpoch() - 60'000);
    const qint64 after = m_announceAfter.value(roomId, 0);
    // Rows stored after the mark (an own message coming back from the server is the same row).
    const client::Session::MessagePage since = m_session->messagesSince(roomId, m_seenRow.value(roomId, m_primeRow));
    m_seenRow.insert(roomId, since.lastRow);
    for (const client::MessageView &m : since.messages) {
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

void AppController::notifyRoomChanges(const QByteArray &only)
{
    if (!m_session)
        return;
    const QStringList blocked =
        QString::fromUtf8(m_session->cache().meta(QStringLiteral("ui.blocked")).value().value_or(QByteArray()))
            .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const auto handle = [&](const QByteArray &roomId, const QString &name, bool invited) {
        const keg::Member *me = myMember(*m_session, roomId);
        if (invited) {
            if (m_seenInvitations.contains(roomId))
                return;
            m_seenInvitations.insert(roomId);
            const QString inviter = me ? QString::fromUtf8(me->invitedBy) : QString();
            if (blocked.contains(inviter)) {
                // "Decline and block inviter": later invitations from them go without asking.
                (void)m_session->decline(roomId);
                return;
            }
            Q_EMIT notify(QStringLiteral("invitation"), toHex(roomId), inviter, name);
            return;
        }
        if (!me)
            return;
        if (!m_seenRow.contains(roomId)) {
            m_seenRow.insert(roomId, m_session->lastMessageRow());
            m_announceAfter.insert(roomId, QDateTime::currentMSecsSinceEpoch() - 60'000);
        }
        const int role = int(me->role);
        const auto known = m_myRoles.constFind(roomId);
        if (known != m_myRoles.cend() && *known != role)
            Q_EMIT notify(QStringLiteral("role"), toHex(roomId), name, keg::roleName(me->role));
        m_myRoles.insert(roomId, role);
    };
    if (!only.isEmpty()) {
        // One room (a room change): as Session::rooms() would list it, without listing all.
        const keg::Member *me = myMember(*m_session, only);
        if (me && !m_session->isRevoked(only))
            handle(only, QString::fromUtf8(head(*m_session, only)->name), me->state == keg::InviteState::Invited);
        return;
    }
    for (const client::RoomSummary &room : m_session->rooms())
        handle(room.roomId, room.name, room.invited);
}

} // namespace tavern::ui
