// AppController: the user's actions. Each checks what the view may have missed (signed in,
// a room selected), runs the engine call, reports a failure through error(), and refreshes
// what the action changed at once (the engine's own signals follow when the server answers).
#include "appcontroller.h"

#include "uiutil.h"

#include <QPointer>
#include <QTimer>

namespace tavern::ui {

namespace {
// Declined-and-blocked inviters, kept by the model layer (the engine has no block list):
// their later invitations are declined without asking (appnotify.cpp).
const QString BlockedKey = QStringLiteral("ui.blocked");
} // namespace

void AppController::createRoom(const QString &name, const QString &topic, int history)
{
    if (!m_session)
        return;
    if (name.trimmed().isEmpty())
        return Q_EMIT error(tr("Give the room a name."));
    auto room = m_session->createRoom(name.trimmed(), topic.trimmed(),
                                      history == 1 ? keg::HistoryPolicy::SinceJoin : keg::HistoryPolicy::Shared);
    if (!room)
        return Q_EMIT error(room.error().message);
    m_rooms->refresh();
    setCurrentRoomId(toHex(*room));
}

void AppController::send(const QString &text)
{
    if (!m_session || m_currentRoomId.isEmpty() || text.trimmed().isEmpty())
        return;
    if (report(m_session->send(m_currentRoomId, text))) {
        // Writing in a room means having read it.
        m_messages->refresh();
        markRead();
    }
}

void AppController::retry(const QString &kegId)
{
    if (!m_session)
        return;
    const QByteArray id = fromHex(kegId);
    auto items = m_session->cache().outbox(false);
    if (!items)
        return Q_EMIT error(items.error().message);
    for (const storage::OutboxItem &item : *items) {
        if (item.kegId != id || item.state != storage::OutboxState::Failed)
            continue;
        // Queued again with the same keg bytes (a duplicate if the first try landed).
        if (!report(m_session->cache().setOutboxState(item.id, storage::OutboxState::Queued)))
            return;
        m_messages->refresh();
        // The engine pumps its outbox on its own events; this starts it now. flushOutbox waits
        // at most one short turn here, the sending itself goes on asynchronously.
        QPointer<client::Session> s = m_session.get();
        QTimer::singleShot(0, this, [s] {
            if (s)
                (void)s->flushOutbox(1);
        });
        return;
    }
    Q_EMIT error(tr("That message is not waiting to be sent again."));
}

void AppController::accept(const QString &roomId)
{
    if (!m_session || !report(m_session->accept(fromHex(roomId))))
        return;
    m_invitations->refresh();
    m_rooms->refresh();
    setCurrentRoomId(roomId);
}

void AppController::decline(const QString &roomId)
{
    if (!m_session || !report(m_session->decline(fromHex(roomId))))
        return;
    m_invitations->refresh();
}

void AppController::declineAndBlock(const QString &roomId)
{
    if (!m_session)
        return;
    const keg::Member *me = myMember(*m_session, fromHex(roomId));
    const QString inviter = me ? QString::fromUtf8(me->invitedBy) : QString();
    decline(roomId);
    if (inviter.isEmpty())
        return;
    QStringList blocked = QString::fromUtf8(m_session->cache().meta(BlockedKey).value().value_or(QByteArray()))
                              .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (!blocked.contains(inviter)) {
        blocked.append(inviter);
        (void)report(m_session->cache().setMeta(BlockedKey, blocked.join(QLatin1Char('\n')).toUtf8()));
    }
}

void AppController::leave(const QString &roomId)
{
    if (!m_session || !report(m_session->leave(fromHex(roomId))))
        return;
    if (fromHex(roomId) == m_currentRoomId)
        setCurrentRoomId({});
    m_rooms->refresh();
}

void AppController::removeMember(const QString &username)
{
    if (m_session && !m_currentRoomId.isEmpty())
        (void)report(m_session->remove(m_currentRoomId, username));
}

void AppController::setRole(const QString &username, int role)
{
    if (!m_session || m_currentRoomId.isEmpty())
        return;
    if (role < 0 || role >= int(keg::Role::Count))
        return Q_EMIT error(tr("Choose admin, moderator, member or guest."));
    (void)report(m_session->setRole(m_currentRoomId, username, keg::Role(role)));
}

void AppController::setSettings(const QString &name, const QString &topic, int history)
{
    if (!m_session || m_currentRoomId.isEmpty())
        return;
    if (name.trimmed().isEmpty())
        return Q_EMIT error(tr("Give the room a name."));
    keg::RoomSettings settings;
    settings.name = name.trimmed();
    settings.topic = topic.trimmed();
    settings.policy = history == 1 ? keg::HistoryPolicy::SinceJoin : keg::HistoryPolicy::Shared;
    (void)report(m_session->setSettings(m_currentRoomId, settings));
}

void AppController::markVerified(const QString &username)
{
    if (m_session && report(m_session->markVerified(username)))
        trustChanged();
}

void AppController::acceptKeyChange(const QString &username)
{
    if (m_session && report(m_session->acceptKeyChange(username)))
        trustChanged();
}

void AppController::markRead()
{
    if (!m_session || m_currentRoomId.isEmpty())
        return;
    setLastRead(*m_session, m_currentRoomId, m_messages->lastMessageId());
    m_rooms->refreshRoom(m_currentRoomId);
    m_currentRoom->update(m_session.get(), m_currentRoomId);
}

void AppController::logout()
{
    if (!m_session)
        return setState(Welcome);
    detach();
    const Status r = client::Session::logout(m_profileDir);
    m_signup->reset();
    m_login->reset();
    if (!r)
        return setState(Failed, r.error().message);
    setState(Welcome);
}

} // namespace tavern::ui
