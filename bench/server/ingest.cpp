// bench_server, part 1: durable ingest. Every client pipelines fresh kegs into its
// personal DB; the raw baseline inserts the same rows into the server's kegs table layout.
#include "baseline.h"

#include "keg/keg.h"

namespace benchsrv {

IngestResult runIngest(Run &run)
{
    const Options &o = run.o;
    test::ServerProcess &server = *run.server;
    auto &users = run.users;
    const pid_t serverPid = run.serverPid;
    IngestResult res;
    // One round: every client pipelines kegsPerClient fresh kegs into its personal DB,
    // kegsPerPut per keg.put, `window` requests in flight. Returns kegs/s; `rows` receives
    // the same kegs as rows for the raw baseline.
    const auto ingestRound = [&](int kegsPerPut, std::vector<Row> *rows, bool account) {
        // Jobs round-robin over the clients, as they write concurrently: job k * clients + c
        // is client c's keg k (its id made after every client's keg k - 1).
        std::vector<SealJob> jobs;
        for (int k = 0; k < o.kegsPerClient; ++k) {
            for (int c = 0; c < o.clients; ++c) {
                const auto &u = users[std::size_t(c)];
                jobs.push_back({&u.id, keg::personalDbId(u.id.username), &run.personalKey});
            }
        }
        std::vector<QByteArray> kegIds;
        const std::vector<QByteArray> sealed = sealMany(jobs, run.plaintext, &kegIds);
        res.kegBytes = sealed.front().size();
        std::vector<Stream> streams(std::size_t(o.clients));
        for (int c = 0; c < o.clients; ++c) {
            Stream &s = streams[std::size_t(c)];
            s.client = users[std::size_t(c)].conn.get();
            const auto job = [&](int k) { return std::size_t(k) * std::size_t(o.clients) + std::size_t(c); };
            quint64 id = s.client->reserveIds(quint64((o.kegsPerClient + kegsPerPut - 1) / kegsPerPut));
            for (int k = 0; k < o.kegsPerClient; k += kegsPerPut) {
                QCborArray list;
                for (int j = k; j < std::min(o.kegsPerClient, k + kegsPerPut); ++j) {
                    const std::size_t i = job(j);
                    list.append(sealed[i]);
                    // The raw baselines insert the very same rows (the ordered one by client).
                    if (rows)
                        rows->push_back({jobs[i].dbId, kegIds[i], jobs[i].author->username.toUtf8(), sealed[i]});
                }
                s.frames.push_back(putFrame(id++, jobs[job(0)].dbId, list));
            }
        }
        const qsizetype logFrom = server.logs().size();
        const double cpu0 = processCpu(serverPid), me0 = threadCpu();
        const double secs = runStreams(streams, o.window, 60000);
        const double serverCpu = processCpu(serverPid) - cpu0, clientCpu = threadCpu() - me0;
        spin(20);
        if (account) {
            const CommitStats cs = commitsIn(server.logs().mid(logFrom));
            addStats(res.commits, cs);
            res.serverCpu += serverCpu;
            res.clientCpu += clientCpu;
            res.secs += secs;
            res.kegs += double(jobs.size());
        }
        return double(jobs.size()) / secs;
    };
    RawSqlite raw(server.tempPath(QStringLiteral("raw.sqlite")), false);
    // Context: the same rows through QtSql, as this baseline was measured before the server's
    // hot statements moved to the C API.
    RawSqlite rawQt(server.tempPath(QStringLiteral("raw-qt.sqlite")), true);
    RawSqlite rawArrival(server.tempPath(QStringLiteral("raw-arrival.sqlite")), false);
    RawSqlite rawPattern(server.tempPath(QStringLiteral("raw-pattern.sqlite")), false);
    for (int round = 0; round < o.rounds && !(round > 0 && run.overBudget()); ++round) {
        std::vector<Row> rows;
        res.ingest.push_back(ingestRound(o.kegsPerPut, &rows, true));
        // Arrival order: round-robin over the clients (their DBs), as they wrote.
        std::vector<Row> interleaved;
        interleaved.reserve(rows.size());
        const std::size_t per = std::size_t(o.kegsPerClient);
        for (std::size_t k = 0; k < per; ++k) {
            for (std::size_t c = 0; c * per + k < rows.size(); ++c)
                interleaved.push_back(rows[c * per + k]);
        }
        // The raw ceiling: the same rows in 1000-row transactions, in whichever order SQLite
        // takes faster (grouped by DB favours the cursor index, arrival order the keg-id one).
        double cpu0 = threadCpu();
        res.rawByDb.push_back(raw.insert(rows, rows.size(), 1000, false));
        res.rawArrival.push_back(rawArrival.insert(interleaved, interleaved.size(), 1000, false));
        res.rawBatch.push_back(std::max(res.rawByDb.back(), res.rawArrival.back()));
        res.rawCpu += (threadCpu() - cpu0) / 2;
        res.rawRows += double(rows.size());
        // The server's pattern: arrival order in commits of the mean group size the server
        // reached so far.
        res.patternTx =
            res.commits.commits
                ? std::max(1, int(double(res.commits.jobs) / res.commits.commits * double(o.kegsPerPut) + 0.5))
                : 1;
        cpu0 = threadCpu();
        res.rawPattern.push_back(rawPattern.insert(interleaved, interleaved.size(), std::max(2, res.patternTx), false));
        res.patternCpu += threadCpu() - cpu0;
        res.patternRows += double(interleaved.size());
        res.rawBatchQt.push_back(rawQt.insert(rows, rows.size(), 1000, false));
        res.rawRow.push_back(raw.insert(rows, std::min<std::size_t>(rows.size(), 3000), 1, true));
        if (o.batchedPut > 1)
            res.ingestBatched.push_back(ingestRound(o.batchedPut, nullptr, false));
    }
    return res;
}

} // namespace benchsrv
