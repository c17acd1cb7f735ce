// Faults through the engine: a client killed between writing its outbox and sending; a
// tavern-cli process killed (SIGKILL) again and again in the middle of syncing a large room;
// the server killed (kill -9) and restarted while clients hold queued messages. Nothing is
// lost, nothing is applied or stored twice.
#include "enginetest.h"

#include "protocol/frame.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QCborMap>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketServer>

#include <csignal>

using namespace tavern;
using namespace tavern::test;

namespace {

constexpr int PageSize = 50; // the server's page size here: many cursor commits per sync
constexpr int BigRoom = 2000;

// Reads a profile's cache file directly (another process may be writing it; WAL allows it).
class CacheProbe
{
public:
    CacheProbe(const QString &path, const QByteArray &dbId) : m_name(QUuid::createUuid().toString()), m_dbId(dbId)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        m_open = db.open();
    }
    ~CacheProbe() { QSqlDatabase::removeDatabase(m_name); }

    [[nodiscard]] qint64 value(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        q.prepare(sql);
        q.addBindValue(m_dbId);
        return m_open && q.exec() && q.next() ? q.value(0).toLongLong() : -1;
    }
    [[nodiscard]] qint64 cursor() const { return value(QStringLiteral("SELECT cursor FROM dbs WHERE db_id = ?")); }
    [[nodiscard]] qint64 kegs() const { return value(QStringLiteral("SELECT count(*) FROM kegs WHERE db_id = ?")); }
    [[nodiscard]] qint64 messages() const
    {
        return value(QStringLiteral("SELECT count(*) FROM messages WHERE db_id = ?"));
    }
    [[nodiscard]] qint64 kegsBeyondCursor() const
    {
        return value(QStringLiteral("SELECT count(*) FROM kegs k JOIN dbs d ON d.db_id = k.db_id "
                                    "WHERE k.db_id = ? AND k.collection_version > d.cursor"));
    }
    [[nodiscard]] qint64 distinctCounters() const
    {
        return value(QStringLiteral("SELECT count(DISTINCT author || '/' || counter) FROM messages WHERE db_id = ?"));
    }

private:
    QString m_name;
    QByteArray m_dbId;
    bool m_open = false;
};

// What the server holds for a KegDB: how many kegs, and the newest collectionVersion.
struct ServerView
{
    int kegs = 0;
    quint64 last = 0;
};

// Asked on a connection of its own (its own rate budget), logged in as `s`'s user.
std::optional<ServerView> serverView(Session &s, const QByteArray &dbId)
{
    client::Connection c(s.server(), std::make_shared<crypto::Identity>(s.identity().clone()));
    c.start();
    if (!QTest::qWaitFor([&] { return c.state() == client::Connection::State::Ready; }, WaitMs))
        return std::nullopt;
    ServerView view;
    for (bool more = true; more;) {
        QCborMap body;
        body.insert(QStringLiteral("dbId"), dbId);
        body.insert(QStringLiteral("since"), qint64(view.last));
        std::optional<Result<QCborMap>> answer;
        c.request(protocol::op::KegList, body, [&](Result<QCborMap> r) { answer.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, WaitMs) || !*answer) {
            qWarning("keg.list failed: %s", answer ? qPrintable(answer->error().message) : "no answer");
            return std::nullopt;
        }
        view.kegs += int((*answer)->value(QStringLiteral("kegs")).toArray().size());
        view.last = quint64((*answer)->value(QStringLiteral("next")).toInteger());
        more = (*answer)->value(QStringLiteral("more")).toBool();
    }
    return view;
}

} // namespace

class TestEngineFaults : public QObject
{
    Q_OBJECT

    EngineWorld m_world{{QStringLiteral("--max-page-size"), QString::number(PageSize)}};
    std::unique_ptr<Session> m_alice, m_bob;
    QByteArray m_room;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_world.start());
        QVERIFY(!m_world.signup(QStringLiteral("alice")).isEmpty());
        QVERIFY(!m_world.signup(QStringLiteral("bob")).isEmpty());
        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QVERIFY((m_bob = m_world.open(QStringLiteral("bob"))));
        auto room = m_alice->createRoom(QStringLiteral("Ops"), {}, keg::HistoryPolicy::Shared);
        QVERIFY2(room, why(room).constData());
        m_room = *room;
        QVERIFY(inviteAndJoin(*m_alice, *m_bob, m_room));
    }

    void cleanup()
    {
        for (Session *s : {m_alice.get(), m_bob.get()}) {
            if (!s)
                continue;
            for (const auto &n : s->notices())
                qWarning("%s: notice %s: %s", qPrintable(s->username()), qPrintable(n.kind), qPrintable(n.summary));
            QCOMPARE(s->notices().size(), std::size_t(0));
            QCOMPARE(failedItems(*s), 0);
        }
    }

    // The link drops in the middle of logging in (here: a stand-in server that answers the
    // challenge, then cuts the connection on the login): that is no refusal, the
    // connection keeps reconnecting with backoff instead of giving up.
    void loginCutOffIsRetried()
    {
        QWebSocketServer stub(QStringLiteral("stub"), QWebSocketServer::NonSecureMode);
        QVERIFY(stub.listen(QHostAddress::LocalHost, 0));
        int logins = 0;
        connect(&stub, &QWebSocketServer::newConnection, &stub, [&] {
            QWebSocket *ws = stub.nextPendingConnection();
            connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
            connect(ws, &QWebSocket::binaryMessageReceived, ws, [ws, &logins](const QByteArray &m) {
                auto f = protocol::decodeFrame(m, protocol::CborLimits{});
                if (f && f->op == protocol::op::Challenge) {
                    QCborMap body;
                    body.insert(QStringLiteral("nonce"), QByteArray(32, 'n'));
                    body.insert(QStringLiteral("ttlMs"), 60000);
                    ws->sendBinaryMessage(protocol::encodeFrame(protocol::Frame::response(f->id, f->op, body)));
                } else {
                    ++logins;
                    ws->abort();
                }
            });
        });
        client::Connection conn(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(stub.serverPort())),
                                std::make_shared<crypto::Identity>(crypto::randomIdentity(QStringLiteral("alice"))));
        conn.setBackoff(20, 100);
        bool fatal = false;
        connect(&conn, &client::Connection::fatalError, &stub, [&] { fatal = true; });
        conn.start();
        QTRY_VERIFY_WITH_TIMEOUT(logins >= 3, WaitMs);
        QVERIFY(!fatal);
        conn.stop();
    }

    // The message is in the outbox but never reached the server when the client died: the
    // next start sends it, once, under the same keg id.
    void killedBetweenOutboxWriteAndSend()
    {
        m_alice->connection().stop(); // the server is out of reach
        QVERIFY(m_alice->send(m_room, QStringLiteral("typed while offline")));
        const auto queued = m_alice->messages(m_room);
        QCOMPARE(queued.back().body, QStringLiteral("typed while offline"));
        QCOMPARE(queued.back().delivery, client::MessageView::Delivery::Queued);
        const QByteArray kegId = queued.back().kegId;
        m_alice.reset(); // killed: nothing but the cache survives

        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_bob, m_room, QStringLiteral("typed while offline")), 1, WaitMs);
        QCOMPARE(countBody(*m_alice, m_room, QStringLiteral("typed while offline")), 1);
        QCOMPARE(m_alice->messages(m_room).back().kegId, kegId);
        QCOMPARE(m_alice->messages(m_room).back().delivery, client::MessageView::Delivery::Sent);
        QCOMPARE(m_bob->messages(m_room).back().kegId, kegId);

        // Died after the server stored it but before the acknowledgement was saved: the
        // retry carries the same bytes and is stored once.
        auto item = outbox(*m_alice).back();
        QCOMPARE(item.kegId, kegId);
        m_alice.reset();
        {
            storage::Cache cache;
            QVERIFY(cache.open(m_world.profile(QStringLiteral("alice")) + QStringLiteral("/cache.sqlite")));
            QVERIFY(cache.setOutboxState(item.id, storage::OutboxState::Queued));
        }
        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QCOMPARE(outbox(*m_alice).back().state, storage::OutboxState::Sent);
        QVERIFY(m_alice->send(m_room, QStringLiteral("marker after the retry")));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(countBody(*m_bob, m_room, QStringLiteral("marker after the retry")), 1, WaitMs);
        QCOMPARE(countBody(*m_bob, m_room, QStringLiteral("typed while offline")), 1);
        QVERIFY(!hasDuplicates(*m_bob, m_room));
    }

    // The same for a room change: the server stored the new version, the client died before
    // it recorded the answer. The retry finds the version in the room (or re-sends the same
    // bytes): done, not "failed", and not applied twice.
    void killedAfterServerStoredRoomChange()
    {
        QVERIFY(m_alice->setSettings(m_room, {QStringLiteral("Ops (renamed)"), {}, keg::HistoryPolicy::Shared}));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        const quint64 version = headVersion(*m_alice, m_room);
        const auto item = lastEdit(*m_alice); // (the pin-log entry it caused is queued after it)
        QCOMPARE(item.op, protocol::op::BootKegPut);
        QCOMPARE(item.state, storage::OutboxState::Sent);
        m_alice.reset();
        {
            storage::Cache cache;
            QVERIFY(cache.open(m_world.profile(QStringLiteral("alice")) + QStringLiteral("/cache.sqlite")));
            QVERIFY(cache.setOutboxState(item.id, storage::OutboxState::Queued));
        }
        QVERIFY((m_alice = m_world.open(QStringLiteral("alice"))));
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QCOMPARE(outbox(*m_alice).back().state, storage::OutboxState::Sent);
        QCOMPARE(headVersion(*m_alice, m_room), version);
        QTRY_COMPARE_WITH_TIMEOUT(m_bob->room(m_room)->head().version().name, QByteArray("Ops (renamed)"), WaitMs);
        QCOMPARE(headVersion(*m_bob, m_room), version);
    }

    // tavern-cli syncs a room of 2000 messages in pages of 50 and is killed (SIGKILL) at
    // random moments, round after round. After every kill the cache holds exactly the pages
    // up to its cursor, each applied once; the last run completes the sync with the exact count.
    void cliKilledMidSyncNeverAppliesTwiceOrSkips()
    {
        const qint64 before = m_bob->messages(m_room).size();
        m_bob.reset(); // bob's cache will be filled by tavern-cli from here on
        QElapsedTimer t;
        t.start();
        QVERIFY(sendMany(*m_alice, m_room, QStringLiteral("bulk"), BigRoom));
        qInfo("sent %d messages in %lld ms", BigRoom, t.elapsed());
        const auto server = serverView(*m_alice, m_room);
        QVERIFY(server);
        const auto last = std::optional<quint64>(server->last);

        const QString bobDir = m_world.profile(QStringLiteral("bob"));
        CacheProbe probe(bobDir + QStringLiteral("/cache.sqlite"), m_room);
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator rng(seed);
        qint64 cursor = probe.cursor();
        int midSyncKills = 0;
        for (int round = 0; round < 20 && midSyncKills < 6 && cursor < qint64(*last); ++round) {
            QProcess cli;
            cli.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            cli.start(QStringLiteral(TAVERN_CLI_BINARY),
                      {QStringLiteral("--profile"), bobDir, QStringLiteral("--json"), QStringLiteral("rooms")});
            QVERIFY(cli.waitForStarted());
            // Let this run commit one to four pages, then kill it a short random moment later.
            // Polled every millisecond (qWaitFor sleeps 10 ms between looks): a fast client
            // syncs the whole room in the time a coarse poll takes to notice one page.
            const qint64 target = cursor + PageSize * (1 + qint64(rng.bounded(4)));
            QElapsedTimer waited;
            waited.start();
            while (probe.cursor() < target && cli.state() == QProcess::Running && !waited.hasExpired(WaitMs)) {
                QCoreApplication::processEvents();
                QThread::msleep(1);
            }
            QThread::msleep(rng.bounded(4));
            QCoreApplication::processEvents();
            const bool killedMidway = cli.state() == QProcess::Running;
            if (killedMidway)
                ::kill(pid_t(cli.processId()), SIGKILL);
            QVERIFY(cli.state() == QProcess::NotRunning || cli.waitForFinished(WaitMs));

            const qint64 now = probe.cursor();
            QVERIFY2(now >= cursor, "the cursor went back");
            QCOMPARE(probe.kegsBeyondCursor(), 0);                      // nothing applied past the cursor
            QCOMPARE(probe.messages() - before, probe.kegs() - before); // every stored keg is one message
            QCOMPARE(probe.distinctCounters(), probe.messages());       // none twice
            if (killedMidway && now < qint64(*last))
                ++midSyncKills;
            qInfo("round %d: %s at cursor %lld of %llu, %lld messages", round, killedMidway ? "killed" : "finished",
                  now, quint64(*last), probe.messages());
            cursor = now;
        }
        QVERIFY2(midSyncKills >= 4, "the kills did not land in the middle of the sync");

        // A run left alone completes the sync.
        QProcess read;
        read.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        read.start(QStringLiteral(TAVERN_CLI_BINARY), {QStringLiteral("--profile"), bobDir, QStringLiteral("--json"),
                                                       QStringLiteral("read"), client::hex(m_room)});
        QVERIFY(read.waitForFinished(WaitMs) || read.state() == QProcess::NotRunning);
        QCOMPARE(read.exitCode(), 0);
        const QJsonObject out = QJsonDocument::fromJson(read.readAllStandardOutput()).object();
        QCOMPARE(out.value(QStringLiteral("messages")).toArray().size(), before + BigRoom);
        QCOMPARE(out.value(QStringLiteral("notices")).toArray().size(), 0);
        QCOMPARE(probe.cursor(), qint64(*last));

        QVERIFY((m_bob = m_world.open(QStringLiteral("bob"))));
        QCOMPARE(m_bob->messages(m_room).size(), before + BigRoom);
        QVERIFY(showsEachOnce(*m_bob, m_room, numbered(QStringLiteral("bulk"), BigRoom)));
        QVERIFY(!hasDuplicates(*m_bob, m_room));
        QVERIFY(m_bob->missingCounters(m_room, QStringLiteral("alice")).isEmpty());
    }

    // kill -9 of the server while both clients send; more typed while it is down. After the
    // restart (same port, same database) the clients reconnect by themselves and every
    // message arrives once: acknowledged ones survived, unacknowledged ones are retried.
    void serverKilledWhileMessagesQueued()
    {
        for (const QString &body : numbered(QStringLiteral("burst"), 20))
            QVERIFY(m_alice->send(m_room, body));
        // Kill once some are acknowledged and others are not.
        QTRY_VERIFY_WITH_TIMEOUT(countBody(*m_bob, m_room, QStringLiteral("burst 4")) == 1, WaitMs);
        int retries[2] = {0, 0};
        QObject guard; // disconnects the counters at the end of the test
        for (int i : {0, 1}) {
            connect(&(i ? m_bob : m_alice)->connection(), &client::Connection::stateChanged, &guard,
                    [&retries, i](client::Connection::State state) {
                        retries[i] += state == client::Connection::State::Waiting;
                    });
        }
        m_world.server().kill9();
        for (int i = 0; i < 10; ++i) {
            QVERIFY(m_alice->send(m_room, QStringLiteral("alice offline %1").arg(i)));
            QVERIFY(m_bob->send(m_room, QStringLiteral("bob offline %1").arg(i)));
        }
        // Both keep trying, backing off, while nobody listens on the port.
        QTRY_VERIFY_WITH_TIMEOUT(retries[0] >= 3 && retries[1] >= 3, WaitMs);
        QVERIFY(m_alice->connection().state() != client::Connection::State::Ready);
        QVERIFY(!outbox(*m_alice).empty() && outbox(*m_alice).back().state == storage::OutboxState::Queued);
        QVERIFY(!outbox(*m_bob).empty() && outbox(*m_bob).back().state == storage::OutboxState::Queued);

        QVERIFY(m_world.server().restart());
        QVERIFY(m_alice->flushOutbox(WaitMs));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        const QStringList expected = numbered(QStringLiteral("burst"), 20)
                                     + numbered(QStringLiteral("alice offline"), 10)
                                     + numbered(QStringLiteral("bob offline"), 10);
        for (Session *s : {m_alice.get(), m_bob.get()}) {
            QTRY_VERIFY_WITH_TIMEOUT(showsEachOnce(*s, m_room, expected), WaitMs);
            QVERIFY(!hasDuplicates(*s, m_room));
        }
        // The server holds each message once.
        const auto server = serverView(*m_bob, m_room);
        QVERIFY(server);
        QCOMPARE(qsizetype(server->kegs), m_bob->messages(m_room).size());
    }
};

QTEST_GUILESS_MAIN(TestEngineFaults)
#include "tst_engine_faults.moc"
