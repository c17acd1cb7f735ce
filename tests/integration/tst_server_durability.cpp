// kill -9 in the middle of a burst of writes: every acknowledged keg is there after the
// restart, and retrying every keg (acknowledged or not) stores each exactly once. And a
// database written in the first schema is upgraded on start with nothing lost.
#include "keg/keg.h"
#include "protocol/ops.h"
#include "serverprocess.h"
#include "testclient.h"

#include <QCborArray>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace tavern;
using protocol::Frame;
using protocol::FrameType;
namespace op = protocol::op;

namespace {

constexpr int Writers = 4;
constexpr int KegsPerWriter = 600;
constexpr int InFlight = 16;
constexpr int KillAfterAcks = 400;

QCborMap putBody(const QByteArray &dbId, const QByteArray &k)
{
    QCborMap b;
    b.insert(QStringLiteral("dbId"), dbId);
    b.insert(QStringLiteral("kegs"), QCborArray{k});
    return b;
}

struct Writer
{
    crypto::Identity id;
    QByteArray db;
    QList<QByteArray> kegs;      // every keg this writer will ever send, by index
    QHash<quint64, int> pending; // request id -> keg index
    QSet<int> acked;
    int next = 0;
    std::unique_ptr<test::TestClient> client;
};

} // namespace

class TestServerDurability : public QObject
{
    Q_OBJECT

    test::ServerProcess m_server;

    std::unique_ptr<test::TestClient> connect(const crypto::Identity &id)
    {
        auto c = std::make_unique<test::TestClient>(m_server.url());
        if (!c->open() || c->login(id).type != FrameType::Response)
            return nullptr;
        return c;
    }

    // Everything in the writer's personal DB, by keg id.
    QHash<QByteArray, QByteArray> readAll(test::TestClient &c, const QByteArray &db, int *rows)
    {
        QHash<QByteArray, QByteArray> out;
        qint64 cursor = 0;
        *rows = 0;
        for (bool more = true; more;) {
            QCborMap b;
            b.insert(QStringLiteral("dbId"), db);
            b.insert(QStringLiteral("since"), cursor);
            const Frame r = c.request(op::KegList, b);
            if (r.type != FrameType::Response)
                return {};
            for (const auto &v : r.body.value(QStringLiteral("kegs")).toArray()) {
                const auto k = v.toMap();
                out.insert(k.value(QStringLiteral("kegId")).toByteArray(),
                           k.value(QStringLiteral("data")).toByteArray());
                ++*rows;
            }
            cursor = r.body.value(QStringLiteral("next")).toInteger();
            more = r.body.value(QStringLiteral("more")).toBool();
        }
        return out;
    }

private Q_SLOTS:
    void killDuringBurst()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.logs()));
        static const crypto::SecureBytes key = crypto::SecureBytes::random(32);
        std::vector<Writer> writers(Writers);
        {
            test::TestClient c(m_server.url());
            QVERIFY(c.open());
            for (int w = 0; w < Writers; ++w) {
                Writer &wr = writers[size_t(w)];
                wr.id = crypto::randomIdentity(QStringLiteral("writer%1").arg(w));
                wr.db = keg::personalDbId(wr.id.username);
                QCOMPARE(c.signup(wr.id).type, FrameType::Response);
                for (int i = 0; i < KegsPerWriter; ++i) {
                    const keg::KegAddress a{wr.db, keg::newKegId(), keg::KegType::Message, 0, 1};
                    wr.kegs << keg::encodeKeg(
                        keg::sealKeg(a, QByteArray::number(i).repeated(20), key, wr.id.username, wr.id.signing));
                }
                wr.client = connect(wr.id);
                QVERIFY(wr.client);
            }
        }
        int totalAcked = 0;
        const auto pump = [&] {
            for (Writer &wr : writers) {
                auto &frames = wr.client->received();
                for (qsizetype i = frames.size() - 1; i >= 0; --i) {
                    const auto it = wr.pending.find(frames[i].id);
                    if (frames[i].type != FrameType::Response || it == wr.pending.end())
                        continue;
                    wr.acked.insert(*it);
                    ++totalAcked;
                    wr.pending.erase(it);
                    frames.removeAt(i);
                }
                while (wr.pending.size() < InFlight && wr.next < KegsPerWriter) {
                    const quint64 id = wr.client->send(op::KegPut, putBody(wr.db, wr.kegs[wr.next]));
                    wr.pending.insert(id, wr.next++);
                }
            }
            return totalAcked >= KillAfterAcks;
        };
        QVERIFY(QTest::qWaitFor(pump, 60000));
        m_server.kill9(); // requests are in flight right now
        int inFlight = 0;
        for (const Writer &wr : writers)
            inFlight += int(wr.pending.size());
        qInfo("killed with %d acked and %d in flight", totalAcked, inFlight);
        QVERIFY(inFlight > 0);

        QVERIFY2(m_server.start(), qPrintable(m_server.logs()));
        for (Writer &wr : writers) {
            wr.client = connect(wr.id);
            QVERIFY(wr.client);
            int rows = 0;
            const auto stored = readAll(*wr.client, wr.db, &rows);
            QCOMPARE(rows, int(stored.size()));
            for (int i : std::as_const(wr.acked)) {
                const QByteArray kegId = keg::decodeKeg(wr.kegs[i])->kegId;
                QVERIFY2(stored.value(kegId) == wr.kegs[i], "an acknowledged keg was lost");
            }
            // The outbox retries everything it sent, acknowledged or not, with the same ids.
            QList<quint64> retries;
            for (int i = 0; i < wr.next; ++i)
                retries << wr.client->send(op::KegPut, putBody(wr.db, wr.kegs[i]));
            for (quint64 id : std::as_const(retries))
                QCOMPARE(wr.client->wait(id).type, FrameType::Response);
            const auto after = readAll(*wr.client, wr.db, &rows);
            QCOMPARE(rows, wr.next); // each exactly once
            QCOMPARE(int(after.size()), wr.next);
        }
        QCOMPARE(m_server.terminate(), 0);
    }

    // Schema 2 re-keys the kegs table (keg id first). A store left in schema 1 by an older
    // server is rebuilt on start: every keg, cursor and retry behaves as before.
    void upgradesSchemaOne()
    {
        test::ServerProcess server;
        QVERIFY2(server.start(), qPrintable(server.logs()));
        const crypto::Identity id = crypto::randomIdentity(QStringLiteral("upgrader"));
        const QByteArray db = keg::personalDbId(id.username);
        static const crypto::SecureBytes key = crypto::SecureBytes::random(32);
        QList<QByteArray> kegs;
        for (int i = 0; i < 30; ++i)
            kegs << keg::encodeKeg(keg::sealKeg({db, keg::newKegId(), keg::KegType::Message, 0, 1},
                                                QByteArray::number(i), key, id.username, id.signing));
        {
            test::TestClient c(server.url());
            QVERIFY(c.open());
            QCOMPARE(c.signup(id).type, FrameType::Response);
            QCOMPARE(c.login(id).type, FrameType::Response);
            for (int i = 0; i < 20; ++i)
                QCOMPARE(c.request(op::KegPut, putBody(db, kegs[i])).type, FrameType::Response);
        }
        QCOMPARE(server.terminate(), 0);
        {
            // What a schema-1 server left: the same rows under the old key, version 1.
            auto sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            sql.setDatabaseName(server.databasePath());
            QVERIFY(sql.open());
            QSqlQuery q(sql);
            for (const char *s :
                 {"CREATE TABLE kegs_v1 (db_id BLOB NOT NULL, keg_id BLOB NOT NULL, version BIGINT NOT NULL, "
                  "author TEXT NOT NULL, keg_type INTEGER NOT NULL, collection_version BIGINT NOT NULL, "
                  "deleted INTEGER NOT NULL, data BLOB, PRIMARY KEY (db_id, keg_id))",
                  "INSERT INTO kegs_v1 SELECT db_id, keg_id, version, author, keg_type, "
                  "collection_version, deleted, data FROM kegs",
                  "DROP TABLE kegs", "ALTER TABLE kegs_v1 RENAME TO kegs",
                  "CREATE UNIQUE INDEX kegs_cursor ON kegs (db_id, collection_version)",
                  "UPDATE schema_version SET version = 1"})
                QVERIFY2(q.exec(QString::fromLatin1(s)), s);
            q = QSqlQuery();
            sql.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));
        QVERIFY2(server.restart(), qPrintable(server.logs()));
        auto c = std::make_unique<test::TestClient>(server.url());
        QVERIFY(c->open());
        QCOMPARE(c->login(id).type, FrameType::Response);
        int rows = 0;
        auto stored = readAll(*c, db, &rows);
        QCOMPARE(rows, 20);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(stored.value(keg::decodeKeg(kegs[i])->kegId), kegs[i]);
        // Retried kegs stay single, new ones follow the cursor.
        for (int i = 10; i < 30; ++i)
            QCOMPARE(c->request(op::KegPut, putBody(db, kegs[i])).type, FrameType::Response);
        stored = readAll(*c, db, &rows);
        QCOMPARE(rows, 30);
        QCOMPARE(int(stored.size()), 30);
        QCOMPARE(server.terminate(), 0);
        auto sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
        sql.setDatabaseName(server.databasePath());
        QVERIFY(sql.open());
        {
            QSqlQuery q(sql);
            QVERIFY(q.exec(QStringLiteral("SELECT version FROM schema_version")) && q.next());
            QCOMPARE(q.value(0).toInt(), 2);
            QVERIFY(q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'kegs'")) && q.next());
            QVERIFY2(q.value(0).toString().contains(QLatin1String("PRIMARY KEY (keg_id, db_id)")),
                     qPrintable(q.value(0).toString()));
        }
        sql.close();
        sql = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("v2"));
    }
};

QTEST_GUILESS_MAIN(TestServerDurability)
#include "tst_server_durability.moc"
