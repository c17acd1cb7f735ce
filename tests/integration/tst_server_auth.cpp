// Signup, challenge/login and each way a login fails, against the real server process.
#include "crypto/contexts.h"
#include "crypto/sign.h"
#include "protocol/ops.h"
#include "serverprocess.h"
#include "testclient.h"

#include <QTest>

using namespace tavern;
using protocol::ErrorCode;
using protocol::FrameType;
namespace op = protocol::op;

class TestServerAuth : public QObject
{
    Q_OBJECT

    test::ServerProcess m_server;

    QCborMap loginBody(const crypto::Identity &id, const QByteArray &nonce)
    {
        QCborMap b;
        b.insert(QStringLiteral("username"), id.username);
        b.insert(QStringLiteral("nonce"), nonce);
        b.insert(QStringLiteral("sig"),
                 crypto::sign(id.signing, crypto::ctx::AuthChallengeSig, protocol::authMessage(nonce, id.username)));
        return b;
    }
    QByteArray challenge(test::TestClient &c, const QString &user)
    {
        QCborMap b;
        b.insert(QStringLiteral("username"), user);
        return c.request(op::Challenge, b).body.value(QStringLiteral("nonce")).toByteArray();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_server.start(), qPrintable(m_server.logs())); }

    void signupAndLogin()
    {
        const auto alice = crypto::randomIdentity(QStringLiteral("alice"));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        auto r = c.signup(alice);
        QCOMPARE(r.type, FrameType::Response);
        QCOMPARE(r.body.value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
        // A retried signup with the same keys (its ack was lost) succeeds again.
        QCOMPARE(c.signup(alice).type, FrameType::Response);
        QCOMPARE(c.request(op::DbList).code, ErrorCode::Unauthenticated);
        r = c.login(alice);
        QCOMPARE(r.type, FrameType::Response);
        const auto dbs = c.request(op::DbList);
        QCOMPARE(dbs.type, FrameType::Response);
        QCOMPARE(dbs.body.value(QStringLiteral("dbs")).toArray().size(), 1); // personal
        QCOMPARE(c.login(alice).code, ErrorCode::AlreadyAuthenticated);
    }

    void signupFailures()
    {
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        const auto bob = crypto::randomIdentity(QStringLiteral("bob"));
        QCOMPARE(c.signup(bob).type, FrameType::Response);
        // Same name, other keys: taken. Names are normalised, so "BOB " is bob.
        auto other = crypto::randomIdentity(QStringLiteral("bob"));
        QCOMPARE(c.signup(other).code, ErrorCode::UsernameTaken);
        QCborMap b;
        b.insert(QStringLiteral("username"), QStringLiteral("  BOB "));
        b.insert(QStringLiteral("signKey"), other.signing.publicKey);
        b.insert(QStringLiteral("boxKey"), other.box.publicKey);
        b.insert(
            QStringLiteral("sig"),
            crypto::sign(other.signing, crypto::ctx::SignupSig,
                         protocol::signupMessage(QStringLiteral("bob"), other.signing.publicKey, other.box.publicKey)));
        QCOMPARE(c.request(op::Signup, b).code, ErrorCode::UsernameTaken);
        // Signed by another key than the one uploaded.
        auto carol = crypto::randomIdentity(QStringLiteral("carol"));
        b.insert(QStringLiteral("username"), QStringLiteral("carol"));
        b.insert(QStringLiteral("signKey"), carol.signing.publicKey);
        b.insert(QStringLiteral("boxKey"), carol.box.publicKey);
        QCOMPARE(c.request(op::Signup, b).code, ErrorCode::BadSignature);
        b.insert(QStringLiteral("username"), QStringLiteral("9lives"));
        QCOMPARE(c.request(op::Signup, b).code, ErrorCode::BadUsername);
        b.insert(QStringLiteral("username"), QStringLiteral("carol"));
        b.remove(QStringLiteral("sig"));
        QCOMPARE(c.request(op::Signup, b).code, ErrorCode::BadRequest);
    }

    void badSignature()
    {
        const auto dave = crypto::randomIdentity(QStringLiteral("dave"));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QCOMPARE(c.signup(dave).type, FrameType::Response);
        const QByteArray nonce = challenge(c, dave.username);
        QCOMPARE(nonce.size(), 32);
        auto body = loginBody(crypto::randomIdentity(QStringLiteral("dave")), nonce); // wrong key
        QCOMPARE(c.request(op::Auth, body).code, ErrorCode::AuthFailed);
        // The failed attempt used the challenge up: the right signature now needs a new one.
        QCOMPARE(c.request(op::Auth, loginBody(dave, nonce)).code, ErrorCode::ChallengeUnknown);
        QCOMPARE(c.request(op::UserLookup).code, ErrorCode::Unauthenticated);
    }

    void replayedChallenge()
    {
        const auto erin = crypto::randomIdentity(QStringLiteral("erin"));
        test::TestClient a(m_server.url()), b(m_server.url());
        QVERIFY(a.open());
        QVERIFY(b.open());
        QCOMPARE(a.signup(erin).type, FrameType::Response);
        const QByteArray nonce = challenge(a, erin.username);
        const QCborMap body = loginBody(erin, nonce);
        // Replayed on another connection: challenges belong to the connection that asked.
        QCOMPARE(b.request(op::Auth, body).code, ErrorCode::ChallengeUnknown);
        QCOMPARE(a.request(op::Auth, body).type, FrameType::Response);
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QCOMPARE(c.request(op::Auth, body).code, ErrorCode::ChallengeUnknown);
        // A nonce that was never issued.
        challenge(c, erin.username);
        QCOMPARE(c.request(op::Auth, loginBody(erin, QByteArray(32, 'x'))).code, ErrorCode::ChallengeUnknown);
    }

    void unknownUser()
    {
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QCborMap b;
        b.insert(QStringLiteral("username"), QStringLiteral("nobody"));
        QCOMPARE(c.request(op::Challenge, b).code, ErrorCode::UnknownUser);
        QCOMPARE(c.login(crypto::randomIdentity(QStringLiteral("nobody"))).code, ErrorCode::UnknownUser);
    }

    void lookup()
    {
        const auto frank = crypto::randomIdentity(QStringLiteral("frank"));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QCOMPARE(c.signup(frank).type, FrameType::Response);
        QCOMPARE(c.login(frank).type, FrameType::Response);
        QCborMap b;
        b.insert(QStringLiteral("username"), QStringLiteral("Frank"));
        const auto r = c.request(op::UserLookup, b);
        QCOMPARE(r.type, FrameType::Response);
        QCOMPARE(r.body.value(QStringLiteral("signKey")).toByteArray(), frank.signing.publicKey);
        QCOMPARE(r.body.value(QStringLiteral("boxKey")).toByteArray(), frank.box.publicKey);
        b.insert(QStringLiteral("username"), QStringLiteral("ghost"));
        QCOMPARE(c.request(op::UserLookup, b).code, ErrorCode::UnknownUser);
    }

    void expiredChallenge()
    {
        // TTL 0: every challenge has expired by the time it is answered, deterministically.
        test::ServerProcess server({QStringLiteral("--challenge-ttl-ms"), QStringLiteral("0")});
        QVERIFY(server.start());
        const auto gina = crypto::randomIdentity(QStringLiteral("gina"));
        test::TestClient c(server.url());
        QVERIFY(c.open());
        QCOMPARE(c.signup(gina).type, FrameType::Response);
        QCOMPARE(c.login(gina).code, ErrorCode::ChallengeExpired);
    }

    void authTimeoutAndConnectionLimit()
    {
        test::ServerProcess server({QStringLiteral("--auth-timeout-ms"), QStringLiteral("300"),
                                    QStringLiteral("--max-connections-per-user"), QStringLiteral("2")});
        QVERIFY(server.start());
        test::TestClient idle(server.url());
        QVERIFY(idle.open());
        QVERIFY(idle.waitDisconnected());
        QVERIFY(!idle.received().isEmpty());
        QCOMPARE(idle.received().last().code, ErrorCode::AuthTimeout);

        const auto hank = crypto::randomIdentity(QStringLiteral("hank"));
        test::TestClient a(server.url()), b(server.url()), c(server.url());
        QVERIFY(a.open() && b.open() && c.open());
        QCOMPARE(a.signup(hank).type, FrameType::Response);
        QCOMPARE(a.login(hank).type, FrameType::Response);
        QCOMPARE(b.login(hank).type, FrameType::Response);
        QCOMPARE(c.login(hank).code, ErrorCode::TooManyConnections);
        b.close();
        QVERIFY(b.waitDisconnected());
        // The slot frees when a connection closes (the server sees the close asynchronously).
        QVERIFY(QTest::qWaitFor([&] { return c.login(hank).type == FrameType::Response; }, 10000));
    }
};

QTEST_GUILESS_MAIN(TestServerAuth)
#include "tst_server_auth.moc"
