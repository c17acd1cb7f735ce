#include "common.h"

#include "keg/keg.h"
#include "protocol/ops.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTcpSocket>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

namespace benchsrv {

test::ServerProcess *g_server = nullptr;

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

std::pair<bool, quint64> answerOf(const QByteArray &m, QString *why)
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

std::vector<QByteArray> sealMany(const std::vector<SealJob> &jobs, const QByteArray &plaintext,
                                 std::vector<QByteArray> *kegIds)
{
    // Ids first, in job order: keg ids are time-ordered, and a client makes a keg's id when it
    // writes the keg, so the ids must follow the order the jobs stand for, not the threads'.
    std::vector<QByteArray> ids(jobs.size());
    for (QByteArray &id : ids)
        id = keg::newKegId();
    std::vector<QByteArray> out(jobs.size());
    const auto work = [&](std::size_t from, std::size_t step) {
        for (std::size_t i = from; i < jobs.size(); i += step) {
            const keg::KegAddress addr{jobs[i].dbId, ids[i], keg::KegType::Message, 0, 1};
            out[i] = keg::encodeKeg(
                keg::sealKeg(addr, plaintext, *jobs[i].key, jobs[i].author->username, jobs[i].author->signing));
        }
    };
    const unsigned n = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < n; ++t)
        threads.emplace_back(work, t, n);
    work(0, n);
    for (auto &t : threads)
        t.join();
    if (kegIds)
        *kegIds = std::move(ids);
    return out;
}

QByteArray putFrame(quint64 id, const QByteArray &dbId, const QCborArray &kegs)
{
    QCborMap body = dbBody(dbId);
    body.insert(QStringLiteral("kegs"), kegs);
    return protocol::encodeFrame(Frame::request(id, op::KegPut, body));
}

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

CommitStats commitsIn(const QString &log)
{
    static const QRegularExpression re(QStringLiteral("event=store\\.commit jobs=(\\d+)(?: commit_us=(\\d+))?"));
    CommitStats s;
    for (auto it = re.globalMatch(log); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const int j = m.captured(1).toInt();
        s.commitUs += m.captured(2).toDouble();
        ++s.commits;
        s.jobs += j;
        s.maxJobs = std::max(s.maxJobs, j);
    }
    return s;
}

void printRow(const char *what, const QString &ours, const QString &raw, const QString &ratio)
{
    std::printf("  %-46s %14s %14s %8s\n", what, qPrintable(ours), qPrintable(raw), qPrintable(ratio));
}

void addStats(CommitStats &into, const CommitStats &more)
{
    into.commits += more.commits;
    into.jobs += more.jobs;
    into.maxJobs = std::max(into.maxJobs, more.maxJobs);
    into.commitUs += more.commitUs;
}

QString joined(const std::vector<double> &v)
{
    QStringList l;
    for (double x : v)
        l << num(x);
    return l.join(QLatin1Char(' '));
}

} // namespace benchsrv
