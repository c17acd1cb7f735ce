// bench_server, shared part: the event-loop helpers, the Tavern client the measured loops
// drive, pipelined request streams, sealing, CPU accounting and the run context every part
// of the benchmark gets. See main.cpp for what is measured.
#pragma once

#include "serverprocess.h"

#include "crypto/contexts.h"
#include "crypto/identity.h"
#include "crypto/securebytes.h"
#include "crypto/sign.h"
#include "protocol/frame.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QHash>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace benchsrv {

using namespace tavern;
using protocol::Frame;
using protocol::FrameType;
namespace op = protocol::op;

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

extern test::ServerProcess *g_server; // killed by die(): no orphaned server

[[noreturn]] void die(const QString &why);
// Runs the event loop until done() or the deadline. A 5 ms ticker (started in main) makes
// sure WaitForMoreEvents never sleeps past the deadline.
bool runUntil(const std::function<bool()> &done, int timeoutMs);
void spin(int ms);
double median(std::vector<double> v);
double percentile(std::vector<double> v, double p);
// CPU seconds of a process (utime + stime from /proc/PID/stat) and of the calling thread.
double processCpu(pid_t pid);
double threadCpu();
// The tavern-server child: ServerProcess keeps its QProcess private, so find it in /proc.
pid_t childNamed(const QByteArray &name);
// Other work on the machine skews everything here: printed so a reader can tell.
QByteArray loadAverage();
void setLowDelay(QWebSocket &ws);

// A Tavern client on one WebSocket. Setup code uses request() (decoded responses by id);
// the measured loops install `hook`, which then sees every raw message instead.

class Client : public QObject
{
public:
    explicit Client(QUrl url) : m_url(std::move(url))
    {
        m_ws.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
        QObject::connect(&m_ws, &QWebSocket::binaryMessageReceived, this,
                         [this](const QByteArray &m) { onMessage(m); });
        QObject::connect(&m_ws, &QWebSocket::connected, this, [this] { setLowDelay(m_ws); });
    }
    ~Client() override { m_ws.abort(); }

    bool open()
    {
        m_ws.open(m_url);
        return runUntil([&] { return m_ws.state() == QAbstractSocket::ConnectedState; }, 10000);
    }

    quint64 reserveIds(quint64 n)
    {
        const quint64 first = m_nextId;
        m_nextId += n;
        return first;
    }
    void sendBytes(const QByteArray &b) { m_ws.sendBinaryMessage(b); }

    Frame request(const QString &opName, const QCborMap &body = {}, int timeoutMs = 20000)
    {
        const quint64 id = m_nextId++;
        sendBytes(protocol::encodeFrame(Frame::request(id, opName, body)));
        if (!runUntil([&] { return m_responses.contains(id); }, timeoutMs))
            die(QStringLiteral("no answer to %1 within %2 ms").arg(opName).arg(timeoutMs));
        return m_responses.take(id);
    }
    Frame expectOk(const QString &opName, const QCborMap &body = {})
    {
        Frame f = request(opName, body);
        if (f.type != FrameType::Response)
            die(QStringLiteral("%1 failed: %2 %3").arg(opName, protocol::errorName(f.code), f.message));
        return f;
    }

    void signup(const crypto::Identity &id)
    {
        QCborMap body;
        body.insert(QStringLiteral("username"), id.username);
        body.insert(QStringLiteral("signKey"), id.signing.publicKey);
        body.insert(QStringLiteral("boxKey"), id.box.publicKey);
        body.insert(QStringLiteral("sig"),
                    crypto::sign(id.signing, crypto::ctx::SignupSig,
                                 protocol::signupMessage(id.username, id.signing.publicKey, id.box.publicKey)));
        expectOk(op::Signup, body);
    }
    void login(const crypto::Identity &id)
    {
        QCborMap ask;
        ask.insert(QStringLiteral("username"), id.username);
        const QByteArray nonce = expectOk(op::Challenge, ask).body.value(QStringLiteral("nonce")).toByteArray();
        QCborMap body;
        body.insert(QStringLiteral("username"), id.username);
        body.insert(QStringLiteral("nonce"), nonce);
        body.insert(QStringLiteral("sig"),
                    crypto::sign(id.signing, crypto::ctx::AuthChallengeSig, protocol::authMessage(nonce, id.username)));
        expectOk(op::Auth, body);
    }

    std::function<void(const QByteArray &)> hook;
    qint64 pushesSeen = 0; // outside hooks

private:
    void onMessage(const QByteArray &m)
    {
        if (hook)
            return hook(m);
        auto f = protocol::decodeFrame(m, {16, 1000000, 64 * 1024 * 1024});
        if (!f)
            die(QStringLiteral("undecodable frame from the server"));
        if (f->type == FrameType::Push)
            ++pushesSeen;
        else
            m_responses.insert(f->id, std::move(*f));
    }

    QWebSocket m_ws;
    QUrl m_url;
    quint64 m_nextId = 1;
    QHash<quint64, Frame> m_responses;
};

// Response or error to a request: {ok, id}. Decoding is the same work a real client does.
std::pair<bool, quint64> answerOf(const QByteArray &m, QString *why = nullptr);
QCborMap dbBody(const QByteArray &dbId);

// Kegs: sealed and signed for real (both cores), wrapped in pre-encoded keg.put frames so
// that the measured loops spend nothing on crypto.

struct SealJob
{
    const crypto::Identity *author;
    QByteArray dbId;
    const crypto::SecureBytes *key;
};

// Seals every job's keg (on up to 4 threads); the keg ids are made in job order.
std::vector<QByteArray> sealMany(const std::vector<SealJob> &jobs, const QByteArray &plaintext,
                                 std::vector<QByteArray> *kegIds = nullptr);
QByteArray putFrame(quint64 id, const QByteArray &dbId, const QCborArray &kegs);

// One client's pipelined stream: at most `window` requests in flight, the next one sent as
// each answer arrives.
// One client's pipelined stream: at most `window` requests in flight, the next one sent as
// each answer arrives.
struct Stream
{
    Client *client = nullptr;
    std::vector<QByteArray> frames;
    std::size_t sent = 0, answered = 0, failed = 0;
    QString firstError;
};

// Runs all streams to completion (or the deadline); returns seconds from first send to last

// Runs all streams to completion (or the deadline); returns seconds from first send to last
// answer. Each answer is matched by decoding it, as a real client must.
double runStreams(std::vector<Stream> &streams, int window, int timeoutMs);

// Group commit as the server logged it ("event=store.commit jobs=N", debug level).

// Group commit as the server logged it ("event=store.commit jobs=N", debug level).
struct CommitStats
{
    int commits = 0;
    qint64 jobs = 0;
    int maxJobs = 0;
    double commitUs = 0; // summed time of the COMMIT statements (write-out and fsync)
};

CommitStats commitsIn(const QString &log);
void addStats(CommitStats &into, const CommitStats &more);

struct Options
{
    int clients = 50;
    int window = 8;
    int kegsPerClient = 600;
    int kegsPerPut = 1;
    int batchedPut = 10; // context line: kegs per keg.put of a client flushing its outbox
    int members = 50;
    int posts = 1500;
    int fanoutWindow = 32;
    int latencySamples = 1000;
    int rounds = 5;
    int payload = 256;
};

struct Member
{
    crypto::Identity id;
    std::unique_ptr<Client> conn;
};

// What every part of the benchmark gets.
struct Run
{
    Options o;
    test::ServerProcess *server = nullptr;
    pid_t serverPid = 0;
    QUrl url;
    std::vector<Member> users;
    QByteArray plaintext;
    crypto::SecureBytes personalKey;
    std::function<bool()> overBudget;
};

struct IngestResult
{
    // rawBatch: per round the faster of rawByDb (rows grouped by KegDB) and rawArrival (rows
    // in the order the clients wrote them), both in 1000-row transactions.
    std::vector<double> ingest, ingestBatched, rawBatch, rawByDb, rawArrival, rawRow, rawBatchQt;
    // Context: raw SQLite (C API) inserting the same rows in the server's write pattern: the
    // clients' rows interleaved across their DBs, in transactions of the server's measured
    // mean group-commit size. What SQLite alone costs for the work the server must do.
    std::vector<double> rawPattern;
    int patternTx = 0;
    // Bench-process CPU spent in the ordered baseline and in the server-pattern one, and rows.
    double rawCpu = 0, rawRows = 0, patternCpu = 0, patternRows = 0;
    CommitStats commits;
    double serverCpu = 0, clientCpu = 0, secs = 0, kegs = 0;
    qsizetype kegBytes = 0;
};
struct FanoutResult
{
    std::vector<double> fanout, relay;
    CommitStats commits;
    double serverCpu = 0, clientCpu = 0, secs = 0, deliveries = 0;
    qsizetype pushBytes = 0;
    int members = 0;
};
struct LatencyResult
{
    std::vector<double> lat, rawLat, commitLat;
};

IngestResult runIngest(Run &run);   // ingest.cpp
FanoutResult runFanout(Run &run);   // fanout.cpp
LatencyResult runLatency(Run &run); // fanout.cpp

void printRow(const char *what, const QString &ours, const QString &raw, const QString &ratio);
inline QString num(double v, int prec = 0)
{
    return QString::number(v, 'f', prec);
}
QString joined(const std::vector<double> &v);

} // namespace benchsrv
