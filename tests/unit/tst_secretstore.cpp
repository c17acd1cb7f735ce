// SecretStore against a real secret service (gnome-keyring on a private D-Bus session, see
// tests/support/with-keyring.sh), and its error when no keychain is reachable.
#include "storage/secretstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QTest>

#include <cstdio>

using namespace tavern;
using namespace tavern::storage;

class TestSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeReadRemove()
    {
        SecretStore store(QStringLiteral("test-%1").arg(QCoreApplication::applicationPid()));
        const auto key = crypto::SecureBytes::random(32);
        auto missing = store.readKeyBlocking(QStringLiteral("alice"));
        QCOMPARE(SecretError(missing.code()), SecretError::NotFound);
        QVERIFY(missing.error().message.contains(QStringLiteral("No Tavern key")));

        auto w = store.writeKeyBlocking(QStringLiteral("alice"), key);
        QVERIFY2(w.ok(), w.ok() ? "" : qPrintable(w.error().message));
        auto r = store.readKeyBlocking(QStringLiteral("alice"));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QVERIFY(r->equals(key.view()));

        // Another namespace (profile) does not see it.
        SecretStore other(QStringLiteral("other-%1").arg(QCoreApplication::applicationPid()));
        QCOMPARE(SecretError(other.readKeyBlocking(QStringLiteral("alice")).code()), SecretError::NotFound);

        QVERIFY(store.removeKeyBlocking(QStringLiteral("alice")).ok());
        QCOMPARE(SecretError(store.readKeyBlocking(QStringLiteral("alice")).code()), SecretError::NotFound);
        QVERIFY(store.removeKeyBlocking(QStringLiteral("alice")).ok()); // idempotent
    }

    void localKeyIsCreatedOnceAndKept()
    {
        SecretStore store(QStringLiteral("local-%1").arg(QCoreApplication::applicationPid()));
        auto first = store.localKeyBlocking(QStringLiteral("bob"));
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QCOMPARE(first->size(), 32u);
        auto second = store.localKeyBlocking(QStringLiteral("bob"));
        QVERIFY(second.ok());
        QVERIFY(second->equals(first->view()));
        QVERIFY(store.removeKeyBlocking(QStringLiteral("bob")).ok());
    }

    void noKeychainIsAClearError()
    {
        // A child process with no D-Bus session at all: what a user sees on a machine
        // without a secret service. It must fail with advice, and write no file.
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TAVERN_SECRETSTORE_CHILD"), QStringLiteral("1"));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/bus"));
        env.remove(QStringLiteral("DISPLAY"));
        const QString home =
            QDir::tempPath() + QStringLiteral("/tavern-nokeychain-%1").arg(QCoreApplication::applicationPid());
        QDir(home).removeRecursively();
        QVERIFY(QDir().mkpath(home));
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForFinished(30000));
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        QVERIFY2(out.startsWith(QStringLiteral("error %1:").arg(int(SecretError::NoKeychain))), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("gnome-keyring")), qPrintable(out));
        // Never a silent plaintext fallback: nothing was written under the child's home.
        QDirIterator it(home, QDir::Files, QDirIterator::Subdirectories);
        QVERIFY2(!it.hasNext(), qPrintable(it.hasNext() ? it.next() : QString()));
        QDir(home).removeRecursively();
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet("TAVERN_SECRETSTORE_CHILD")) {
        SecretStore store(QStringLiteral("child"));
        const auto w = store.writeKeyBlocking(QStringLiteral("carol"), crypto::SecureBytes::random(32));
        if (w.ok())
            std::printf("ok\n");
        else
            std::printf("error %d: %s\n", w.code(), qPrintable(w.error().message));
        return 0;
    }
    TestSecretStore t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_secretstore.moc"
