#include "singleinstance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>

namespace tavern::app {

namespace {
const QByteArray RaiseRequest = "raise\n";
const QByteArray RaiseAnswer = "ok\n";
} // namespace

SingleInstance::SingleInstance(const QString &profileDir, QObject *parent) : QObject(parent)
{
    QDir().mkpath(profileDir);
    const QString canonical = QFileInfo(profileDir).canonicalFilePath();
    // Socket names are short and per user; the profile path is hashed into one.
    m_name = QStringLiteral("tavern-")
             + QString::fromLatin1(
                 QCryptographicHash::hash(canonical.toUtf8(), QCryptographicHash::Sha256).toHex().left(24));
    m_lock = std::make_unique<QLockFile>(QDir(canonical).filePath(QStringLiteral("tavern.lock")));
    m_lock->setStaleLockTime(0); // a lock whose process died is stale at once (PID checked)
}

SingleInstance::~SingleInstance() = default;

bool SingleInstance::claim()
{
    if (m_lock->tryLock(100)) {
        m_server = std::make_unique<QLocalServer>();
        m_server->setSocketOptions(QLocalServer::UserAccessOption);
        QLocalServer::removeServer(m_name); // left behind by a crashed instance
        m_server->listen(m_name);
        connect(m_server.get(), &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *s = m_server->nextPendingConnection()) {
                connect(s, &QLocalSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QLocalSocket::readyRead, this, [this, s] {
                    if (!s->canReadLine())
                        return;
                    if (s->readLine(64) == RaiseRequest) {
                        s->write(RaiseAnswer);
                        s->flush();
                        Q_EMIT raiseRequested();
                    }
                    s->disconnectFromServer();
                });
            }
        });
        return true;
    }
    QLocalSocket socket;
    socket.connectToServer(m_name);
    if (socket.waitForConnected(1000)) {
        socket.write(RaiseRequest);
        socket.waitForBytesWritten(1000);
        m_raised = socket.waitForReadyRead(2000) && socket.readLine(64) == RaiseAnswer;
    }
    return false;
}

} // namespace tavern::app
