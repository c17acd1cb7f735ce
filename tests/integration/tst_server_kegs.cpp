// Kegs: put / get / list / delete, per-keg version conflicts, idempotent retries, paging
// with cursor resume, DM and personal-DB access, and pushes to two connections of one user.
#include "crypto/securebytes.h"
#include "keg/keg.h"
#include "protocol/ops.h"
#include "serverprocess.h"
#include "testclient.h"

#include <QCborArray>
#include <QSet>
#include <QTest>

using namespace tavern;
using protocol::ErrorCode;
using protocol::Frame;
using protocol::FrameType;
namespace op = protocol::op;

namespace {

QByteArray makeKeg(const crypto::Identity &author, const QByteArray &dbId, const QByteArray &kegId, quint64 version,
                   const QByteArray &plaintext, keg::KegType type = keg::KegType::Message)
{
    static const crypto::SecureBytes key = crypto::SecureBytes::random(32);
    const keg::KegAddress addr{dbId, kegId, type, 0, version};
    return keg::encodeKeg(keg::sealKeg(addr, plaintext, key, author.username, author.signing));
}

QCborMap putBody(const QByteArray &dbId, const QList<QByteArray> &kegs)
{
    QCborArray a;
    for (const QByteArray &k : kegs)
        a.append(k);
    QCborMap b;
    b.insert(QStringLiteral("dbId"), dbId);
    b.insert(QStringLiteral("kegs"), a);
    return b;
}

QCborMap listBody(const QByteArray &dbId, qint64 since, qint64 limit)
{
    QCborMap b;
    b.insert(QStringLiteral("dbId"), dbId);
    b.insert(QStringLiteral("since"), since);
    b.insert(QStringLiteral("limit"), limit);
    return b;
}

qint64 cvOf(const Frame &putResponse, int i = 0)
{
    return putResponse.body.value(QStringLiteral("results"))
        .toArray()
        .at(i)
        .toMap()
        .value(QStringLiteral("collectionVersion"))
        .toInteger();
}

} // namespace

class TestServerKegs : public QObject
{
    Q_OBJECT

    test::ServerProcess m_server{{QStringLiteral("--max-kegs-per-request"), QStringLiteral("20")}};
    crypto::Identity m_alice = crypto::randomIdentity(QStringLiteral("alice"));
    crypto::Identity m_bob = crypto::randomIdentity(QStringLiteral("bob"));
    crypto::Identity m_carol = crypto::randomIdentity(QStringLiteral("carol"));

    std::unique_ptr<test::TestClient> connect(const crypto::Identity &id)
    {
        auto c = std::make_unique<test::TestClient>(m_server.url());
        if (!c->open() || c->login(id).type != FrameType::Response)
            return nullptr;
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.logs()));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        for (const auto *id : {&m_alice, &m_bob, &m_carol})
            QCOMPARE(c.signup(*id).type, FrameType::Response);
    }

    void conflictAndIdempotentRetry()
    {
        auto a = connect(m_alice);
        QVERIFY(a);
        const QByteArray db = keg::personalDbId(m_alice.username);
        const QByteArray id = keg::newKegId();
        const QByteArray v1 = makeKeg(m_alice, db, id, 1, "first");
        auto r = a->request(op::KegPut, putBody(db, {v1}));
        QCOMPARE(r.type, FrameType::Response);
        const qint64 cv1 = cvOf(r);
        QVERIFY(cv1 > 0);
        // The same keg id and bytes again: success, same collectionVersion, no copy.
        r = a->request(op::KegPut, putBody(db, {v1}));
        QCOMPARE(r.type, FrameType::Response);
        QCOMPARE(cvOf(r), cv1);
        QVERIFY(r.body.value(QStringLiteral("results"))
                    .toArray()
                    .at(0)
                    .toMap()
                    .value(QStringLiteral("duplicate"))
                    .toBool());
        // Other bytes at the same version: a conflict, not an overwrite.
        QCOMPARE(a->request(op::KegPut, putBody(db, {makeKeg(m_alice, db, id, 1, "other")})).code, ErrorCode::Conflict);
        const QByteArray v2 = makeKeg(m_alice, db, id, 2, "second");
        r = a->request(op::KegPut, putBody(db, {v2}));
        QCOMPARE(r.type, FrameType::Response);
        QVERIFY(cvOf(r) > cv1);
        // Two writers from version 1: the loser is told, and the stored keg is the winner's.
        QCOMPARE(a->request(op::KegPut, putBody(db, {makeKeg(m_alice, db, id, 2, "loser")})).code, ErrorCode::Conflict);
        QCOMPARE(a->request(op::KegPut, putBody(db, {makeKeg(m_alice, db, id, 4, "skip")})).code, ErrorCode::Conflict);
        QCOMPARE(a->request(op::KegPut, putBody(db, {makeKeg(m_alice, db, keg::newKegId(), 3, "new")})).code,
                 ErrorCode::Conflict);
        QCborMap get;
        get.insert(QStringLiteral("dbId"), db);
        get.insert(QStringLiteral("kegIds"), QCborArray{id});
        r = a->request(op::KegGet, get);
        QCOMPARE(r.type, FrameType::Response);
        QCOMPARE(
            r.body.value(QStringLiteral("kegs")).toArray().at(0).toMap().value(QStringLiteral("data")).toByteArray(),
            v2);

        // Delete as tombstone, then the retried delete is a success too.
        QCborMap del;
        del.insert(QStringLiteral("dbId"), db);
        del.insert(QStringLiteral("kegId"), id);
        del.insert(QStringLiteral("version"), 2);
        r = a->request(op::KegDelete, del);
        QCOMPARE(r.type, FrameType::Response);
        QCOMPARE(a->request(op::KegDelete, del).type, FrameType::Response);
        del.insert(QStringLiteral("version"), 1);
        QCOMPARE(a->request(op::KegDelete, del).code, ErrorCode::Conflict);
        r = a->request(op::KegList, listBody(db, 0, 100));
        const auto kegs = r.body.value(QStringLiteral("kegs")).toArray();
        QCOMPARE(kegs.size(), 1);
        QVERIFY(kegs.at(0).toMap().value(QStringLiteral("deleted")).toBool());
        QVERIFY(!kegs.at(0).toMap().contains(QStringLiteral("data")));
    }

    void pagingAndCursorResume()
    {
        auto a = connect(m_bob);
        QVERIFY(a);
        const QByteArray db = keg::personalDbId(m_bob.username);
        QSet<QByteArray> written;
        for (int batch = 0; batch < 3; ++batch) {
            QList<QByteArray> kegs;
            for (int i = 0; i < 15; ++i) {
                const QByteArray id = keg::newKegId();
                written.insert(id);
                kegs << makeKeg(m_bob, db, id, 1, QByteArray::number(batch * 100 + i));
            }
            QCOMPARE(a->request(op::KegPut, putBody(db, kegs)).type, FrameType::Response);
        }
        // Read in pages of 7, stopping half-way as a client that crashed would, then resume
        // from the stored cursor: every keg exactly once, in strictly increasing order.
        QSet<QByteArray> seen;
        qint64 cursor = 0, last = 0;
        int pages = 0;
        for (bool more = true; more; ++pages) {
            const auto r = a->request(op::KegList, listBody(db, cursor, 7));
            QCOMPARE(r.type, FrameType::Response);
            for (const auto &v : r.body.value(QStringLiteral("kegs")).toArray()) {
                const auto k = v.toMap();
                const qint64 cv = k.value(QStringLiteral("collectionVersion")).toInteger();
                QVERIFY(cv > last);
                last = cv;
                QVERIFY(!seen.contains(k.value(QStringLiteral("kegId")).toByteArray()));
                seen.insert(k.value(QStringLiteral("kegId")).toByteArray());
            }
            cursor = r.body.value(QStringLiteral("next")).toInteger();
            more = r.body.value(QStringLiteral("more")).toBool();
            if (pages == 2) {
                a = connect(m_bob); // reconnect: the cursor alone is the state
                QVERIFY(a);
            }
        }
        QCOMPARE(seen, written);
        QCOMPARE(pages, 7); // 45 kegs / 7 per page
        const auto tail = a->request(op::KegList, listBody(db, cursor, 7));
        QCOMPARE(tail.body.value(QStringLiteral("kegs")).toArray().size(), 0);
        QCOMPARE(tail.body.value(QStringLiteral("next")).toInteger(), cursor);
    }

    void requestLimitsAndBadKegs()
    {
        auto a = connect(m_carol);
        QVERIFY(a);
        const QByteArray db = keg::personalDbId(m_carol.username);
        QList<QByteArray> many;
        for (int i = 0; i < 21; ++i)
            many << makeKeg(m_carol, db, keg::newKegId(), 1, "x");
        QCOMPARE(a->request(op::KegPut, putBody(db, many)).code, ErrorCode::TooManyKegs);
        QCOMPARE(a->request(op::KegPut, putBody(db, {QByteArray("not a keg")})).code, ErrorCode::BadKeg);
        const QByteArray other = keg::personalDbId(m_alice.username);
        QCOMPARE(a->request(op::KegPut, putBody(db, {makeKeg(m_carol, other, keg::newKegId(), 1, "x")})).code,
                 ErrorCode::BadKeg);
        QCOMPARE(a->request(op::KegPut, putBody(db, {makeKeg(m_alice, db, keg::newKegId(), 1, "x")})).code,
                 ErrorCode::BadKeg);
        QCOMPARE(a->request(op::KegPut, putBody(db, {})).code, ErrorCode::BadRequest);

        // The server reads keg.puts of the usual shape straight from the frame and any other
        // shape (here: one more body field) through the general decoder: same answers.
        const auto bothPaths = [&](const QCborMap &body) {
            QCborMap withNote = body;
            withNote.insert(QStringLiteral("note"), 1);
            return std::pair{a->request(op::KegPut, body), a->request(op::KegPut, withNote)};
        };
        for (const QCborMap &bad : {putBody(QByteArray(31, 'x'), {makeKeg(m_carol, db, keg::newKegId(), 1, "x")}),
                                    putBody(db, many), putBody(db, {QByteArray("not a keg")}), putBody(db, {})}) {
            const auto [fast, general] = bothPaths(bad);
            QVERIFY(fast.type == protocol::FrameType::Error);
            QCOMPARE(general.code, fast.code);
            QCOMPARE(general.message, fast.message);
        }
        const QByteArray first = makeKeg(m_carol, db, keg::newKegId(), 1, "one");
        const QByteArray second = makeKeg(m_carol, db, keg::newKegId(), 1, "two");
        const auto fastOk = a->request(op::KegPut, putBody(db, {first}));
        QCborMap otherShape = putBody(db, {second});
        otherShape.insert(QStringLiteral("note"), 1);
        const auto generalOk = a->request(op::KegPut, otherShape);
        QCOMPARE(fastOk.type, protocol::FrameType::Response);
        QCOMPARE(generalOk.type, protocol::FrameType::Response);
        const auto cv = [](const protocol::Frame &r) {
            return r.body.value(QStringLiteral("results"))
                .toArray()
                .at(0)
                .toMap()
                .value(QStringLiteral("collectionVersion"))
                .toInteger();
        };
        QCOMPARE(cv(generalOk), cv(fastOk) + 1);

        QCborMap noDb;
        noDb.insert(QStringLiteral("dbId"), QByteArray(31, 'x'));
        QCOMPARE(a->request(op::KegList, noDb).code, ErrorCode::BadRequest);
        noDb.insert(QStringLiteral("dbId"), QByteArray(32, 'x'));
        QCOMPARE(a->request(op::KegList, noDb).code, ErrorCode::NotFound);
    }

    void personalAndDmAccess()
    {
        auto alice = connect(m_alice);
        auto bob = connect(m_bob);
        auto carol = connect(m_carol);
        QVERIFY(alice && bob && carol);
        // Another user's personal KegDB: neither readable nor writable.
        const QByteArray alicePersonal = keg::personalDbId(m_alice.username);
        QCOMPARE(carol->request(op::KegList, listBody(alicePersonal, 0, 10)).code, ErrorCode::Forbidden);
        QCOMPARE(carol
                     ->request(op::KegPut,
                               putBody(alicePersonal, {makeKeg(m_carol, alicePersonal, keg::newKegId(), 1, "x")}))
                     .code,
                 ErrorCode::Forbidden);

        QCborMap dm;
        dm.insert(QStringLiteral("peer"), QStringLiteral("bob"));
        auto r = alice->request(op::DmCreate, dm);
        QCOMPARE(r.type, FrameType::Response);
        const QByteArray dmId = r.body.value(QStringLiteral("dbId")).toByteArray();
        QCOMPARE(dmId, keg::dmDbId(m_alice.username, m_bob.username));
        dm.insert(QStringLiteral("peer"), QStringLiteral("alice"));
        QCOMPARE(bob->request(op::DmCreate, dm).body.value(QStringLiteral("dbId")).toByteArray(), dmId);
        dm.insert(QStringLiteral("peer"), QStringLiteral("nobody"));
        QCOMPARE(bob->request(op::DmCreate, dm).code, ErrorCode::UnknownUser);

        const QByteArray k = makeKeg(m_alice, dmId, keg::newKegId(), 1, "hi bob");
        QCOMPARE(alice->request(op::KegPut, putBody(dmId, {k})).type, FrameType::Response);
        QVERIFY(bob->waitForPush(protocol::push::Keg));
        QCOMPARE(bob->pushes(protocol::push::Keg).first().body.value(QStringLiteral("data")).toByteArray(), k);
        QCOMPARE(bob->request(op::KegList, listBody(dmId, 0, 10)).body.value(QStringLiteral("kegs")).toArray().size(),
                 1);
        QCOMPARE(carol->request(op::KegList, listBody(dmId, 0, 10)).code, ErrorCode::Forbidden);
        QVERIFY(carol->pushes(protocol::push::Keg).isEmpty());
        const auto dbs = bob->request(op::DbList).body.value(QStringLiteral("dbs")).toArray();
        QCOMPARE(dbs.size(), 2);
    }

    void responsesFitInOneFrame()
    {
        test::ServerProcess small({QStringLiteral("--max-frame-bytes"), QStringLiteral("4096")});
        QVERIFY(small.start());
        const auto dan = crypto::randomIdentity(QStringLiteral("dan"));
        test::TestClient c(small.url());
        QVERIFY(c.open());
        QCOMPARE(c.signup(dan).type, FrameType::Response);
        QCOMPARE(c.login(dan).type, FrameType::Response);
        const QByteArray db = keg::personalDbId(dan.username);
        QCborArray ids;
        for (int i = 0; i < 10; ++i) {
            const QByteArray id = keg::newKegId();
            ids.append(id);
            QCOMPARE(c.request(op::KegPut, putBody(db, {makeKeg(dan, db, id, 1, QByteArray(1000, 'p'))})).type,
                     FrameType::Response);
        }
        int pages = 0, total = 0;
        qint64 cursor = 0;
        for (bool more = true; more; ++pages) {
            const auto r = c.request(op::KegList, listBody(db, cursor, 100));
            QCOMPARE(r.type, FrameType::Response);
            total += int(r.body.value(QStringLiteral("kegs")).toArray().size());
            cursor = r.body.value(QStringLiteral("next")).toInteger();
            more = r.body.value(QStringLiteral("more")).toBool();
        }
        QCOMPARE(total, 10);
        QVERIFY(pages >= 3); // about 3 kegs per 4 KiB page
        QCborMap get;
        get.insert(QStringLiteral("dbId"), db);
        get.insert(QStringLiteral("kegIds"), ids);
        const auto r = c.request(op::KegGet, get);
        QVERIFY(r.body.value(QStringLiteral("truncated")).toBool());
        QVERIFY(r.body.value(QStringLiteral("kegs")).toArray().size() < 10);
    }

    void pushesReachEveryDeviceOfAUser()
    {
        auto first = connect(m_alice);
        auto second = connect(m_alice);
        QVERIFY(first && second);
        const QByteArray db = keg::personalDbId(m_alice.username);
        const QByteArray k = makeKeg(m_alice, db, keg::newKegId(), 1, "from device one");
        const auto r = first->request(op::KegPut, putBody(db, {k}));
        QCOMPARE(r.type, FrameType::Response);
        QVERIFY(second->waitForPush(protocol::push::Keg));
        const Frame p = second->pushes(protocol::push::Keg).first();
        QCOMPARE(p.body.value(QStringLiteral("data")).toByteArray(), k);
        QCOMPARE(p.body.value(QStringLiteral("dbId")).toByteArray(), db);
        QCOMPARE(p.body.value(QStringLiteral("collectionVersion")).toInteger(), cvOf(r));
        // And the other way round; the writer itself gets the response, not a push.
        const QByteArray k2 = makeKeg(m_alice, db, keg::newKegId(), 1, "from device two");
        QCOMPARE(second->request(op::KegPut, putBody(db, {k2})).type, FrameType::Response);
        QVERIFY(first->waitForPush(protocol::push::Keg));
        QCOMPARE(first->pushes(protocol::push::Keg).first().body.value(QStringLiteral("data")).toByteArray(), k2);
        QCOMPARE(second->pushes(protocol::push::Keg).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestServerKegs)
#include "tst_server_kegs.moc"
