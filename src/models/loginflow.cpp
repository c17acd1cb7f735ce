#include "loginflow.h"

#include "client/session.h"
#include "common/username.h"
#include "uiutil.h"

#include <QTimer>

namespace tavern::ui {

LoginFlow::LoginFlow(QObject *parent) : QObject(parent) {}

void LoginFlow::start(const QString &server, const QString &username, const QString &secret)
{
    if (m_state != Details && m_state != Failed)
        return;
    const auto name = normalizeUsername(username);
    const QUrl url = parseServerUrl(server);
    if (!name)
        return setError(name.error().message);
    if (!url.isValid() || url.host().isEmpty())
        return setError(tr("Enter the server address, for example wss://tavern.example.org."));
    m_server = url;
    setError({});
    setState(Working);
    // Deferred so the Working page shows before the key derivation (~150 ms) blocks.
    QTimer::singleShot(0, this, [this, user = *name, secret] {
        auto r = client::Session::login(m_profileDir, m_server, user, secret);
        if (!r) {
            setError(r.error().message);
            return setState(Failed);
        }
        setState(Done);
    });
}

void LoginFlow::back()
{
    if (m_state == Failed)
        setState(Details);
}

void LoginFlow::reset()
{
    setError({});
    setState(Details);
}

void LoginFlow::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    Q_EMIT stateChanged();
}

void LoginFlow::setError(const QString &e)
{
    if (e == m_error)
        return;
    m_error = e;
    Q_EMIT errorChanged();
}

} // namespace tavern::ui
