// tavern-server: parses the configuration, runs the server, stops cleanly on SIGTERM/SIGINT.
#include "admin.h"
#include "config.h"
#include "crypto/sodium.h"
#include "log.h"
#include "server.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalFds[2] = {-1, -1};

// Async-signal-safe: only write(); the event loop picks the byte up (self-pipe trick).
void onSignal(int)
{
    const char b = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFds[0], &b, 1);
}

} // namespace

int main(int argc, char **argv)
{
    using namespace tavern::server;
    // A fan-out writes each push into every recipient's socket buffer and frees it once
    // sent: about a megabyte per commit in a busy room. glibc's default trims the heap top
    // back to the OS after each such burst and grows it again on the next (brk + page
    // faults: 10-15% of the server's CPU in bench_server's fan-out). Keep up to 32 MiB; the
    // mmap threshold is pinned too (setting one turns off glibc's dynamic adjustment) above
    // the 5 MiB frame limit, so frame buffers come from the heap as they did before.
    mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tavern-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TAVERN_VERSION));

    // Operator commands on a stopped server's database (admin.h); not the daemon.
    if (QCoreApplication::arguments().value(1) == QLatin1String("admin")) {
        if (!tavern::crypto::ensureSodium())
            return 1;
        return runAdmin(QCoreApplication::arguments());
    }
    auto parsed = parseConfig(QCoreApplication::arguments());
    if (!parsed) {
        std::fprintf(stderr, "tavern-server: %s\n(see --help)\n", qPrintable(parsed.error().message));
        return 2;
    }
    if (parsed->outcome == ConfigOutcome::ExitOk) {
        std::fputs(qPrintable(parsed->text), stdout);
        return 0;
    }
    LogLevel level = LogLevel::Info;
    if (!parseLogLevel(parsed->config.logLevel, &level)) {
        std::fprintf(stderr, "tavern-server: unknown log level %s\n", qPrintable(parsed->config.logLevel));
        return 2;
    }
    setLogLevel(level);
    if (!tavern::crypto::ensureSodium()) {
        logEvent(LogLevel::Error, "server.fatal", {{"error", QStringLiteral("libsodium failed to start")}});
        return 1;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) != 0) {
        logEvent(LogLevel::Error, "server.fatal", {{"error", QStringLiteral("socketpair failed")}});
        return 1;
    }
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Server server(parsed->config);
    if (auto r = server.start(); !r) {
        logEvent(LogLevel::Error, "server.fatal", {{"error", r.error().message}});
        return 1;
    }
    QSocketNotifier notifier(g_signalFds[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        char b = 0;
        [[maybe_unused]] const auto n = ::read(g_signalFds[1], &b, 1);
        logEvent(LogLevel::Info, "server.signal");
        server.stop();
        QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}
