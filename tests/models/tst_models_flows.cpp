// Sign-up, log-in and log-out through App and its flows against the real server: the states
// the views map to pages, the secret shown once and asked back (a wrong group keeps the user
// in Confirm with an error), App opening the new account, a second device logging in with
// the secret, and a wrong secret failing.
#include "modelstest.h"

#include <QSignalSpy>

using namespace tavern;
using namespace tavern::test;
using ui::LoginFlow;
using ui::SignupFlow;

class TestModelsFlows : public QObject
{
    Q_OBJECT

    EngineWorld m_world;
    QString m_secret; // alice's, from the sign-up

    static QString server(EngineWorld &w) { return w.server().url().toString(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_world.start()); }

    void emptyProfileWelcomes()
    {
        AppController app(m_world.profile(QStringLiteral("empty")));
        QCOMPARE(app.state(), AppController::Welcome);
        QVERIFY(!app.session());
        QCOMPARE(app.username(), QString());
        QCOMPARE(app.rooms()->rowCount(), 0);
        QCOMPARE(app.signup()->state(), SignupFlow::Details);
        QCOMPARE(app.login()->state(), LoginFlow::Details);
    }

    void signupShowsSecretAndAsksItBack()
    {
        AppController app(m_world.profile(QStringLiteral("alice")));
        SignupFlow *flow = app.signup();
        QList<int> seen;
        connect(flow, &SignupFlow::stateChanged, this, [&] { seen << flow->state(); });

        // A name the server would refuse never leaves Details.
        flow->start(server(m_world), QStringLiteral("x"));
        QCOMPARE(flow->state(), SignupFlow::Details);
        QVERIFY(!flow->error().isEmpty());

        flow->start(server(m_world), QStringLiteral("Alice"));
        QCOMPARE(flow->state(), SignupFlow::Working); // shown before the key derivation runs
        QVERIFY(flow->error().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(flow->state(), SignupFlow::ShowSecret, WaitMs);
        QCOMPARE(flow->username(), QStringLiteral("alice"));
        const QStringList groups = flow->secretGroups();
        QCOMPARE(groups.size(), 8);
        for (const QString &g : groups)
            QCOMPARE(g.size(), 4);
        m_secret = groups.join(QLatin1Char('-'));
        const QVariantList idx = flow->confirmIndexes();
        QCOMPARE(idx.size(), 2);
        const int a = idx[0].toInt(), b = idx[1].toInt();
        QVERIFY(a >= 1 && b <= 8 && a < b);
        QCOMPARE(app.state(), AppController::Welcome); // not opened before the secret is confirmed

        flow->secretNoted();
        QCOMPARE(flow->state(), SignupFlow::Confirm);
        // Wrong: the groups swapped. Stays in Confirm with an error.
        flow->confirm(groups[b - 1], groups[a - 1]);
        QCOMPARE(flow->state(), SignupFlow::Confirm);
        QVERIFY(!flow->error().isEmpty());
        // Back shows the secret again; forward again.
        flow->back();
        QCOMPARE(flow->state(), SignupFlow::ShowSecret);
        QCOMPARE(flow->secretGroups(), groups);
        flow->secretNoted();
        // Right, typed lower-case with stray spaces (the secret's own leniency).
        flow->confirm(QLatin1Char(' ') + groups[a - 1].toLower(), groups[b - 1].toLower() + QLatin1Char(' '));
        QCOMPARE(flow->state(), SignupFlow::Done);
        QVERIFY(flow->error().isEmpty());
        QVERIFY(flow->secretGroups().isEmpty()); // not kept once confirmed

        // Done opens the account: Ready, connected, synced.
        QTRY_COMPARE_WITH_TIMEOUT(app.state(), AppController::Ready, WaitMs);
        QCOMPARE(app.username(), QStringLiteral("alice"));
        QCOMPARE(app.serverUrl(), server(m_world));
        QTRY_VERIFY_WITH_TIMEOUT(app.connected() && !app.syncing(), WaitMs);
        QCOMPARE(app.signup()->state(), SignupFlow::Details); // reset for a later sign-up
        const QList<int> expected{SignupFlow::Working,    SignupFlow::ShowSecret, SignupFlow::Confirm,
                                  SignupFlow::ShowSecret, SignupFlow::Confirm,    SignupFlow::Done,
                                  SignupFlow::Details};
        QCOMPARE(seen, expected);
    }

    void takenNameFails()
    {
        AppController app(m_world.profile(QStringLiteral("alice-again")));
        app.signup()->start(server(m_world), QStringLiteral("alice"));
        QTRY_COMPARE_WITH_TIMEOUT(app.signup()->state(), SignupFlow::Failed, WaitMs);
        QVERIFY(!app.signup()->error().isEmpty());
        app.signup()->back();
        QCOMPARE(app.signup()->state(), SignupFlow::Details);
        QCOMPARE(app.state(), AppController::Welcome);
    }

    void reopensExistingAccount()
    {
        AppController app(m_world.profile(QStringLiteral("alice")));
        QCOMPARE(app.state(), AppController::Opening);
        QTRY_COMPARE_WITH_TIMEOUT(app.state(), AppController::Ready, WaitMs);
        QCOMPARE(app.username(), QStringLiteral("alice"));
    }

    void loginOnSecondDevice()
    {
        QVERIFY(!m_secret.isEmpty());
        {
            AppController app(m_world.profile(QStringLiteral("alice-wrong")));
            app.login()->start(server(m_world), QStringLiteral("alice"),
                               QStringLiteral("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"));
            QCOMPARE(app.login()->state(), LoginFlow::Working);
            QTRY_COMPARE_WITH_TIMEOUT(app.login()->state(), LoginFlow::Failed, WaitMs);
            QVERIFY(!app.login()->error().isEmpty());
            QCOMPARE(app.state(), AppController::Welcome);
        }
        AppController app(m_world.profile(QStringLiteral("alice-laptop")));
        QAbstractItemModelTester devicesTester(app.devices(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        app.login()->start(server(m_world), QStringLiteral("alice"), m_secret);
        QCOMPARE(app.login()->state(), LoginFlow::Working);
        QTRY_COMPARE_WITH_TIMEOUT(app.state(), AppController::Ready, WaitMs);
        QCOMPARE(app.username(), QStringLiteral("alice"));
        QTRY_VERIFY_WITH_TIMEOUT(app.connected(), WaitMs);

        // Devices online (account dialog): this device, then alice's other one live, each
        // connection marking only itself as current; it disappears when it goes offline.
        QTRY_COMPARE_WITH_TIMEOUT(app.devices()->rowCount(), 1, WaitMs);
        const int currentRole = app.devices()->roleNames().key("current");
        QVERIFY(app.devices()->index(0).data(currentRole).toBool());
        {
            AppController desk(m_world.profile(QStringLiteral("alice")));
            QTRY_VERIFY_WITH_TIMEOUT(desk.connected(), WaitMs);
            QTRY_COMPARE_WITH_TIMEOUT(app.devices()->rowCount(), 2, WaitMs);
            int current = 0;
            for (int r = 0; r < 2; ++r)
                current += app.devices()->index(r).data(currentRole).toBool() ? 1 : 0;
            QCOMPARE(current, 1);
        }
        QTRY_COMPARE_WITH_TIMEOUT(app.devices()->rowCount(), 1, WaitMs);

        // Log-out forgets the account in this profile: Welcome, models empty.
        app.logout();
        QCOMPARE(app.state(), AppController::Welcome);
        QVERIFY(!app.session());
        QVERIFY(!app.connected());
        AppController again(m_world.profile(QStringLiteral("alice-laptop")));
        QCOMPARE(again.state(), AppController::Welcome);
    }
};

QTEST_MAIN(TestModelsFlows)
#include "tst_models_flows.moc"
