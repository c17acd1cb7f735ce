// bench_server, the raw baselines measured in the same run: SQLite inserting the server's
// own kegs rows (sqlite3 C API, the calls the server's hot path makes; QtSql for context),
// and a bare Qt WebSocket relay (no decoding, no storage) on its own thread.
#pragma once

#include "common.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QThread>
#include <QWebSocketServer>

struct sqlite3;
struct sqlite3_stmt;

namespace benchsrv {

struct Row
{
    QByteArray dbId, kegId, author, data;
};

// The server's kegs table (same columns, primary key and cursor index), rows of the same
// bytes, one prepared INSERT, WAL, synchronous=FULL (the server's default).
class RawSqlite
{
public:
    RawSqlite(const QString &path, bool viaQtSql);
    ~RawSqlite();

    // Rows per second inserting rows[0..n) in transactions of perTx rows (1 = autocommit).
    double insert(const std::vector<Row> &rows, std::size_t n, int perTx, bool freshIds);
    // Milliseconds of one autocommit INSERT of `row` (one transaction, one fsync).
    double commitOne(const Row &row);

private:
    void insertRow(const Row &row, const QByteArray &kegId, qint64 cv);
    void exec(const char *sql);

    bool m_qt;
    QString m_name;
    QSqlDatabase m_db;
    QSqlQuery m_insert;
    sqlite3 *m_handle = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QHash<QByteArray, qint64> m_cv;
};

// The bare relay: a QWebSocketServer (sockets accepted with TCP_NODELAY, like the server's
// listener) on its own thread, so it has a core to itself as the server process does. Every
// binary message is forwarded to every other connection, then a 1-byte ack goes back to the
// sender (the equivalent of the keg.put response). No decoding, no storage.

class RelayListener : public QTcpServer
{
public:
    QWebSocketServer ws{QStringLiteral("relay"), QWebSocketServer::NonSecureMode};
    QList<QWebSocket *> peers;

    RelayListener()
    {
        QObject::connect(&ws, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = ws.nextPendingConnection()) {
                s->setParent(this);
                s->setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
                peers.append(s);
                QObject::connect(s, &QWebSocket::binaryMessageReceived, this, [this, s](const QByteArray &m) {
                    for (QWebSocket *p : std::as_const(peers)) {
                        if (p != s)
                            p->sendBinaryMessage(m);
                    }
                    s->sendBinaryMessage(QByteArray(1, 'a'));
                });
                QObject::connect(s, &QWebSocket::disconnected, this, [this, s] {
                    peers.removeAll(s);
                    s->deleteLater();
                });
            }
        });
    }

protected:
    void incomingConnection(qintptr descriptor) override;
};

class RelayThread
{
public:
    RelayThread();
    ~RelayThread();
    QUrl start();
    void stop();
    int peers();

private:
    QThread m_thread;
    QObject m_anchor;
    RelayListener *m_relay = nullptr;
};

// A bare client for the relay: counts messages, times the latest one.
class RawClient : public QObject
{
public:
    explicit RawClient(const QUrl &url)
    {
        m_ws.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
        QObject::connect(&m_ws, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &m) {
            ++received;
            lastAt = Clock::now();
            if (hook)
                hook(m);
        });
        QObject::connect(&m_ws, &QWebSocket::connected, this, [this] { setLowDelay(m_ws); });
        m_ws.open(url);
    }
    ~RawClient() override { m_ws.abort(); }
    bool connected() const { return m_ws.state() == QAbstractSocket::ConnectedState; }
    void sendBytes(const QByteArray &b) { m_ws.sendBinaryMessage(b); }

    qint64 received = 0;
    Clock::time_point lastAt;
    std::function<void(const QByteArray &)> hook;

private:
    QWebSocket m_ws;
};

} // namespace benchsrv
