// Hostile input: a corpus of malformed frames (truncated, wrong types, huge, deep nesting,
// unknown type, invalid UTF-8, duplicate keys, trailing bytes...) and seeded random bytes.
// Each gets an error frame, the server stays up and keeps serving other connections.
// Also the per-connection rate limit.
#include "protocol/ops.h"
#include "serverprocess.h"
#include "testclient.h"

#include <QCborArray>
#include <QRandomGenerator>
#include <QTest>

using namespace tavern;
using protocol::ErrorCode;
using protocol::Frame;
using protocol::FrameType;

namespace {

constexpr int MaxFrame = 65536;

QByteArray hex(const char *h)
{
    return QByteArray::fromHex(h);
}

QByteArray frameWith(const QCborMap &m)
{
    return QCborValue(m).toCbor();
}

QCborMap envelope()
{
    QCborMap m;
    m.insert(QStringLiteral("type"), QStringLiteral("req"));
    m.insert(QStringLiteral("id"), 7);
    m.insert(QStringLiteral("op"), QStringLiteral("ping"));
    return m;
}

QByteArray nested(int depth)
{
    // {"type":"req","id":7,"op":"ping","body":{"x":[[[...]]]}} built as bytes so the depth
    // is not limited by our own encoder.
    QByteArray inner(depth, char(0x81));
    inner.append(char(0x01));
    QCborMap m = envelope();
    QByteArray head = frameWith(m);
    head[0] = char(0xa4); // four entries instead of three
    return head + hex("64626f6479") + hex("a16178") + inner;
}

} // namespace

class TestServerRobustness : public QObject
{
    Q_OBJECT

    test::ServerProcess m_server{{QStringLiteral("--max-frame-bytes"), QString::number(MaxFrame)}};

    void expectError(test::TestClient &c, const QByteArray &bytes, ErrorCode code, const char *what)
    {
        const qsizetype before = c.received().size();
        c.sendRaw(bytes);
        QVERIFY2(c.waitForFrames(int(before) + 1), what);
        const Frame f = c.received().takeLast();
        QVERIFY2(f.type == FrameType::Error, what);
        QVERIFY2(
            f.code == code,
            qPrintable(
                QStringLiteral("%1: got %2 (%3)").arg(QLatin1String(what), protocol::errorName(f.code), f.message)));
        QVERIFY2(!f.message.isEmpty(), what);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_server.start(), qPrintable(m_server.logs())); }

    void malformedCorpus()
    {
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        const ErrorCode bad = ErrorCode::BadFrame;
        expectError(c, QByteArray(), bad, "empty");
        expectError(c, hex("a26474797065"), bad, "truncated map");
        expectError(c, frameWith(envelope()).chopped(3), bad, "truncated frame");
        expectError(c, hex("01"), bad, "not a map");
        expectError(c, hex("83010203"), bad, "array");
        QCborMap m = envelope();
        m.remove(QStringLiteral("id"));
        expectError(c, frameWith(m), bad, "no id");
        m = envelope();
        m.insert(QStringLiteral("id"), QStringLiteral("seven"));
        expectError(c, frameWith(m), bad, "id as text");
        m = envelope();
        m.insert(QStringLiteral("type"), QStringLiteral("shout"));
        expectError(c, frameWith(m), bad, "unknown frame type");
        m = envelope();
        m.insert(QStringLiteral("type"), QStringLiteral("res"));
        expectError(c, frameWith(m), bad, "response from a client");
        m = envelope();
        m.insert(QStringLiteral("op"), 12);
        expectError(c, frameWith(m), bad, "op as integer");
        m = envelope();
        m.insert(QStringLiteral("op"), QString(100, QLatin1Char('x')));
        expectError(c, frameWith(m), bad, "op too long");
        m = envelope();
        m.insert(QStringLiteral("body"), QCborArray{1, 2});
        expectError(c, frameWith(m), bad, "body as array");
        m = envelope();
        m.insert(QStringLiteral("op"), QStringLiteral("drop.tables"));
        expectError(c, frameWith(m), ErrorCode::UnknownOp, "unknown op");
        m.insert(QStringLiteral("op"), QStringLiteral("keg.list"));
        expectError(c, frameWith(m), ErrorCode::Unauthenticated, "op before login");
        expectError(c, nested(10), bad, "nesting 10");
        expectError(c, nested(2000), bad, "nesting 2000 (beyond Qt's own 1024)");
        expectError(c, nested(60000), bad, "nesting 60000");
        expectError(c, hex("a1") + hex("5b00000000ffffffff01"), bad, "declared 4 GiB byte string");
        expectError(c, hex("9b00000000ffffffff"), bad, "declared 4 G-element array");
        expectError(c, hex("a1626f7062c328"), bad, "invalid UTF-8 (crashes Qt 6.4 fromCbor users)");
        expectError(c, hex("a26269640162696402"), bad, "duplicate key");
        expectError(c, frameWith(envelope()) + hex("00"), bad, "trailing byte");
        expectError(c, hex("c1a0"), bad, "tagged map");
        m = envelope();
        m.insert(QStringLiteral("id"), 1.5);
        expectError(c, frameWith(m), bad, "float id");
        expectError(c, hex("a16269643807"), bad, "negative id");
        expectError(c, hex("a1f7f7"), bad, "undefined as key");
        expectError(c, QByteArray(MaxFrame + 1, 'x'), ErrorCode::FrameTooLarge, "one byte over the limit");
        const qsizetype before = c.received().size();
        c.sendText(QStringLiteral("{\"op\":\"ping\"}"));
        QVERIFY(c.waitForFrames(int(before) + 1));
        QCOMPARE(c.received().takeLast().code, bad);
        // After all that, the same connection still works.
        QCOMPARE(c.request(protocol::op::Ping).type, FrameType::Response);
    }

    void badFrameErrorsCarryTheRequestId()
    {
        // Frames the strict decoder refuses but whose id is readable: the error answers that
        // request (same id), so a client can fail it instead of waiting for a response.
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        const auto answer = [&](const QByteArray &bytes, ErrorCode code, quint64 wantId, const char *what) {
            const qsizetype before = c.received().size();
            c.sendRaw(bytes);
            QVERIFY2(c.waitForFrames(int(before) + 1), what);
            const Frame f = c.received().takeLast();
            QVERIFY2(f.type == FrameType::Error && f.code == code,
                     qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(what), protocol::errorName(f.code))));
            QVERIFY2(f.id == wantId, qPrintable(QStringLiteral("%1: id %2").arg(QLatin1String(what)).arg(f.id)));
        };
        QCborMap m = envelope();
        m.insert(QStringLiteral("id"), 4242);
        m.insert(QStringLiteral("body"), QCborMap{{QStringLiteral("x"), 1.5}});
        answer(frameWith(m), ErrorCode::BadFrame, 4242, "float in the body");
        m.insert(QStringLiteral("body"), QCborMap{{QStringLiteral("x"), -1}});
        answer(frameWith(m), ErrorCode::BadFrame, 4242, "negative integer in the body");
        m.insert(QStringLiteral("id"), 4243);
        m.remove(QStringLiteral("body"));
        answer(frameWith(m) + hex("00"), ErrorCode::BadFrame, 4243, "trailing byte");
        m.insert(QStringLiteral("id"), 4244);
        m.insert(QStringLiteral("body"), QCborMap{{QStringLiteral("x"), QByteArray(MaxFrame, 'x')}});
        answer(frameWith(m), ErrorCode::FrameTooLarge, 4244, "frame above the size limit");
        // Unreadable ids are answered with 0.
        answer(hex("a26269640162696402"), ErrorCode::BadFrame, 0, "two ids");
        answer(hex("a2") + QCborValue(QStringLiteral("body")).toCbor() + hex("5a00ffffff") + hex("626964") + hex("07"),
               ErrorCode::BadFrame, 0, "id behind a cut-short entry");
        QCOMPARE(c.request(protocol::op::Ping).type, FrameType::Response);
    }

    void seededRandomBytes()
    {
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QRandomGenerator rng(20261128);
        const QByteArray valid = frameWith(envelope());
        for (int i = 0; i < 300; ++i) {
            QByteArray b = valid;
            // Mutations of a valid frame reach deeper than pure noise.
            const int flips = 1 + int(rng.bounded(4));
            for (int j = 0; j < flips; ++j)
                b[int(rng.bounded(int(b.size())))] = char(rng.bounded(256));
            if (i % 3 == 0)
                b.truncate(int(rng.bounded(int(b.size()))));
            if (i % 5 == 0) { // pure noise
                b.resize(int(rng.bounded(64)));
                for (char &ch : b)
                    ch = char(rng.bounded(256));
            }
            c.sendRaw(b);
        }
        // One answer per frame (a mutation may still be a valid ping): nothing is dropped.
        QVERIFY(c.waitForFrames(300));
        QCOMPARE(c.received().size(), 300);
        QCOMPARE(c.request(protocol::op::Ping).type, FrameType::Response);
    }

    void oversizedBeyondQtLimitOnlyClosesThatConnection()
    {
        test::TestClient hostile(m_server.url()), bystander(m_server.url());
        QVERIFY(hostile.open());
        QVERIFY(bystander.open());
        hostile.sendRaw(QByteArray(MaxFrame * 4, 'x'));
        QVERIFY(hostile.waitDisconnected());
        QCOMPARE(bystander.request(protocol::op::Ping).type, FrameType::Response);
        test::TestClient fresh(m_server.url());
        QVERIFY(fresh.open());
        QCOMPARE(fresh.request(protocol::op::Ping).type, FrameType::Response);
    }

    void rateLimit()
    {
        test::ServerProcess server(
            {QStringLiteral("--rate"), QStringLiteral("2"), QStringLiteral("--burst"), QStringLiteral("5")});
        QVERIFY(server.start());
        test::TestClient flood(server.url()), calm(server.url());
        QVERIFY(flood.open());
        QVERIFY(calm.open());
        for (int i = 0; i < 40; ++i)
            flood.send(protocol::op::Ping);
        QVERIFY(flood.waitDisconnected());
        int ok = 0, limited = 0;
        for (const Frame &f : flood.received()) {
            ok += f.type == FrameType::Response;
            limited += f.code == ErrorCode::RateLimited;
        }
        QVERIFY2(ok >= 5 && ok < 40, qPrintable(QString::number(ok)));
        QVERIFY(limited >= 1);
        QCOMPARE(calm.request(protocol::op::Ping).type, FrameType::Response);
    }

    void cleanupTestCase()
    {
        QVERIFY(m_server.running());
        QCOMPARE(m_server.terminate(), 0); // and it still stops cleanly
        QVERIFY(m_server.logs().contains(QStringLiteral("event=server.stop")));
    }
};

QTEST_GUILESS_MAIN(TestServerRobustness)
#include "tst_server_robustness.moc"
