#include "signupflow.h"

#include "client/session.h"
#include "common/username.h"
#include "uiutil.h"

#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

namespace tavern::ui {

namespace {
// The secret's own leniency (crypto::parseAccountSecret): any case, spaces and dashes, and
// the look-alikes I/L for 1 and O for 0.
QString normalizeGroup(const QString &g)
{
    QString out;
    for (QChar c : g.toUpper()) {
        if (c == QLatin1Char('I') || c == QLatin1Char('L'))
            c = QLatin1Char('1');
        else if (c == QLatin1Char('O'))
            c = QLatin1Char('0');
        if (c.isLetterOrNumber())
            out += c;
    }
    return out;
}

} // namespace

SignupFlow::SignupFlow(QObject *parent) : QObject(parent) {}

QVariantList SignupFlow::confirmIndexes() const
{
    return m_indexA ? QVariantList{m_indexA, m_indexB} : QVariantList{};
}

void SignupFlow::start(const QString &server, const QString &username)
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
    m_username = *name;
    setError({});
    setState(Working);
    // Deferred: the key derivation and upload block for a moment (Argon2id, ~150 ms, then a
    // round trip); the view gets to show the Working page first.
    QTimer::singleShot(0, this, &SignupFlow::run);
}

void SignupFlow::run()
{
    auto secret = client::Session::signup(m_profileDir, m_server, m_username);
    if (!secret) {
        setError(secret.error().message);
        return setState(Failed);
    }
    m_groups = secret->split(QLatin1Char('-'), Qt::SkipEmptyParts);
    // Two different groups, in order, so the confirm step reads naturally ("group 2 and 7").
    const int n = int(m_groups.size());
    m_indexA = 1 + int(QRandomGenerator::global()->bounded(n));
    do {
        m_indexB = 1 + int(QRandomGenerator::global()->bounded(n));
    } while (n > 1 && m_indexB == m_indexA);
    if (m_indexA > m_indexB)
        std::swap(m_indexA, m_indexB);
    Q_EMIT secretChanged();
    setState(ShowSecret);
}

void SignupFlow::secretNoted()
{
    if (m_state == ShowSecret)
        setState(Confirm);
}

void SignupFlow::confirm(const QString &groupA, const QString &groupB)
{
    if (m_state != Confirm)
        return;
    const bool right = normalizeGroup(groupA) == normalizeGroup(m_groups.value(m_indexA - 1))
                       && normalizeGroup(groupB) == normalizeGroup(m_groups.value(m_indexB - 1));
    if (!right)
        return setError(tr("Those groups don't match your account secret. Look at what you wrote "
                           "down, or go back to see the secret again."));
    setError({});
    // The secret is not needed any more: the account is open on this device.
    m_groups.clear();
    Q_EMIT secretChanged();
    setState(Done);
}

void SignupFlow::back()
{
    if (m_state == Confirm)
        setState(ShowSecret);
    else if (m_state == Failed)
        setState(Details);
}

void SignupFlow::reset()
{
    m_groups.clear();
    m_indexA = m_indexB = 0;
    Q_EMIT secretChanged();
    setError({});
    setState(Details);
}

void SignupFlow::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    Q_EMIT stateChanged();
}

void SignupFlow::setError(const QString &e)
{
    if (e == m_error)
        return;
    m_error = e;
    Q_EMIT errorChanged();
}

} // namespace tavern::ui
