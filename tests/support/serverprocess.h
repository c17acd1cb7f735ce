// Starts the real tavern-server binary on 127.0.0.1 port 0 with a fresh SQLite file in a
// temporary directory, and reads the port from its "tavern-server listening ... port=N"
// stdout line. Can kill -9 and restart it on the same database.
#pragma once

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace tavern::test {

class ServerProcess
{
public:
    explicit ServerProcess(QStringList extraArgs = {});
    ~ServerProcess();

    // Starts and waits (up to timeoutMs) for the listening line. False on failure; see logs().
    [[nodiscard]] bool start(int timeoutMs = 15000);
    // SIGTERM and wait for a clean exit; returns the exit code (-1 if it had to be killed).
    int terminate(int timeoutMs = 15000);
    // SIGKILL: no shutdown code runs (the durability test).
    void kill9();
    // Starts again on the same database and the same port (after kill9 or terminate), so
    // clients that keep their URL reconnect to it.
    [[nodiscard]] bool restart(int timeoutMs = 15000);
    [[nodiscard]] bool running() const { return m_process.state() == QProcess::Running; }

    quint16 port() const { return m_port; }
    QUrl url() const; // ws://127.0.0.1:port, or wss:// when started with --tls-cert
    QString tempPath(const QString &name) const { return m_dir.filePath(name); }
    QString databasePath() const;
    // Everything the server wrote to stderr (structured log lines) so far.
    QString logs();

private:
    QTemporaryDir m_dir;
    QStringList m_extraArgs;
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    quint16 m_port = 0;
    quint16 m_listenPort = 0; // 0: any free port
};

} // namespace tavern::test
