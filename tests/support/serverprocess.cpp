#include "serverprocess.h"

#include <QRegularExpression>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>

namespace tavern::test {

ServerProcess::ServerProcess(QStringList extraArgs) : m_extraArgs(std::move(extraArgs))
{
    m_process.setProgram(QStringLiteral(TAVERN_SERVER_BINARY));
    // The server dies with the test process, also when that one dies without running
    // destructors (an unhandled exception, a crash): no server is left running behind it.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

ServerProcess::~ServerProcess()
{
    if (running()) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString ServerProcess::databasePath() const
{
    return m_dir.filePath(QStringLiteral("tavern.sqlite"));
}

QUrl ServerProcess::url() const
{
    const bool tls = m_extraArgs.contains(QStringLiteral("--tls-cert"));
    return QUrl(
        QStringLiteral("%1://127.0.0.1:%2").arg(tls ? QStringLiteral("wss") : QStringLiteral("ws")).arg(m_port));
}

bool ServerProcess::start(int timeoutMs)
{
    m_stdout.clear();
    m_port = 0;
    QStringList args{QStringLiteral("--listen"),    QStringLiteral("127.0.0.1:%1").arg(m_listenPort),
                     QStringLiteral("--storage"),   QStringLiteral("sqlite:") + databasePath(),
                     QStringLiteral("--log-level"), QStringLiteral("debug")};
    m_process.setArguments(args + m_extraArgs);
    m_process.start();
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    static const QRegularExpression re(QStringLiteral("^tavern-server listening .* port=(\\d+)"),
                                       QRegularExpression::MultilineOption);
    const bool ok = QTest::qWaitFor(
        [&] {
            m_stdout += m_process.readAllStandardOutput();
            const auto m = re.match(QString::fromUtf8(m_stdout));
            if (m.hasMatch())
                m_port = quint16(m.captured(1).toUInt());
            return m_port != 0 || m_process.state() != QProcess::Running;
        },
        timeoutMs);
    return ok && m_port != 0;
}

bool ServerProcess::restart(int timeoutMs)
{
    if (running() || m_port == 0)
        return false;
    m_listenPort = m_port;
    return start(timeoutMs);
}

int ServerProcess::terminate(int timeoutMs)
{
    if (!running())
        return m_process.exitCode();
    m_process.terminate();
    if (!m_process.waitForFinished(timeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

void ServerProcess::kill9()
{
    if (!running())
        return;
    ::kill(pid_t(m_process.processId()), SIGKILL);
    m_process.waitForFinished(10000);
}

QString ServerProcess::logs()
{
    m_stderr += m_process.readAllStandardError();
    return QString::fromUtf8(m_stderr);
}

} // namespace tavern::test
