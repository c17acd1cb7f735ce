#include "inviteflow.h"
#include "uiutil.h"

#include "common/username.h"
#include "crypto/safetynumber.h"
#include "protocol/ops.h"

#include <QTimer>

namespace tavern::ui {

InviteFlow::InviteFlow(QObject *parent) : QObject(parent) {}

void InviteFlow::setContext(client::Session *session, const QByteArray &roomId)
{
    if (session == m_session && roomId == m_roomId)
        return;
    m_session = session;
    m_roomId = roomId;
    reset(); // an invitation half-made for another room must not go to this one
}

void InviteFlow::find(const QString &username)
{
    if (m_state == Looking || m_state == Sending)
        return;
    const auto name = normalizeUsername(username);
    m_username = name ? *name : username.trimmed();
    m_trust = 0;
    m_safetyNumber.clear();
    m_error.clear();
    if (!name)
        return fail(NotFound, name.error().message);
    if (!m_session || m_roomId.isEmpty())
        return fail(Failed, tr("Open a room first."));
    if (m_username == m_session->username())
        return fail(NotFound, tr("That's you."));
    m_state = Looking;
    Q_EMIT stateChanged();
    // Deferred: the lookup waits for the server's answer (in a local event loop).
    QTimer::singleShot(0, this, &InviteFlow::lookUp);
}

void InviteFlow::lookUp()
{
    if (!m_session || m_state != Looking)
        return;
    const bool online = m_session->connection().state() == client::Connection::State::Ready;
    auto id = m_session->lookupContact(m_username);
    if (!id) {
        // Connected and refused: there is no such user. Offline: we don't know.
        return online ? fail(NotFound, tr("There is no user called %1 on this server.").arg(m_username))
                      : fail(Failed, tr("You're offline. Try again when Tavern has reconnected."));
    }
    m_trust = ui::uiTrust(m_session->trust(m_username));
    const crypto::Identity &me = m_session->identity();
    m_safetyNumber =
        crypto::safetyNumber({me.username, me.signing.publicKey, me.box.publicKey}, *id).join(QLatin1Char(' '));
    if (m_trust == int(client::Trust::KeyChanged))
        return fail(KeyChanged, tr("%1's safety number changed. Review it before inviting them.").arg(m_username));
    m_state = Found;
    Q_EMIT stateChanged();
}

void InviteFlow::send(int role, int history)
{
    if (m_state != Found || !m_session)
        return;
    if (role < 0 || role >= int(keg::Role::Count) || history < 0 || history >= int(keg::HistoryPolicy::Count))
        return fail(Failed, tr("Choose a role and what history to share."));
    if (auto r = m_session->invite(m_roomId, m_username, keg::Role(role), keg::HistoryPolicy(history)); !r)
        return fail(Failed, r.error().message);
    // The invitation is an intent in the outbox (built on the newest head at send time):
    // follow that item until the server took it or it failed.
    m_outboxId = 0;
    if (auto items = m_session->cache().outbox(false)) {
        for (const storage::OutboxItem &item : *items) {
            if (item.dbId == m_roomId && item.op == protocol::op::BootKegPut)
                m_outboxId = std::max(m_outboxId, item.id);
        }
    }
    m_state = Sending;
    Q_EMIT stateChanged();
    m_outboxWatch = connect(m_session, &client::Session::outboxChanged, this, &InviteFlow::followOutbox);
    followOutbox();
}

void InviteFlow::followOutbox()
{
    if (m_state != Sending || !m_session)
        return;
    auto items = m_session->cache().outbox(false);
    if (!items)
        return;
    for (const storage::OutboxItem &item : *items) {
        if (item.id != m_outboxId || item.state == storage::OutboxState::Queued)
            continue;
        disconnect(m_outboxWatch);
        if (item.state == storage::OutboxState::Failed)
            return fail(Failed, item.error);
        m_state = Sent;
        Q_EMIT stateChanged();
        return;
    }
}

void InviteFlow::reset()
{
    disconnect(m_outboxWatch);
    m_state = Search;
    m_username.clear();
    m_trust = 0;
    m_safetyNumber.clear();
    m_error.clear();
    m_outboxId = 0;
    Q_EMIT stateChanged();
}

void InviteFlow::fail(State s, const QString &error)
{
    m_state = s;
    m_error = error;
    Q_EMIT stateChanged();
}

} // namespace tavern::ui
