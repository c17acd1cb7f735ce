// `tavern-server admin reset-user`: the real binary against a stopped server's SQLite file.
// Without --yes it asks and changes nothing unless the username is typed; with it the user's
// keys and personal KegDB are gone (a log line says so) and the name can be signed up again
// with new keys, while the old keys can no longer log in.
#include "protocol/ops.h"
#include "serverprocess.h"
#include "testclient.h"

#include "keg/keg.h"

#include <QProcess>
#include <QTest>

using namespace tavern;
using protocol::ErrorCode;
using protocol::FrameType;
namespace op = protocol::op;

class TestServerAdmin : public QObject
{
    Q_OBJECT

    test::ServerProcess m_server;

    struct Run
    {
        int code = -1;
        QString out;
    };
    Run admin(const QStringList &args, const QByteArray &input = {})
    {
        QProcess p;
        p.start(QStringLiteral(TAVERN_SERVER_BINARY),
                QStringList{QStringLiteral("admin")} + args
                    + QStringList{QStringLiteral("--storage"), QStringLiteral("sqlite:") + m_server.databasePath()});
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(30000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_server.start(), qPrintable(m_server.logs())); }

    void resetUserThenSignupAgain()
    {
        const auto old = crypto::randomIdentity(QStringLiteral("bob"));
        {
            test::TestClient c(m_server.url());
            QVERIFY(c.open());
            QCOMPARE(c.signup(old).type, FrameType::Response);
            QCOMPARE(c.login(old).type, FrameType::Response);
            // Something in his personal KegDB (a pin-log keg in real life).
            QCborMap put;
            put.insert(QStringLiteral("dbId"), keg::personalDbId(old.username));
            put.insert(QStringLiteral("kegs"),
                       QCborArray{keg::encodeKeg(
                           keg::sealKeg({keg::personalDbId(old.username), keg::newKegId(), keg::KegType::PinLog, 0, 1},
                                        "x", crypto::SecureBytes::random(32), old.username, old.signing))});
            QCOMPARE(c.request(op::KegPut, put).type, FrameType::Response);
        }
        QCOMPARE(m_server.terminate(), 0);

        // Usage errors and a declined confirmation change nothing.
        QCOMPARE(admin({QStringLiteral("reset-user")}).code, 2);
        QCOMPARE(admin({QStringLiteral("reset-user"), QStringLiteral("nobody")}, "nobody\n").code, 1);
        Run declined = admin({QStringLiteral("reset-user"), QStringLiteral("bob")}, "no\n");
        QCOMPARE(declined.code, 3);
        QVERIFY2(declined.out.contains(QLatin1String("Type the username to confirm")), qPrintable(declined.out));
        QVERIFY(m_server.restart());
        {
            test::TestClient c(m_server.url());
            QVERIFY(c.open());
            QCOMPARE(c.signup(crypto::randomIdentity(QStringLiteral("bob"))).code, ErrorCode::UsernameTaken);
        }
        QCOMPARE(m_server.terminate(), 0);

        // Confirmed by typing the name: reset, with a log line.
        Run done = admin({QStringLiteral("reset-user"), QStringLiteral("bob")}, "bob\n");
        QVERIFY2(done.code == 0, qPrintable(done.out));
        QVERIFY2(done.out.contains(QLatin1String("event=admin.reset-user"))
                     && done.out.contains(QLatin1String("user=bob")),
                 qPrintable(done.out));
        // Again: no such user any more.
        QCOMPARE(admin({QStringLiteral("reset-user"), QStringLiteral("bob"), QStringLiteral("--yes")}).code, 1);

        QVERIFY(m_server.restart());
        const auto fresh = crypto::randomIdentity(QStringLiteral("bob"));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QCOMPARE(c.login(old).type, FrameType::Error); // the old keys are gone
        test::TestClient d(m_server.url());
        QVERIFY(d.open());
        QCOMPARE(d.signup(fresh).type, FrameType::Response);
        QCOMPARE(d.login(fresh).type, FrameType::Response);
        // His personal KegDB starts empty: nothing sealed to the old identity is served.
        QCborMap list;
        list.insert(QStringLiteral("dbId"), keg::personalDbId(fresh.username));
        list.insert(QStringLiteral("since"), 0);
        const auto page = d.request(op::KegList, list);
        QCOMPARE(page.type, FrameType::Response);
        QCOMPARE(page.body.value(QStringLiteral("kegs")).toArray().size(), 0);
        // The directory serves the new keys.
        QCborMap who;
        who.insert(QStringLiteral("username"), QStringLiteral("bob"));
        QCOMPARE(d.request(op::UserLookup, who).body.value(QStringLiteral("signKey")).toByteArray(),
                 fresh.signing.publicKey);
    }

    // user.lookup's batched form (one request per page of names on each client sync).
    void batchedLookup()
    {
        const auto carol = crypto::randomIdentity(QStringLiteral("carol"));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        QCOMPARE(c.signup(carol).type, FrameType::Response);
        QCOMPARE(c.login(carol).type, FrameType::Response);
        QCborMap body;
        body.insert(QStringLiteral("usernames"),
                    QCborArray{QStringLiteral("bob"), QStringLiteral("carol"), QStringLiteral("nobody")});
        const auto r = c.request(op::UserLookup, body);
        QCOMPARE(r.type, FrameType::Response);
        QCOMPARE(r.body.value(QStringLiteral("users")).toArray().size(), 2);
        QCOMPARE(r.body.value(QStringLiteral("unknown")).toArray(), QCborArray{QStringLiteral("nobody")});
        QCborArray many;
        for (int i = 0; i < 501; ++i)
            many.append(QStringLiteral("user%1").arg(i));
        body.insert(QStringLiteral("usernames"), many);
        QCOMPARE(c.request(op::UserLookup, body).code, ErrorCode::BadRequest);
    }
};

QTEST_GUILESS_MAIN(TestServerAdmin)
#include "tst_server_admin.moc"
