#include "verificationflow.h"
#include "uiutil.h"

#include "crypto/safetynumber.h"

namespace tavern::ui {

VerificationFlow::VerificationFlow(QObject *parent) : QObject(parent) {}

void VerificationFlow::setContext(client::Session *session, const QByteArray &roomId)
{
    if (session != m_session)
        close();
    m_session = session;
    m_roomId = roomId;
    updateFingerprint();
    Q_EMIT stateChanged();
}

void VerificationFlow::updateFingerprint()
{
    const client::RoomState *room = m_session && !m_roomId.isEmpty() ? m_session->room(m_roomId) : nullptr;
    m_roomFingerprint = room && room->started()
                            ? crypto::roomFingerprint(m_roomId, room->head().hash()).join(QLatin1Char(' '))
                            : QString();
}

QString VerificationFlow::qrPayload() const
{
    if (m_groups.isEmpty() || !m_session)
        return {};
    // Both names in a fixed order, so the two phones encode the same text and a scanner can
    // compare it as a whole.
    QStringList names{m_session->username(), m_username};
    names.sort();
    return QStringLiteral("tavern-verify:1:%1:%2:%3").arg(names[0], names[1], m_groups.join(QString()));
}

std::optional<crypto::PublicIdentity> VerificationFlow::keysToCompare()
{
    if (m_session->trust(m_username) == client::Trust::KeyChanged) {
        // The new keys wait in the contact's pending columns (raw cache access; the engine
        // exposes only the pinned ones).
        auto rows = m_session->cache().select(
            QStringLiteral("SELECT pending_sign_pk, pending_box_pk FROM contacts WHERE username = ?"), {m_username});
        if (rows && !rows->empty() && !rows->front()[0].isNull())
            return crypto::PublicIdentity{m_username, rows->front()[0].toByteArray(), rows->front()[1].toByteArray()};
    }
    if (auto pinned = m_session->pinnedContact(m_username))
        return pinned;
    // Never seen: look them up (pins on first use, like an invitation would).
    auto looked = m_session->lookupContact(m_username);
    return looked ? std::optional(*looked) : std::nullopt;
}

void VerificationFlow::begin(const QString &username)
{
    m_error.clear();
    m_groups.clear();
    m_username = username.trimmed();
    if (!m_session || m_username.isEmpty() || m_username == m_session->username()) {
        m_error = tr("Choose someone else to verify.");
        m_state = Idle;
        return Q_EMIT stateChanged();
    }
    const auto keys = keysToCompare();
    m_trust = ui::uiTrust(m_session->trust(m_username));
    updateFingerprint();
    if (!keys) {
        m_error =
            tr("Tavern has no keys for %1 yet and could not look them up. Try again when online.").arg(m_username);
        m_state = Idle;
        return Q_EMIT stateChanged();
    }
    const crypto::Identity &me = m_session->identity();
    m_groups = crypto::safetyNumber({me.username, me.signing.publicKey, me.box.publicKey}, *keys);
    m_state = Compare;
    Q_EMIT stateChanged();
}

void VerificationFlow::theyMatch()
{
    if (m_state != Compare || !m_session)
        return;
    if (m_session->trust(m_username) == client::Trust::KeyChanged) {
        if (auto r = m_session->acceptKeyChange(m_username); !r) {
            m_error = r.error().message;
            return Q_EMIT stateChanged();
        }
    }
    if (auto r = m_session->markVerified(m_username); !r) {
        m_error = r.error().message;
        return Q_EMIT stateChanged();
    }
    m_trust = ui::uiTrust(m_session->trust(m_username));
    m_state = Verified;
    Q_EMIT stateChanged();
    Q_EMIT trustRecorded();
}

void VerificationFlow::theyDontMatch()
{
    // Nothing is recorded: the key stays as trusted as it was (a changed key keeps blocking).
    // The view tells the user not to trust the conversation and how to reach the person.
    if (m_state != Compare)
        return;
    m_state = Mismatch;
    Q_EMIT stateChanged();
}

void VerificationFlow::close()
{
    m_state = Idle;
    m_username.clear();
    m_groups.clear();
    m_trust = 0;
    m_error.clear();
    Q_EMIT stateChanged();
}

} // namespace tavern::ui
