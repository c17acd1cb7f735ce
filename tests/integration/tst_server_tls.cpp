// wss:// end to end: the server loads a PEM certificate and key (RSA and EC), a client that
// trusts that certificate connects and logs in, one that does not is refused. Also the
// operator-facing flags: --version, --help, bad configuration, SIGTERM.
#include "protocol/ops.h"
#include "serverprocess.h"
#include "testclient.h"

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tavern;
using protocol::FrameType;

class TestServerTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    bool makeCert(const QString &kind, QString *cert, QString *key)
    {
        *cert = m_dir.filePath(kind + QStringLiteral("-cert.pem"));
        *key = m_dir.filePath(kind + QStringLiteral("-key.pem"));
        QStringList args{QStringLiteral("req"),
                         QStringLiteral("-x509"),
                         QStringLiteral("-nodes"),
                         QStringLiteral("-keyout"),
                         *key,
                         QStringLiteral("-out"),
                         *cert,
                         QStringLiteral("-days"),
                         QStringLiteral("2"),
                         QStringLiteral("-subj"),
                         QStringLiteral("/CN=localhost"),
                         QStringLiteral("-addext"),
                         QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1")};
        if (kind == QLatin1String("ec"))
            args << QStringLiteral("-newkey") << QStringLiteral("ec") << QStringLiteral("-pkeyopt")
                 << QStringLiteral("ec_paramgen_curve:prime256v1");
        else
            args << QStringLiteral("-newkey") << QStringLiteral("rsa:2048");
        QProcess p;
        p.start(QStringLiteral("openssl"), args);
        return p.waitForFinished(30000) && p.exitCode() == 0;
    }

    QProcess *runServer(const QStringList &args)
    {
        auto *p = new QProcess(this);
        p->start(QStringLiteral(TAVERN_SERVER_BINARY), args);
        return p;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // scripts/install-deps.sh installs openssl: its absence is a broken setup, not a
        // reason to pass without testing TLS.
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty(),
                 "openssl is needed to make a test certificate: run scripts/install-deps.sh");
    }

    void wss_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("rsa") << "rsa";
        QTest::newRow("ec") << "ec";
    }
    void wss()
    {
        QFETCH(QString, kind);
        QString cert, key;
        QVERIFY(makeCert(kind, &cert, &key));
        test::ServerProcess server({QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
        QVERIFY2(server.start(), qPrintable(server.logs()));
        QCOMPARE(server.url().scheme(), QStringLiteral("wss"));

        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates(QSslCertificate::fromPath(cert));
        trusting.setPeerVerifyMode(QSslSocket::VerifyPeer);
        test::TestClient c(server.url());
        c.setSslConfiguration(trusting);
        QVERIFY(c.open());
        const auto alice = crypto::randomIdentity(QStringLiteral("alice"));
        QCOMPARE(c.signup(alice).type, FrameType::Response);
        QCOMPARE(c.login(alice).type, FrameType::Response);

        test::TestClient untrusting(server.url()); // system CAs only: self-signed refused
        QVERIFY(!untrusting.open());
        QVERIFY2(!untrusting.socketError().isEmpty(), "refused for a reason");
        QCOMPARE(c.request(protocol::op::Ping).type, FrameType::Response);
    }

    void operatorFlags()
    {
        QProcess *p = runServer({QStringLiteral("--version")});
        QVERIFY(p->waitForFinished(10000));
        QCOMPARE(p->exitCode(), 0);
        QVERIFY(p->readAllStandardOutput().startsWith("tavern-server "));
        p = runServer({QStringLiteral("--help")});
        QVERIFY(p->waitForFinished(10000));
        QVERIFY(p->readAllStandardOutput().contains("--storage"));
        // Plain ws:// on a public address is refused unless forced.
        p = runServer({QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"), QStringLiteral("--storage"),
                       QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("x.sqlite"))});
        QVERIFY(p->waitForFinished(10000));
        QCOMPARE(p->exitCode(), 2);
        QVERIFY(p->readAllStandardError().contains("TLS"));
        p = runServer({QStringLiteral("--rate"), QStringLiteral("fast")});
        QVERIFY(p->waitForFinished(10000));
        QCOMPARE(p->exitCode(), 2);

        QFile conf(m_dir.filePath(QStringLiteral("server.conf")));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("# test\nlisten = 127.0.0.1:0\nstorage = sqlite:"
                   + m_dir.filePath(QStringLiteral("c.sqlite")).toUtf8() + "\nmax-kegs-per-request = 3\n");
        conf.close();
        p = runServer({QStringLiteral("--config"), conf.fileName()});
        QVERIFY(QTest::qWaitFor([&] { return p->canReadLine(); }, 10000));
        QVERIFY(p->readLine().startsWith("tavern-server listening host=127.0.0.1 port="));
        p->terminate(); // SIGTERM: clean stop, exit code 0
        QVERIFY(p->waitForFinished(10000));
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QCOMPARE(p->exitCode(), 0);
        QVERIFY(p->readAllStandardError().contains("event=server.stop"));
    }
};

QTEST_GUILESS_MAIN(TestServerTls)
#include "tst_server_tls.moc"
