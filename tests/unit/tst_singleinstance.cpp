// One app per profile: a second launch (a real second process) for the same profile is
// refused and makes the first show its window; another profile runs alongside; a lock left by
// a killed process does not block the next start.
#include "singleinstance.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace tavern::app;

namespace {
// Child mode: `tst_singleinstance --child PROFILE [--hold]` claims and exits with
// 0 = claimed, 3 = another instance answered, 4 = another instance did not answer.
int child(const QString &profile, bool hold)
{
    SingleInstance s(profile);
    if (!s.claim())
        return s.wasRaised() ? 3 : 4;
    if (hold) {
        // Print, then wait to be killed.
        fputs("claimed\n", stdout);
        fflush(stdout);
        return QCoreApplication::exec();
    }
    return 0;
}
} // namespace

class TestSingleInstance : public QObject
{
    Q_OBJECT
private:
    static int runChild(const QString &profile)
    {
        QProcess p;
        p.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--child"), profile});
        // The first instance answers from this event loop while the child waits.
        for (int waited = 0; p.state() != QProcess::NotRunning && waited < 10000; waited += 20)
            QTest::qWait(20);
        return p.state() == QProcess::NotRunning ? p.exitCode() : -1;
    }

private Q_SLOTS:
    void secondLaunchRaisesTheFirst()
    {
        QTemporaryDir dir;
        SingleInstance first(dir.path());
        QVERIFY(first.claim());
        QSignalSpy raised(&first, &SingleInstance::raiseRequested);
        QCOMPARE(runChild(dir.path()), 3);
        QCOMPARE(raised.count(), 1);
    }

    void otherProfileRunsAlongside()
    {
        QTemporaryDir a, b;
        SingleInstance first(a.path());
        QVERIFY(first.claim());
        QCOMPARE(runChild(b.path()), 0);
    }

    void releasedOnExit()
    {
        QTemporaryDir dir;
        {
            SingleInstance first(dir.path());
            QVERIFY(first.claim());
        }
        QCOMPARE(runChild(dir.path()), 0);
    }

    void staleLockOfAKilledProcess()
    {
        QTemporaryDir dir;
        QProcess holder;
        holder.start(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--child"), dir.path(), QStringLiteral("--hold")});
        QVERIFY(holder.waitForReadyRead(10000));
        QCOMPARE(holder.readLine().trimmed(), QByteArray("claimed"));
        holder.kill(); // SIGKILL: no cleanup, the lock file and socket stay behind
        QVERIFY(holder.waitForFinished(5000));
        SingleInstance next(dir.path());
        QVERIFY(next.claim());
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() >= 3 && args.at(1) == QLatin1String("--child"))
        return child(args.at(2), args.contains(QStringLiteral("--hold")));
    TestSingleInstance t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_singleinstance.moc"
