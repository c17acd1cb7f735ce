#include "listener.h"

#include "log.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>

namespace tavern::server {

Listener::Listener(QObject *parent) : QTcpServer(parent) {}

Status Listener::enableTls(const QString &certPath, const QString &keyPath)
{
    const auto certs = QSslCertificate::fromPath(certPath, QSsl::Pem);
    if (certs.isEmpty())
        return Error{1, QStringLiteral("no PEM certificate in %1").arg(certPath)};
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly))
        return Error{1, QStringLiteral("cannot read %1: %2").arg(keyPath, keyFile.errorString())};
    const QByteArray pem = keyFile.readAll();
    // QSslKey(pem, Rsa) on an EC key gives a null key silently (stack-facts.md, section 7).
    QSslKey key(pem, QSsl::Rsa);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec);
    if (key.isNull())
        return Error{1, QStringLiteral("%1 holds no unencrypted RSA or EC private key").arg(keyPath)};
    m_ssl = QSslConfiguration::defaultConfiguration();
    m_ssl.setLocalCertificateChain(certs);
    m_ssl.setPrivateKey(key);
    m_ssl.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate by signature
    m_tls = true;
    return Ok{};
}

void Listener::incomingConnection(qintptr descriptor)
{
    if (!m_tls) {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        socket->setParent(nullptr);
        Q_EMIT socketReady(socket);
        return;
    }
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setSslConfiguration(m_ssl);
    // A peer that never finishes the handshake must not hold a socket forever.
    auto *timer = new QTimer(socket);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, socket, [socket] {
        logEvent(LogLevel::Info, "tls.timeout", {{"peer", socket->peerAddress().toString()}});
        socket->abort();
        socket->deleteLater();
    });
    connect(socket, &QSslSocket::encrypted, this, [this, socket, timer] {
        timer->stop();
        timer->deleteLater();
        // From here QWebSocketServer owns the socket: none of our handlers may touch it.
        socket->disconnect(this);
        QObject::disconnect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        socket->setParent(nullptr);
        Q_EMIT socketReady(socket);
    });
    connect(socket, &QSslSocket::sslErrors, socket, [socket](const QList<QSslError> &errors) {
        logEvent(LogLevel::Info, "tls.error",
                 {{"peer", socket->peerAddress().toString()}, {"error", errors.value(0).errorString()}});
    });
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    timer->start(m_handshakeTimeoutMs);
    socket->startServerEncryption();
}

} // namespace tavern::server
