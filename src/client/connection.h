// Connection: the device's one WebSocket to the server. Connects, logs in by signing the
// server's challenge, matches responses to requests by id, hands pushes on, and reconnects
// with exponential backoff and full jitter when the link drops.
#pragma once

#include "common/result.h"
#include "crypto/identity.h"
#include "protocol/frame.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <memory>

namespace tavern::client {

// Error codes from the client side of a request (the server's own codes are
// protocol::ErrorCode values, below 1000).
enum class LinkError { Disconnected = 1000, Timeout, NotReady };

// What auth.login says about this device (docs/wire-protocol.md 3.2): the random id the
// engine keeps in its cache and a name for people ("tavern on <host>").
struct DeviceLogin
{
    QByteArray id; // 16 bytes
    QString name;
};

class Connection : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Connecting, Authenticating, Ready, Waiting };
    Q_ENUM(State)

    // identity may be null: then the connection stays unauthenticated (signup, ping).
    Connection(QUrl url, std::shared_ptr<const crypto::Identity> identity, QObject *parent = nullptr);
    ~Connection() override;

    void start();
    void stop();
    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] QUrl url() const { return m_url; }
    // Backoff limits (tests shorten them).
    void setBackoff(int initialMs, int maxMs);
    // Trust this CA certificate for wss:// (self-signed server certificates).
    void setCaCertificatePem(const QByteArray &pem) { m_caPem = pem; }
    // Asked at every login; without one (or with an empty id) no `device` map is sent.
    void setDeviceProvider(std::function<DeviceLogin()> provider) { m_deviceProvider = std::move(provider); }

    using Reply = std::function<void(Result<QCborMap>)>;
    // Sends when ready (or open, for anonymous ops); fails at once with NotReady otherwise,
    // and with Disconnected if the link drops before the answer: callers retry from their
    // outbox, never from here.
    void request(const QString &op, const QCborMap &body, Reply done, int timeoutMs = 30000);

Q_SIGNALS:
    void stateChanged(tavern::client::Connection::State state);
    void opened(); // socket open (before login)
    void ready();  // logged in; after every reconnect
    void pushReceived(const tavern::protocol::Frame &push);
    // Login refused (wrong keys, unknown user): reconnecting won't help.
    void fatalError(const QString &message);

private:
    void setState(State s);
    void onConnected();
    void onDisconnected();
    void onBinary(const QByteArray &message);
    void authenticate();
    void loginFailed(const Error &e);
    void scheduleReconnect();
    void failAll(LinkError code, const QString &message);
    void send(quint64 id, const QString &op, const QCborMap &body);

    struct Pending
    {
        Reply done;
        QTimer *timer = nullptr;
    };

    QUrl m_url;
    std::shared_ptr<const crypto::Identity> m_identity;
    QWebSocket m_socket;
    QTimer m_reconnect;
    State m_state = State::Idle;
    bool m_running = false;
    quint64 m_nextId = 1;
    QHash<quint64, Pending> m_pending;
    int m_attempt = 0;
    int m_initialBackoffMs = 500;
    int m_maxBackoffMs = 30000;
    QByteArray m_caPem;
    std::function<DeviceLogin()> m_deviceProvider;
};

} // namespace tavern::client
