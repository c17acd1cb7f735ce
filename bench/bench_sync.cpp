// bench_sync: a new device of alice syncs a room of N messages (default 100 000) from the
// real tavern-server, beside raw verify + decrypt of the same kegs measured in the same run.
// Needs a secret service: run as tests/support/with-keyring.sh build-bench/bench/bench_sync [N]
#include "client/session.h"
#include "crypto/contexts.h"
#include "keg/message.h"
#include "kegupload.h"
#include "serverprocess.h"

#include <QCborArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QThread>
#include <QtEndian>

#include <sodium.h>

#include <cstdio>
#include <thread>

#include <sys/resource.h>

using namespace tavern;

namespace {

// This process's CPU time (user + system) in ms and its voluntary context switches (waits).
std::pair<double, long> cpuNow()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto ms = [](const timeval &t) { return double(t.tv_sec) * 1e3 + double(t.tv_usec) / 1e3; };
    return {ms(u.ru_utime) + ms(u.ru_stime), u.ru_nvcsw};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tavern-bench"));
    const int n = argc > 1 ? QByteArray(argv[1]).toInt() : 100000;
    if (sodium_init() < 0)
        return 1;
    test::ServerProcess server({QStringLiteral("--sqlite-sync"), QStringLiteral("normal"), QStringLiteral("--rate"),
                                QStringLiteral("100000"), QStringLiteral("--burst"), QStringLiteral("100000")});
    if (!server.start())
        qFatal("server did not start: %s", qPrintable(server.logs()));
    QTemporaryDir dir;
    const QString first = dir.filePath(QStringLiteral("first")), second = dir.filePath(QStringLiteral("second"));
    auto secret = client::Session::signup(first, server.url(), QStringLiteral("alice"));
    if (!secret)
        qFatal("signup: %s", qPrintable(secret.error().message));
    auto a = client::Session::open(first);
    if (!a)
        qFatal("open: %s", qPrintable(a.error().message));
    (*a)->start();
    if (!(*a)->waitForSync())
        qFatal("first device did not sync");
    auto roomId = (*a)->createRoom(QStringLiteral("sync bench"), {}, keg::HistoryPolicy::Shared);
    if (!roomId || !(*a)->flushOutbox())
        qFatal("room not created");

    // N messages in alice's author chain, sealed exactly as the engine seals them.
    const client::RoomState *room = (*a)->room(*roomId);
    const crypto::SecureBytes &key = *room->keys().get(0);
    const crypto::Identity &me = (*a)->identity();
    std::vector<QByteArray> wire;
    std::vector<keg::Keg> parsed;
    wire.reserve(std::size_t(n));
    QByteArray previous(32, '\0');
    for (int i = 1; i <= n; ++i) {
        keg::MessagePayload m{quint64(i),
                              previous,
                              room->head().version().version,
                              room->head().hash(),
                              quint64(1700000000000LL + i),
                              QStringLiteral("message %1 of the sync benchmark").arg(i),
                              {}};
        keg::Keg k = keg::sealKeg({*roomId, keg::newKegId(), keg::KegType::Message, 0, 1}, keg::encodeMessage(m), key,
                                  me.username, me.signing);
        previous = keg::kegContentHash(k);
        wire.push_back(keg::encodeKeg(k));
        parsed.push_back(std::move(k));
    }
    if (QString why; !bench::uploadKegs(**a, *roomId, wire, &why))
        qFatal("upload failed: %s", qPrintable(why));

    // Raw: verify + decrypt of the same kegs, one core.
    const auto raw = [&](std::size_t begin, std::size_t end) {
        std::vector<unsigned char> out(4096);
        for (std::size_t i = begin; i < end; ++i) {
            const keg::Keg &k = parsed[i];
            const QByteArray header = k.header();
            QByteArray len(4, '\0');
            qToBigEndian(quint32(k.ciphertext.size()), len.data());
            if (!crypto::verify(me.signing.publicKey, crypto::ctx::MessageSig, header + k.nonce + len + k.ciphertext,
                                k.signature))
                qFatal("raw verify failed");
            const QByteArray ad = QByteArray(crypto::ctx::KegAead.data()) + '\0' + header;
            unsigned long long olen = 0;
            if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                    out.data(), &olen, nullptr, reinterpret_cast<const unsigned char *>(k.ciphertext.constData()),
                    std::size_t(k.ciphertext.size()), reinterpret_cast<const unsigned char *>(ad.constData()),
                    std::size_t(ad.size()), reinterpret_cast<const unsigned char *>(k.nonce.constData()), key.data())
                != 0)
                qFatal("raw decrypt failed");
        }
    };
    QElapsedTimer t;
    const auto rawCpu0 = cpuNow();
    t.start();
    raw(0, parsed.size());
    const double rawMs = double(t.nsecsElapsed()) / 1e6;
    const double rawCpuMs = cpuNow().first - rawCpu0.first;
    // Context only: the same work split across two threads (the sync opens kegs on every core).
    t.restart();
    {
        std::thread half([&] { raw(parsed.size() / 2, parsed.size()); });
        raw(0, parsed.size() / 2);
        half.join();
    }
    const double raw2Ms = double(t.nsecsElapsed()) / 1e6;

    // The new device: login (Argon2id, not timed), then connect and sync everything.
    if (auto r = client::Session::login(second, server.url(), QStringLiteral("alice"), *secret); !r)
        qFatal("login: %s", qPrintable(r.error().message));
    auto b = client::Session::open(second);
    if (!b)
        qFatal("open second: %s", qPrintable(b.error().message));
    // For profiling the client alone: `perf record -p PID` from this line on.
    std::fprintf(stderr, "bench_sync: pid %lld syncing\n", static_cast<long long>(QCoreApplication::applicationPid()));
    const auto syncCpu0 = cpuNow();
    t.restart();
    (*b)->start();
    if (!(*b)->waitForSync(3600 * 1000))
        qFatal("second device did not sync");
    const double syncMs = double(t.nsecsElapsed()) / 1e6;
    const auto syncCpu1 = cpuNow();
    const auto got = (*b)->messages(*roomId).size();
    std::printf("bench_sync: new device syncs a room of %d messages from the real server\n", n);
    std::printf("  tavern sync          %10.1f ms  %9.0f msg/s  (%lld messages shown)\n", syncMs, n / syncMs * 1000,
                static_cast<long long>(got));
    std::printf("  raw verify+decrypt   %10.1f ms  %9.0f msg/s  (1 core)\n", rawMs, n / rawMs * 1000);
    std::printf("  raw on 2 threads     %10.1f ms  %9.0f msg/s  (context: sync/raw-2-threads ratio %.3fx)\n", raw2Ms,
                n / raw2Ms * 1000, syncMs / raw2Ms);
    std::printf("  ratio                %10.3fx   goal <= 1.5x: %s  (vs 1-core raw; tavern uses %d threads)\n",
                syncMs / rawMs, syncMs / rawMs <= 1.5 ? "met" : "NOT met", QThread::idealThreadCount());
    // Diagnostics (a shared machine steals time from a process that waits): the client's own
    // CPU time in each phase, and how often the sync gave up the CPU to wait.
    std::printf("  client CPU: sync %.1f ms, raw %.1f ms (cpu ratio %.3fx); sync waits %ld\n",
                syncCpu1.first - syncCpu0.first, rawCpuMs, (syncCpu1.first - syncCpu0.first) / rawCpuMs,
                syncCpu1.second - syncCpu0.second);
    return got == n ? 0 : 1;
}
