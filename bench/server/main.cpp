// bench_server (main.cpp: options, setup, report; common, baseline, ingest and fanout .cpp
// hold the parts): drives the real tavern-server (a child process on 127.0.0.1 port 0 with a
// temporary SQLite file, started by tests/support/ServerProcess) with concurrent WebSocket
// clients over loopback, and prints each figure beside a raw baseline measured in the same
// run, ours and raw alternated round by round:
//   1. durable ingest: acked kegs/s, C clients pipelining keg.put into their personal DBs,
//      vs raw SQLite (the sqlite3 C API the server's hot path uses, WAL, synchronous=FULL)
//      inserting rows of the same size into the server's own kegs table layout in
//      1000-row transactions (and, for context, through QtSql, one transaction per row, and
//      in the server's own write pattern: rows round-robin over the clients' DBs in commits of
//      the server's measured mean group size, with the CPU per row of both raw patterns);
//   2. fan-out: keg pushes delivered per second when one device posts to a room of M joined
//      members (all online) vs a bare Qt WebSocket relay (no storage) forwarding the same
//      bytes to M clients;
//   3. unloaded delivery latency: one sender, one receiver in a DM, sequential sends, send
//      -> receiver's push, vs the same path through the bare relay.
// Every loop is bounded in count and time. Usage (all optional):
//   bench_server [--clients 50] [--window 8] [--kegs-per-client 600] [--kegs-per-put 1]
//                [--batched-put 10 (context line; 1 = skip)] [--only ingest|fanout|latency]
//                [--members 50] [--posts 1500] [--fanout-window 32] [--latency 1000]
#include "common.h"

#include "crypto/sodium.h"

#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <thread>

using namespace benchsrv;

namespace {

int intArg(const QStringList &args, const char *name, int fallback)
{
    const qsizetype i = args.indexOf(QLatin1String(name));
    return i > 0 && i + 1 < args.size() ? std::max(1, args[i + 1].toInt()) : fallback;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    Options o;
    const bool quick = args.contains(QStringLiteral("--quick"));
    if (quick) {
        o.kegsPerClient = 200;
        o.posts = 400;
        o.latencySamples = 300;
        o.rounds = 2;
    }
    o.clients = intArg(args, "--clients", o.clients);
    o.window = intArg(args, "--window", o.window);
    o.kegsPerClient = intArg(args, "--kegs-per-client", o.kegsPerClient);
    o.kegsPerPut = std::min(100, intArg(args, "--kegs-per-put", o.kegsPerPut));
    o.batchedPut = std::min(100, intArg(args, "--batched-put", o.batchedPut));
    o.members = intArg(args, "--members", o.members);
    o.posts = intArg(args, "--posts", o.posts);
    o.fanoutWindow = intArg(args, "--fanout-window", o.fanoutWindow);
    o.latencySamples = intArg(args, "--latency", o.latencySamples);
    o.rounds = intArg(args, "--rounds", o.rounds);
    o.payload = intArg(args, "--payload", o.payload);
    // --only ingest|fanout|latency: one part alone (for profiling the server under it).
    const QString only =
        args.indexOf(QStringLiteral("--only")) > 0 ? args.value(args.indexOf(QStringLiteral("--only")) + 1) : QString();
    const bool doIngest = only.isEmpty() || only == QLatin1String("ingest");
    const bool doFanout = only.isEmpty() || only == QLatin1String("fanout");
    const bool doLatency = only.isEmpty() || only == QLatin1String("latency");
    if (!crypto::ensureSodium())
        return 1;
    const auto benchStart = Clock::now();

    QTimer ticker; // see runUntil()
    ticker.start(5);

    // The per-connection frame rate limit (200/s) is anti-abuse for one device; lifted here
    // so that C connections stand in for many more devices. Debug logging gives one
    // "store.commit jobs=N" line per transaction: the group-commit batch sizes.
    test::ServerProcess server(
        {QStringLiteral("--rate"), QStringLiteral("1000000"), QStringLiteral("--burst"), QStringLiteral("1000000")});
    g_server = &server;
    if (!server.start())
        die(QStringLiteral("tavern-server did not start: %1").arg(server.logs()));
    const pid_t serverPid = childNamed("tavern-server");
    const QUrl url = server.url();

    Run run;
    run.o = o;
    run.server = &server;
    run.serverPid = serverPid;
    run.url = url;
    run.overBudget = [&] { return secondsSince(benchStart) > 75; };
    const int people = std::max({o.clients, o.members, 3});
    std::vector<Member> &users = run.users;
    users.resize(static_cast<std::size_t>(people));
    {
        Client admin(url);
        if (!admin.open())
            die(QStringLiteral("cannot connect to %1").arg(url.toString()));
        for (int i = 0; i < people; ++i) {
            auto &u = users[std::size_t(i)];
            u.id = crypto::randomIdentity(QStringLiteral("user%1").arg(i, 3, 10, QLatin1Char('0')));
            admin.signup(u.id);
            u.conn = std::make_unique<Client>(url);
            if (!u.conn->open())
                die(QStringLiteral("client %1 cannot connect").arg(i));
            u.conn->login(u.id);
        }
    }
    run.plaintext = QByteArray(o.payload, 'm');
    run.personalKey = crypto::SecureBytes::random(32);

    std::printf("bench_server: real tavern-server (pid %d) on %s, SQLite WAL synchronous=FULL, "
                "loopback, %u cores\n",
                int(serverPid), qPrintable(url.toString()), std::thread::hardware_concurrency());
    std::printf("  load average at start: %s", loadAverage().constData());
    std::printf("  keg payload %d bytes; ours and raw alternated, %d rounds, median shown; ratio = ours / raw\n",
                o.payload, o.rounds);
    std::fflush(stdout);

    // ---- results ---------------------------------------------------------------------
    const IngestResult ing = doIngest ? runIngest(run) : IngestResult{};
    const FanoutResult fan = doFanout ? runFanout(run) : FanoutResult{};
    const LatencyResult latency = doLatency ? runLatency(run) : LatencyResult{};
    const std::vector<double> &lat = latency.lat, &rawLat = latency.rawLat, &commitLat = latency.commitLat;

    const double ingestM = median(ing.ingest), rawBatchM = median(ing.rawBatch), rawRowM = median(ing.rawRow);
    const double fanoutM = median(fan.fanout), relayM = median(fan.relay);
    const double p50 = percentile(lat, 0.50), p99 = percentile(lat, 0.99);
    const double rp50 = percentile(rawLat, 0.50), rp99 = percentile(rawLat, 0.99);
    const auto ratio = [](double a, double b) { return QString::number(a / b, 'f', 2) + QLatin1Char('x'); };

    std::printf("\n  %-46s %14s %14s %8s\n", "measurement", "tavern", "raw", "ratio");
    char label[128];
    std::snprintf(label, sizeof label, "ingest kegs/s (%d clients, window %d, %d/put)", o.clients, o.window,
                  o.kegsPerPut);
    printRow(label, num(ingestM), num(rawBatchM), ratio(ingestM, rawBatchM));
    std::printf("      raw = SQLite C API, 1000-row transactions, %lld-byte rows, same table and indexes,\n"
                "            the faster of two row orders each round:\n",
                static_cast<long long>(ing.kegBytes));
    printRow("  context: raw rows grouped by KegDB", QString(), num(median(ing.rawByDb)),
             ratio(ingestM, median(ing.rawByDb)));
    printRow("  context: raw rows in arrival order", QString(), num(median(ing.rawArrival)),
             ratio(ingestM, median(ing.rawArrival)));
    printRow("  context: same raw rows through QtSql", QString(), num(median(ing.rawBatchQt)),
             ratio(ingestM, median(ing.rawBatchQt)));
    printRow("  context: SQLite one transaction per row", QString(), num(rawRowM), ratio(ingestM, rawRowM));
    std::snprintf(label, sizeof label, "  context: raw rows in the server's pattern (%d-row tx)", ing.patternTx);
    printRow(label, QString(), num(median(ing.rawPattern)), ratio(ingestM, median(ing.rawPattern)));
    std::printf("      (rows round-robin over the %d clients' DBs, commits of the server's mean group size)\n",
                o.clients);
    if (!ing.ingestBatched.empty()) {
        std::snprintf(label, sizeof label, "  context: %d kegs per keg.put (outbox flush)", o.batchedPut);
        printRow(label, num(median(ing.ingestBatched)), num(rawBatchM), ratio(median(ing.ingestBatched), rawBatchM));
    }
    std::snprintf(label, sizeof label, "fan-out deliveries/s (room of %d, window %d)", fan.members, o.fanoutWindow);
    printRow(label, num(fanoutM), num(relayM), ratio(fanoutM, relayM));
    std::printf("      raw = bare Qt WebSocket relay, no storage, %lld-byte messages\n",
                static_cast<long long>(fan.pushBytes));
    printRow("delivery latency p50 ms (DM, sequential)", num(p50, 3), num(rp50, 3), ratio(p50, rp50));
    printRow("delivery latency p99 ms", num(p99, 3), num(rp99, 3), ratio(p99, rp99));
    std::printf("      raw = bare Qt relay send -> receive; %zu samples each\n", lat.size());
    printRow("  context: SQLite one-row commit p50 / p99 ms", QString(),
             num(percentile(commitLat, 0.5), 3) + QStringLiteral(" / ") + num(percentile(commitLat, 0.99), 3),
             QString());

    const auto perCommit = [](const CommitStats &c) { return c.commits ? double(c.jobs) / c.commits : 0.0; };
    const auto commitMs = [](const CommitStats &c) { return c.commits ? c.commitUs / 1000 / c.commits : 0.0; };
    std::printf("\n  group commit: ingest %d commits, %.1f jobs/commit (max %d), %.0f commits/s, COMMIT %.2f ms "
                "mean; fan-out %.1f jobs/commit (max %d), COMMIT %.2f ms mean\n",
                ing.commits.commits, perCommit(ing.commits), ing.commits.maxJobs,
                ing.secs > 0 ? ing.commits.commits / ing.secs : 0.0, commitMs(ing.commits), perCommit(fan.commits),
                fan.commits.maxJobs, commitMs(fan.commits));
    std::printf("  cpu busy (of one core): ingest server %.0f%%, bench clients %.0f%%; "
                "fan-out server %.0f%%, bench clients %.0f%%\n",
                100 * ing.serverCpu / ing.secs, 100 * ing.clientCpu / ing.secs, 100 * fan.serverCpu / fan.secs,
                100 * fan.clientCpu / fan.secs);
    std::printf("  server cpu: %.1f us per ingested keg, %.2f us per fan-out delivery\n",
                1e6 * ing.serverCpu / ing.kegs, 1e6 * fan.serverCpu / fan.deliveries);
    std::printf("  raw sqlite cpu: %.1f us per row in 1000-row tx (mean of both orders), %.1f us per row in the "
                "server's pattern\n",
                ing.rawRows > 0 ? 1e6 * ing.rawCpu / ing.rawRows : 0.0,
                ing.patternRows > 0 ? 1e6 * ing.patternCpu / ing.patternRows : 0.0);
    std::printf("  rounds: ingest %s | raw %s; fan-out %s | relay %s\n", qPrintable(joined(ing.ingest)),
                qPrintable(joined(ing.rawBatch)), qPrintable(joined(fan.fanout)), qPrintable(joined(fan.relay)));
    const bool g1 = ingestM >= 0.5 * rawBatchM, g2 = fanoutM >= 0.5 * relayM, g3 = p99 <= 2.0;
    std::printf("goals: ingest >= 0.5x raw batched: %s (%.2fx); fan-out >= 0.5x bare relay: %s (%.2fx); "
                "latency p99 <= 2 ms: %s (%.3f ms)\n",
                g1 ? "met" : "NOT met", ingestM / rawBatchM, g2 ? "met" : "NOT met", fanoutM / relayM,
                g3 ? "met" : "NOT met", p99);
    std::printf("  total %.1f s; load average at end: %s", secondsSince(benchStart), loadAverage().constData());
    // For a closer look at the writer (one store.commit line per transaction).
    if (const QByteArray path = qgetenv("TAVERN_BENCH_SERVER_LOG"); !path.isEmpty()) {
        QFile f(QString::fromLocal8Bit(path));
        if (f.open(QIODevice::WriteOnly))
            f.write(server.logs().toUtf8());
    }
    std::fflush(stdout);

    for (auto &u : users)
        u.conn.reset();
    server.terminate();
    g_server = nullptr;
    return 0;
}
