// bench_server: drives the real tavern-server (a child process on 127.0.0.1 port 0 with a
// temporary SQLite file, started by tests/support/ServerProcess) with concurrent WebSocket
// clients over loopback, and prints each figure beside a raw baseline measured in the same
// run, ours and raw alternated round by round:
//   1. durable ingest: acked kegs/s, C clients pipelining keg.put into their personal DBs,
//      vs raw SQLite (QSQLITE, WAL, synchronous=FULL) inserting rows of the same size
//      into the server's own kegs table layout in 1000-row transactions (and, for context,
//      one transaction per row);
//   2. fan-out: keg pushes delivered per second when one device posts to a room of M joined
//      members (all online) vs a bare Qt WebSocket relay (no storage) forwarding the same
//      bytes to M clients;
//   3. unloaded delivery latency: one sender, one receiver in a DM, sequential sends, send
//      -> receiver's push, vs the same path through the bare relay.
// Every loop is bounded in count and time. Usage (all optional):
//   bench_server [--clients 50] [--window 8] [--kegs-per-client 600] [--kegs-per-put 1]
//                [--batched-put 10 (context line; 1 = skip)] [--only ingest|fanout|latency]
//                [--members 50] [--posts 1500] [--fanout-window 32] [--latency 1000]
//                [--rounds 5] [--payload 256] [--quick]
#include "serverprocess.h"

#include "crypto/contexts.h"
#include "crypto/identity.h"
#include "crypto/sign.h"
#include "crypto/sodium.h"
#include "keg/bootkegbuilder.h"
#include "keg/keg.h"
#include "protocol/frame.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

using namespace tavern;
using protocol::Frame;
using protocol::FrameType;
namespace op = protocol::op;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

test::ServerProcess *g_server = nullptr; // killed by die(): no orphaned server

[[noreturn]] void die(const QString &why)
{
    std::fprintf(stderr, "bench_server: %s\n", qPrintable(why));
    if (g_server) {
        std::fprintf(stderr, "server log tail:\n%s\n", qPrintable(g_server->logs().right(2000)));
        g_server->kill9();
    }
    std::fflush(stderr);
    std::_Exit(1);
}

// Runs the event loop until done() or the deadline. A 5 ms ticker (started in main) makes
// sure WaitForMoreEvents never sleeps past the deadline.
bool runUntil(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

void spin(int ms)
{
    const QDeadlineTimer deadline(ms);
    (void)runUntil([&] { return deadline.hasExpired(); }, ms + 100);
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = std::size_t(std::ceil(p * double(v.size()))) - 1;
    return v[std::min(i, v.size() - 1)];
}

// CPU seconds of a process (utime + stime from /proc/PID/stat) and of the calling thread.
double processCpu(pid_t pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray s = f.readAll();
    const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return double(fields[11].toLongLong() + fields[12].toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

double threadCpu()
{
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// The tavern-server child: ServerProcess keeps its QProcess private, so find it in /proc.
pid_t childNamed(const QByteArray &name)
{
    const pid_t me = getpid();
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool ok = false;
        const int pid = entry.toInt(&ok);
        if (!ok)
            continue;
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray s = f.readAll();
        const qsizetype open = s.indexOf('('), close = s.lastIndexOf(')');
        if (open < 0 || close < 0)
            continue;
        const QList<QByteArray> rest = s.mid(close + 2).split(' ');
        if (s.mid(open + 1, close - open - 1) == name.left(15) && rest.size() > 1 && rest[1].toInt() == me)
            return pid_t(pid);
    }
    return 0;
}

// Other work on the machine skews everything here: printed so a reader can tell.
QByteArray loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return "unknown\n";
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.mid(0, 3).join(' ') + " (1/5/15 min)\n";
}

void setLowDelay(QWebSocket &ws)
{
    // QWebSocket does not expose its socket; Qt creates it as a child. Without TCP_NODELAY a
    // small frame can wait for the delayed ACK of the previous one (about 40 ms).
    if (auto *s = ws.findChild<QTcpSocket *>())
        s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

// ---------------------------------------------------------------------------------------
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
        body.insert(QStringLiteral("sig"), crypto::sign(id.signing, crypto::ctx::AuthChallengeSig,
                                                        protocol::authMessage(nonce, id.username)));
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
std::pair<bool, quint64> answerOf(const QByteArray &m, QString *why = nullptr)
{
    auto f = protocol::decodeFrame(m, {16, 1000000, 64 * 1024 * 1024});
    if (!f)
        return {false, 0};
    if (f->type == FrameType::Error && why)
        *why = protocol::errorName(f->code) + QStringLiteral(": ") + f->message;
    return {f->type == FrameType::Response, f->id};
}

QCborMap dbBody(const QByteArray &dbId)
{
    QCborMap b;
    b.insert(QStringLiteral("dbId"), dbId);
    return b;
}

// ---------------------------------------------------------------------------------------
// Kegs: sealed and signed for real (both cores), wrapped in pre-encoded keg.put frames so
// that the measured loops spend nothing on crypto.

struct SealJob
{
    const crypto::Identity *author;
    QByteArray dbId;
    const crypto::SecureBytes *key;
};

std::vector<QByteArray> sealMany(const std::vector<SealJob> &jobs, const QByteArray &plaintext)
{
    std::vector<QByteArray> out(jobs.size());
    const auto work = [&](std::size_t from, std::size_t step) {
        for (std::size_t i = from; i < jobs.size(); i += step) {
            const keg::KegAddress addr{jobs[i].dbId, keg::newKegId(), keg::KegType::Message, 0, 1};
            out[i] = keg::encodeKeg(keg::sealKeg(addr, plaintext, *jobs[i].key, jobs[i].author->username,
                                                 jobs[i].author->signing));
        }
    };
    const unsigned n = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < n; ++t)
        threads.emplace_back(work, t, n);
    work(0, n);
    for (auto &t : threads)
        t.join();
    return out;
}

QByteArray putFrame(quint64 id, const QByteArray &dbId, const QCborArray &kegs)
{
    QCborMap body = dbBody(dbId);
    body.insert(QStringLiteral("kegs"), kegs);
    return protocol::encodeFrame(Frame::request(id, op::KegPut, body));
}

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
// answer. Each answer is matched by decoding it, as a real client must.
double runStreams(std::vector<Stream> &streams, int window, int timeoutMs)
{
    std::size_t total = 0, answered = 0;
    for (Stream &s : streams) {
        total += s.frames.size();
        s.client->hook = [&s, &answered](const QByteArray &m) {
            QString why;
            const auto [ok, id] = answerOf(m, &why);
            if (id == 0)
                return; // a push (other devices' writes); not an answer
            ++s.answered;
            ++answered;
            if (!ok && s.failed++ == 0)
                s.firstError = why;
            if (s.sent < s.frames.size())
                s.client->sendBytes(s.frames[s.sent++]);
        };
    }
    const auto t0 = Clock::now();
    for (Stream &s : streams) {
        while (s.sent < s.frames.size() && s.sent < std::size_t(window))
            s.client->sendBytes(s.frames[s.sent++]);
    }
    const bool done = runUntil([&] { return answered == total; }, timeoutMs);
    const double secs = secondsSince(t0);
    for (Stream &s : streams) {
        s.client->hook = nullptr;
        if (s.failed)
            die(QStringLiteral("%1 requests refused, first: %2").arg(s.failed).arg(s.firstError));
    }
    if (!done)
        die(QStringLiteral("timed out: %1 of %2 answers").arg(answered).arg(total));
    return secs;
}

// Group commit as the server logged it ("event=store.commit jobs=N", debug level).
struct CommitStats
{
    int commits = 0;
    qint64 jobs = 0;
    int maxJobs = 0;
};

CommitStats commitsIn(const QString &log)
{
    static const QRegularExpression re(QStringLiteral("event=store\\.commit jobs=(\\d+)"));
    CommitStats s;
    for (auto it = re.globalMatch(log); it.hasNext();) {
        const int j = it.next().captured(1).toInt();
        ++s.commits;
        s.jobs += j;
        s.maxJobs = std::max(s.maxJobs, j);
    }
    return s;
}

// ---------------------------------------------------------------------------------------
// Raw SQLite: the server's kegs table (same columns, primary key and cursor index), rows of
// the same bytes, prepared INSERT, WAL, synchronous=FULL.

struct Row
{
    QByteArray dbId, kegId, author, data;
};

class RawSqlite
{
public:
    explicit RawSqlite(const QString &path)
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-raw"));
        m_db.setDatabaseName(path);
        if (!m_db.open())
            die(QStringLiteral("raw sqlite: %1").arg(m_db.lastError().text()));
        for (const char *sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                                "CREATE TABLE kegs (db_id BLOB NOT NULL, keg_id BLOB NOT NULL, "
                                "version BIGINT NOT NULL, author TEXT NOT NULL, keg_type INTEGER NOT NULL, "
                                "collection_version BIGINT NOT NULL, deleted INTEGER NOT NULL, data BLOB, "
                                "PRIMARY KEY (db_id, keg_id))",
                                "CREATE UNIQUE INDEX kegs_cursor ON kegs (db_id, collection_version)"}) {
            QSqlQuery q(m_db);
            if (!q.exec(QString::fromLatin1(sql)))
                die(QStringLiteral("raw sqlite: %1").arg(q.lastError().text()));
        }
        m_insert = QSqlQuery(m_db);
        m_insert.prepare(QStringLiteral("INSERT INTO kegs (db_id, keg_id, version, author, keg_type, "
                                        "collection_version, deleted, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    }
    ~RawSqlite()
    {
        m_insert = QSqlQuery();
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("bench-raw"));
    }

    // Rows per second inserting rows[0..n) in transactions of perTx rows (1 = autocommit).
    double insert(const std::vector<Row> &rows, std::size_t n, int perTx, bool freshIds)
    {
        n = std::min(n, rows.size());
        std::vector<QByteArray> ids;
        if (freshIds) {
            for (std::size_t i = 0; i < n; ++i)
                ids.push_back(keg::newKegId());
        }
        const auto t0 = Clock::now();
        for (std::size_t i = 0; i < n; ++i) {
            if (perTx > 1 && i % std::size_t(perTx) == 0 && !m_db.transaction())
                die(QStringLiteral("raw sqlite: BEGIN failed"));
            const Row &r = rows[i];
            m_insert.addBindValue(r.dbId);
            m_insert.addBindValue(freshIds ? ids[i] : r.kegId);
            m_insert.addBindValue(qint64(1));
            m_insert.addBindValue(QString::fromUtf8(r.author));
            m_insert.addBindValue(0);
            m_insert.addBindValue(++m_cv[r.dbId]);
            m_insert.addBindValue(0);
            m_insert.addBindValue(r.data);
            if (!m_insert.exec())
                die(QStringLiteral("raw sqlite: %1").arg(m_insert.lastError().text()));
            if (perTx > 1 && ((i + 1) % std::size_t(perTx) == 0 || i + 1 == n) && !m_db.commit())
                die(QStringLiteral("raw sqlite: COMMIT failed"));
        }
        return double(n) / secondsSince(t0);
    }

    // Milliseconds of one autocommit INSERT of `row` (one transaction, one fsync).
    double commitOne(const Row &row)
    {
        const auto t0 = Clock::now();
        m_insert.addBindValue(row.dbId);
        m_insert.addBindValue(keg::newKegId());
        m_insert.addBindValue(qint64(1));
        m_insert.addBindValue(QString::fromUtf8(row.author));
        m_insert.addBindValue(0);
        m_insert.addBindValue(++m_cv[row.dbId]);
        m_insert.addBindValue(0);
        m_insert.addBindValue(row.data);
        if (!m_insert.exec())
            die(QStringLiteral("raw sqlite: %1").arg(m_insert.lastError().text()));
        return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    }

private:
    QSqlDatabase m_db;
    QSqlQuery m_insert;
    QHash<QByteArray, qint64> m_cv;
};

// ---------------------------------------------------------------------------------------
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
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        socket->setParent(nullptr);
        ws.handleConnection(socket);
    }
};

class RelayThread
{
public:
    RelayThread()
    {
        m_thread.start();
        m_anchor.moveToThread(&m_thread);
    }
    ~RelayThread()
    {
        stop();
        QMetaObject::invokeMethod(&m_anchor, [this] { m_anchor.moveToThread(QCoreApplication::instance()->thread()); },
                                  Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    QUrl start()
    {
        quint16 port = 0;
        QMetaObject::invokeMethod(&m_anchor, [&] {
            m_relay = new RelayListener;
            if (m_relay->listen(QHostAddress::LocalHost, 0))
                port = m_relay->serverPort();
        }, Qt::BlockingQueuedConnection);
        if (!port)
            die(QStringLiteral("relay: cannot listen"));
        return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port));
    }
    void stop()
    {
        QMetaObject::invokeMethod(&m_anchor, [this] {
            delete m_relay;
            m_relay = nullptr;
        }, Qt::BlockingQueuedConnection);
    }
    int peers()
    {
        int n = 0;
        QMetaObject::invokeMethod(&m_anchor, [&] { n = m_relay ? int(m_relay->peers.size()) : 0; },
                                  Qt::BlockingQueuedConnection);
        return n;
    }

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

// ---------------------------------------------------------------------------------------

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

int intArg(const QStringList &args, const char *name, int fallback)
{
    const qsizetype i = args.indexOf(QLatin1String(name));
    return i > 0 && i + 1 < args.size() ? std::max(1, args[i + 1].toInt()) : fallback;
}

struct Member
{
    crypto::Identity id;
    std::unique_ptr<Client> conn;
};

void printRow(const char *what, const QString &ours, const QString &raw, const QString &ratio)
{
    std::printf("  %-46s %14s %14s %8s\n", what, qPrintable(ours), qPrintable(raw), qPrintable(ratio));
}

QString num(double v, int prec = 0) { return QString::number(v, 'f', prec); }

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
    const QString only = args.indexOf(QStringLiteral("--only")) > 0
                             ? args.value(args.indexOf(QStringLiteral("--only")) + 1) : QString();
    const bool doIngest = only.isEmpty() || only == QLatin1String("ingest");
    const bool doFanout = only.isEmpty() || only == QLatin1String("fanout");
    const bool doLatency = only.isEmpty() || only == QLatin1String("latency");
    if (!crypto::ensureSodium())
        return 1;
    const auto benchStart = Clock::now();
    const auto overBudget = [&] { return secondsSince(benchStart) > 75; };

    QTimer ticker; // see runUntil()
    ticker.start(5);

    // The per-connection frame rate limit (200/s) is anti-abuse for one device; lifted here
    // so that C connections stand in for many more devices. Debug logging gives one
    // "store.commit jobs=N" line per transaction: the group-commit batch sizes.
    test::ServerProcess server({QStringLiteral("--rate"), QStringLiteral("1000000"),
                                QStringLiteral("--burst"), QStringLiteral("1000000")});
    g_server = &server;
    if (!server.start())
        die(QStringLiteral("tavern-server did not start: %1").arg(server.logs()));
    const pid_t serverPid = childNamed("tavern-server");
    const QUrl url = server.url();

    const int people = std::max({o.clients, o.members, 3});
    std::vector<Member> users(static_cast<std::size_t>(people));
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
    const QByteArray plaintext(o.payload, 'm');
    const crypto::SecureBytes personalKey = crypto::SecureBytes::random(32);

    std::printf("bench_server: real tavern-server (pid %d) on %s, SQLite WAL synchronous=FULL, "
                "loopback, %u cores\n",
                int(serverPid), qPrintable(url.toString()), std::thread::hardware_concurrency());
    std::printf("  load average at start: %s", loadAverage().constData());
    std::printf("  keg payload %d bytes; ours and raw alternated, %d rounds, median shown; ratio = ours / raw\n",
                o.payload, o.rounds);
    std::fflush(stdout);

    // ---- 1. durable ingest -------------------------------------------------------------
    // One round: every client pipelines kegsPerClient fresh kegs into its personal DB,
    // kegsPerPut per keg.put, `window` requests in flight. Returns kegs/s; `rows` receives
    // the same kegs as rows for the raw baseline.
    CommitStats ingestCommits;
    double ingestServerCpu = 0, ingestClientCpu = 0, ingestSecs = 0, ingestKegs = 0;
    qsizetype kegBytes = 0;
    const auto ingestRound = [&](int kegsPerPut, std::vector<Row> *rows, bool account) {
        std::vector<SealJob> jobs;
        for (int c = 0; c < o.clients; ++c) {
            const auto &u = users[std::size_t(c)];
            for (int k = 0; k < o.kegsPerClient; ++k)
                jobs.push_back({&u.id, keg::personalDbId(u.id.username), &personalKey});
        }
        const std::vector<QByteArray> sealed = sealMany(jobs, plaintext);
        kegBytes = sealed.front().size();
        std::vector<Stream> streams(std::size_t(o.clients));
        for (int c = 0; c < o.clients; ++c) {
            Stream &s = streams[std::size_t(c)];
            s.client = users[std::size_t(c)].conn.get();
            const std::size_t first = std::size_t(c) * std::size_t(o.kegsPerClient);
            quint64 id = s.client->reserveIds(quint64((o.kegsPerClient + kegsPerPut - 1) / kegsPerPut));
            for (int k = 0; k < o.kegsPerClient; k += kegsPerPut) {
                QCborArray list;
                for (int j = k; j < std::min(o.kegsPerClient, k + kegsPerPut); ++j) {
                    const std::size_t i = first + std::size_t(j);
                    list.append(sealed[i]);
                    if (rows)
                        rows->push_back({jobs[i].dbId, keg::newKegId(), jobs[i].author->username.toUtf8(), sealed[i]});
                }
                s.frames.push_back(putFrame(id++, jobs[first].dbId, list));
            }
        }
        const qsizetype logFrom = server.logs().size();
        const double cpu0 = processCpu(serverPid), me0 = threadCpu();
        const double secs = runStreams(streams, o.window, 60000);
        const double serverCpu = processCpu(serverPid) - cpu0, clientCpu = threadCpu() - me0;
        spin(20);
        if (account) {
            const CommitStats cs = commitsIn(server.logs().mid(logFrom));
            ingestCommits.commits += cs.commits;
            ingestCommits.jobs += cs.jobs;
            ingestCommits.maxJobs = std::max(ingestCommits.maxJobs, cs.maxJobs);
            ingestServerCpu += serverCpu;
            ingestClientCpu += clientCpu;
            ingestSecs += secs;
            ingestKegs += double(jobs.size());
        }
        return double(jobs.size()) / secs;
    };
    std::vector<double> ingest, ingestBatched, rawBatch, rawRow;
    RawSqlite raw(server.tempPath(QStringLiteral("raw.sqlite")));
    for (int round = 0; doIngest && round < o.rounds && !(round > 0 && overBudget()); ++round) {
        std::vector<Row> rows;
        ingest.push_back(ingestRound(o.kegsPerPut, &rows, true));
        rawBatch.push_back(raw.insert(rows, rows.size(), 1000, false));
        rawRow.push_back(raw.insert(rows, std::min<std::size_t>(rows.size(), 3000), 1, true));
        if (o.batchedPut > 1)
            ingestBatched.push_back(ingestRound(o.batchedPut, nullptr, false));
    }

    // ---- 2. fan-out ------------------------------------------------------------------
    // A room of M joined members with the real boot keg: user000 creates it, invites the
    // others in one version, each invitee signs its own acceptance.
    const int M = std::min(o.members, people);
    QByteArray roomId;
    crypto::SecureBytes roomKey;
    {
        keg::BuiltVersion g = keg::createRoom(users[0].id, {QStringLiteral("bench"), {}, keg::HistoryPolicy::Shared});
        QCborMap create;
        create.insert(QStringLiteral("genesis"), g.version.encode());
        users[0].conn->expectOk(op::RoomCreate, create);
        keg::SignedBootKeg head = g.version;
        roomId = QByteArray(head.roomId().constData(), head.roomId().size());
        keg::RoomKeys adminKeys;
        roomKey = g.newKey.clone();
        adminKeys.insert(0, std::move(g.newKey));
        const auto publish = [&](Client &c, const crypto::Identity &me, const keg::RoomKeys &keys,
                                 const std::function<void(keg::BootKegBuilder &)> &change) {
            keg::BootKegBuilder b(head, me, keys);
            change(b);
            auto built = b.build();
            if (!built)
                die(QStringLiteral("boot keg: %1").arg(built.error().message));
            QCborMap body = dbBody(roomId);
            body.insert(QStringLiteral("version"), built->version.encode());
            c.expectOk(op::BootKegPut, body);
            head = built->version;
        };
        publish(*users[0].conn, users[0].id, adminKeys, [&](keg::BootKegBuilder &b) {
            for (int i = 1; i < M; ++i) {
                const auto &id = users[std::size_t(i)].id;
                if (!b.invite({id.username, id.signing.publicKey, id.box.publicKey}, keg::Role::Member,
                              keg::HistoryPolicy::Shared))
                    die(QStringLiteral("invite refused"));
            }
        });
        for (int i = 1; i < M; ++i) {
            // The invitee opens its own seal of the room key, as a real client does.
            auto key = keg::openCurrentKey(head, users[std::size_t(i)].id);
            if (!key)
                die(QStringLiteral("invitee cannot open its key: %1").arg(key.error().message));
            keg::RoomKeys mine;
            mine.insert(0, std::move(key).value());
            publish(*users[std::size_t(i)].conn, users[std::size_t(i)].id, mine, [](keg::BootKegBuilder &b) {
                if (!b.acceptInvitation())
                    die(QStringLiteral("accept refused"));
            });
        }
    }
    // The poster is a second device of user000: all M members' first devices receive.
    Client poster(url);
    if (!poster.open())
        die(QStringLiteral("poster cannot connect"));
    poster.login(users[0].id);
    spin(50); // let the membership pushes drain
    {
        const QCborArray dbs = poster.expectOk(op::DbList).body.value(QStringLiteral("dbs")).toArray();
        bool listed = false;
        for (const auto &d : dbs)
            listed = listed || d.toMap().value(QStringLiteral("dbId")).toByteArray() == roomId;
        if (!listed)
            die(QStringLiteral("room not listed"));
    }

    std::vector<double> fanout, relayRate;
    CommitStats fanoutCommits;
    double fanoutServerCpu = 0, fanoutClientCpu = 0, fanoutSecs = 0, fanoutDeliveries = 0;
    QByteArray samplePush;
    RelayThread relayThread;
    for (int round = 0; doFanout && round < o.rounds && !(round > 0 && overBudget()); ++round) {
        std::vector<SealJob> jobs(std::size_t(o.posts), SealJob{&users[0].id, roomId, &roomKey});
        const std::vector<QByteArray> sealed = sealMany(jobs, plaintext);
        Stream s;
        s.client = &poster;
        quint64 id = poster.reserveIds(quint64(o.posts));
        for (const QByteArray &k : sealed)
            s.frames.push_back(putFrame(id++, roomId, QCborArray{k}));
        const QByteArray relayMsg = samplePush.isEmpty() ? s.frames.front() : samplePush;

        qint64 delivered = 0, expected = qint64(o.posts) * M;
        Clock::time_point last;
        for (int i = 0; i < M; ++i) {
            users[std::size_t(i)].conn->hook = [&, i](const QByteArray &m) {
                ++delivered;
                last = Clock::now();
                if (samplePush.isEmpty() && i == 0)
                    samplePush = m;
            };
        }
        const qsizetype logFrom = server.logs().size();
        const double cpu0 = processCpu(serverPid), me0 = threadCpu();
        const auto t0 = Clock::now();
        std::vector<Stream> one{std::move(s)};
        (void)runStreams(one, o.fanoutWindow, 60000);
        if (!runUntil([&] { return delivered >= expected; }, 30000))
            die(QStringLiteral("fan-out: %1 of %2 pushes arrived").arg(delivered).arg(expected));
        const double secs = std::chrono::duration<double>(last - t0).count();
        const double serverCpu = processCpu(serverPid) - cpu0, clientCpu = threadCpu() - me0;
        spin(20);
        if (delivered != expected)
            die(QStringLiteral("fan-out: %1 pushes, expected %2").arg(delivered).arg(expected));
        for (int i = 0; i < M; ++i)
            users[std::size_t(i)].conn->hook = nullptr;
        {
            auto f = protocol::decodeFrame(samplePush, {16, 1000000, 64 * 1024 * 1024});
            if (!f || f->type != FrameType::Push || f->op != protocol::push::Keg)
                die(QStringLiteral("fan-out: what arrived is not a keg push"));
        }
        const CommitStats cs = commitsIn(server.logs().mid(logFrom));
        fanout.push_back(double(expected) / secs);
        fanoutCommits.commits += cs.commits;
        fanoutCommits.jobs += cs.jobs;
        fanoutCommits.maxJobs = std::max(fanoutCommits.maxJobs, cs.maxJobs);
        fanoutServerCpu += serverCpu;
        fanoutClientCpu += clientCpu;
        fanoutSecs += secs;
        fanoutDeliveries += double(expected);

        // The bare relay: M receivers, one sender, the same bytes as a real keg push, the
        // same window.
        const QUrl relayUrl = relayThread.start();
        std::vector<std::unique_ptr<RawClient>> receivers;
        for (int i = 0; i < M; ++i)
            receivers.push_back(std::make_unique<RawClient>(relayUrl));
        if (!runUntil([&] { return std::all_of(receivers.begin(), receivers.end(), [](auto &r) { return r->connected(); }); }, 10000))
            die(QStringLiteral("relay receivers did not connect"));
        RawClient sender(relayUrl);
        if (!runUntil([&] { return sender.connected() && relayThread.peers() == M + 1; }, 10000))
            die(QStringLiteral("relay sender did not connect"));
        qint64 sent = 0;
        sender.hook = [&](const QByteArray &) {
            if (sent < o.posts) {
                sender.sendBytes(relayMsg);
                ++sent;
            }
        };
        const auto r0 = Clock::now();
        for (; sent < std::min(o.posts, o.fanoutWindow); ++sent)
            sender.sendBytes(relayMsg);
        const auto receivedAll = [&] {
            qint64 n = 0;
            for (auto &r : receivers)
                n += r->received;
            return n;
        };
        if (!runUntil([&] { return receivedAll() >= expected && sender.received >= o.posts; }, 30000))
            die(QStringLiteral("relay: %1 of %2 messages").arg(receivedAll()).arg(expected));
        Clock::time_point rlast = r0;
        for (auto &r : receivers)
            rlast = std::max(rlast, r->lastAt);
        relayRate.push_back(double(expected) / std::chrono::duration<double>(rlast - r0).count());
        receivers.clear();
        relayThread.stop();
    }

    // ---- 3. unloaded delivery latency ----------------------------------------------------
    // user001 -> user002 in their DM, one keg at a time: send -> the receiver's keg push.
    Client &sender = *users[1].conn, &receiver = *users[2].conn;
    QByteArray dm;
    {
        QCborMap body;
        body.insert(QStringLiteral("peer"), users[2].id.username);
        dm = sender.expectOk(op::DmCreate, body).body.value(QStringLiteral("dbId")).toByteArray();
    }
    std::vector<double> lat, rawLat, commitLat;
    const int perRound = std::max(1, o.latencySamples / o.rounds);
    for (int round = 0; doLatency && round < o.rounds && !(round > 0 && overBudget()); ++round) {
        std::vector<SealJob> jobs(std::size_t(perRound), SealJob{&users[1].id, dm, &personalKey});
        const std::vector<QByteArray> sealed = sealMany(jobs, plaintext);
        quint64 id = sender.reserveIds(quint64(perRound));
        bool pushed = false, answered = false, ok = true;
        Clock::time_point pushAt;
        receiver.hook = [&](const QByteArray &) {
            pushed = true;
            pushAt = Clock::now();
        };
        sender.hook = [&](const QByteArray &m) {
            answered = true;
            ok = ok && answerOf(m).first;
        };
        for (int i = 0; i < perRound; ++i) {
            pushed = answered = false;
            const QByteArray frame = putFrame(id++, dm, QCborArray{sealed[std::size_t(i)]});
            const auto t0 = Clock::now();
            sender.sendBytes(frame);
            if (!runUntil([&] { return pushed && answered; }, 5000) || !ok)
                die(QStringLiteral("latency: send %1 not delivered").arg(i));
            lat.push_back(std::chrono::duration<double, std::milli>(pushAt - t0).count());
        }
        receiver.hook = sender.hook = nullptr;

        // Raw: the same path through the bare relay (sender -> relay -> receiver).
        const QUrl relayUrl = relayThread.start();
        RawClient rs(relayUrl), rr(relayUrl);
        if (!runUntil([&] { return rs.connected() && rr.connected() && relayThread.peers() == 2; }, 10000))
            die(QStringLiteral("relay latency clients did not connect"));
        const QByteArray msg = putFrame(1, dm, QCborArray{sealed[0]});
        for (int i = 0; i < perRound; ++i) {
            const qint64 r0 = rr.received, s0 = rs.received;
            const auto t0 = Clock::now();
            rs.sendBytes(msg);
            if (!runUntil([&] { return rr.received > r0 && rs.received > s0; }, 5000))
                die(QStringLiteral("relay latency: message lost"));
            rawLat.push_back(std::chrono::duration<double, std::milli>(rr.lastAt - t0).count());
        }
        relayThread.stop();

        // Context: the durability floor, one SQLite commit of a row of the same size.
        const Row row{dm, {}, users[1].id.username.toUtf8(), sealed[0]};
        for (int i = 0; i < perRound; ++i)
            commitLat.push_back(raw.commitOne(row));
    }

    // ---- results ---------------------------------------------------------------------
    const double ingestM = median(ingest), rawBatchM = median(rawBatch), rawRowM = median(rawRow);
    const double fanoutM = median(fanout), relayM = median(relayRate);
    const double p50 = percentile(lat, 0.50), p99 = percentile(lat, 0.99);
    const double rp50 = percentile(rawLat, 0.50), rp99 = percentile(rawLat, 0.99);
    const auto ratio = [](double a, double b) { return QString::number(a / b, 'f', 2) + QLatin1Char('x'); };

    std::printf("\n  %-46s %14s %14s %8s\n", "measurement", "tavern", "raw", "ratio");
    char label[128];
    std::snprintf(label, sizeof label, "ingest kegs/s (%d clients, window %d, %d/put)", o.clients, o.window, o.kegsPerPut);
    printRow(label, num(ingestM), num(rawBatchM), ratio(ingestM, rawBatchM));
    std::printf("      raw = SQLite 1000-row transactions, %lld-byte rows, same table and indexes\n",
                static_cast<long long>(kegBytes));
    printRow("  context: SQLite one transaction per row", QString(), num(rawRowM), ratio(ingestM, rawRowM));
    if (!ingestBatched.empty()) {
        std::snprintf(label, sizeof label, "  context: %d kegs per keg.put (outbox flush)", o.batchedPut);
        printRow(label, num(median(ingestBatched)), num(rawBatchM), ratio(median(ingestBatched), rawBatchM));
    }
    std::snprintf(label, sizeof label, "fan-out deliveries/s (room of %d, window %d)", M, o.fanoutWindow);
    printRow(label, num(fanoutM), num(relayM), ratio(fanoutM, relayM));
    std::printf("      raw = bare Qt WebSocket relay, no storage, %lld-byte messages\n",
                static_cast<long long>(samplePush.size()));
    printRow("delivery latency p50 ms (DM, sequential)", num(p50, 3), num(rp50, 3), ratio(p50, rp50));
    printRow("delivery latency p99 ms", num(p99, 3), num(rp99, 3), ratio(p99, rp99));
    std::printf("      raw = bare Qt relay send -> receive; %zu samples each\n", lat.size());
    printRow("  context: SQLite one-row commit p50 / p99 ms", QString(),
             num(percentile(commitLat, 0.5), 3) + QStringLiteral(" / ") + num(percentile(commitLat, 0.99), 3),
             QString());

    const auto perCommit = [](const CommitStats &c) { return c.commits ? double(c.jobs) / c.commits : 0.0; };
    std::printf("\n  group commit: ingest %d commits, %.1f jobs/commit (max %d), %.0f commits/s; "
                "fan-out %.1f jobs/commit (max %d)\n",
                ingestCommits.commits, perCommit(ingestCommits), ingestCommits.maxJobs,
                ingestSecs > 0 ? ingestCommits.commits / ingestSecs : 0.0, perCommit(fanoutCommits),
                fanoutCommits.maxJobs);
    std::printf("  cpu busy (of one core): ingest server %.0f%%, bench clients %.0f%%; "
                "fan-out server %.0f%%, bench clients %.0f%%\n",
                100 * ingestServerCpu / ingestSecs, 100 * ingestClientCpu / ingestSecs,
                100 * fanoutServerCpu / fanoutSecs, 100 * fanoutClientCpu / fanoutSecs);
    std::printf("  server cpu: %.1f us per ingested keg, %.2f us per fan-out delivery\n",
                1e6 * ingestServerCpu / ingestKegs, 1e6 * fanoutServerCpu / fanoutDeliveries);
    std::printf("  rounds: ingest %s | raw %s; fan-out %s | relay %s\n",
                qPrintable([&] { QStringList l; for (double v : ingest) l << num(v); return l.join(QLatin1Char(' ')); }()),
                qPrintable([&] { QStringList l; for (double v : rawBatch) l << num(v); return l.join(QLatin1Char(' ')); }()),
                qPrintable([&] { QStringList l; for (double v : fanout) l << num(v); return l.join(QLatin1Char(' ')); }()),
                qPrintable([&] { QStringList l; for (double v : relayRate) l << num(v); return l.join(QLatin1Char(' ')); }()));
    const bool g1 = ingestM >= 0.5 * rawBatchM, g2 = fanoutM >= 0.5 * relayM, g3 = p99 <= 2.0;
    std::printf("goals: ingest >= 0.5x raw batched: %s (%.2fx); fan-out >= 0.5x bare relay: %s (%.2fx); "
                "latency p99 <= 2 ms: %s (%.3f ms)\n",
                g1 ? "met" : "NOT met", ingestM / rawBatchM, g2 ? "met" : "NOT met", fanoutM / relayM,
                g3 ? "met" : "NOT met", p99);
    std::printf("  total %.1f s; load average at end: %s", secondsSince(benchStart), loadAverage().constData());
    std::fflush(stdout);

    for (auto &u : users)
        u.conn.reset();
    server.terminate();
    g_server = nullptr;
    return 0;
}
