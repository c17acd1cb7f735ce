// The passphrase-protected key file (storage::KeyFile), the opt-in for machines without a
// keychain: it round-trips, is created 0600, holds no plaintext key, refuses a wrong
// passphrase with its own error, and refuses any altered, truncated or padded file.
#include "storage/keyfile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tavern;
using namespace tavern::storage;

namespace {
crypto::SecureBytes pass(const char *s)
{
    return crypto::SecureBytes::copyOf(QByteArrayView(s));
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}
} // namespace

class TestKeyFile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    crypto::SecureBytes m_key = crypto::SecureBytes::random(32);
    QByteArray m_good;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("local-key"));
        auto w = KeyFile::write(m_path, m_key, pass("correct horse battery"));
        QVERIFY2(w.ok(), w.ok() ? "" : qPrintable(w.error().message));
        m_good = readAll(m_path);
    }

    void roundTripsAndIsPrivate()
    {
        QVERIFY(KeyFile::exists(m_path));
        QCOMPARE(QFile::permissions(m_path),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);
        QVERIFY(!QFile::exists(m_path + QStringLiteral(".new")));
        QCOMPARE(m_good.size(), 146);
        QVERIFY(!m_good.contains(m_key.view().toByteArray())); // sealed, never stored as is
        auto r = KeyFile::read(m_path, pass("correct horse battery"));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QVERIFY(r->equals(m_key.view()));
        // Two files of one key under one passphrase differ (fresh salt and nonce).
        const QString other = m_dir.filePath(QStringLiteral("second"));
        QVERIFY(KeyFile::write(other, m_key, pass("correct horse battery")).ok());
        QVERIFY(readAll(other) != m_good);
    }

    void wrongPassphraseIsRefused()
    {
        auto r = KeyFile::read(m_path, pass("correct horse batterY"));
        QCOMPARE(KeyFileError(r.code()), KeyFileError::WrongPassphrase);
        QVERIFY2(r.error().message.contains(QStringLiteral("passphrase does not open")), qPrintable(r.error().message));
        QCOMPARE(KeyFileError(KeyFile::read(m_path, pass("")).code()), KeyFileError::WrongPassphrase);
        QCOMPARE(readAll(m_path), m_good); // untouched
    }

    void tamperedFileIsRefused()
    {
        const QString victim = m_dir.filePath(QStringLiteral("tampered"));
        // The format fields, and the sealed key and its tag (first, middle and last bytes:
        // each costs one Argon2id run): refused as damaged.
        for (int i : {0, 7, 8, 9, 10, 17, 18, 25, 98, 113, 129, 130, 145}) {
            QByteArray bad = m_good;
            bad[i] = char(bad[i] ^ 0x01);
            QVERIFY(writeAll(victim, bad));
            auto r = KeyFile::read(victim, pass("correct horse battery"));
            QVERIFY2(!r.ok(), qPrintable(QString::number(i)));
            QVERIFY2(KeyFileError(r.code()) == KeyFileError::Damaged,
                     qPrintable(QStringLiteral("byte %1: %2").arg(i).arg(r.error().message)));
            QVERIFY(r.error().message.contains(QStringLiteral("damaged or was altered")));
        }
        // The nonce is bound through the AEAD: altered, the key does not open.
        QByteArray badNonce = m_good;
        badNonce[146 - 48 - 1] = char(badNonce[146 - 48 - 1] ^ 0x80);
        QVERIFY(writeAll(victim, badNonce));
        QCOMPARE(KeyFileError(KeyFile::read(victim, pass("correct horse battery")).code()), KeyFileError::Damaged);
        // The salt or check altered: the passphrase no longer matches (reported as such).
        QByteArray badSalt = m_good;
        badSalt[30] = char(badSalt[30] ^ 0x01);
        QVERIFY(writeAll(victim, badSalt));
        QCOMPARE(KeyFileError(KeyFile::read(victim, pass("correct horse battery")).code()),
                 KeyFileError::WrongPassphrase);
        // Truncated, padded, empty.
        for (const QByteArray &bad : {m_good.left(145), m_good + QByteArray(1, '\0'), QByteArray()}) {
            QVERIFY(writeAll(victim, bad));
            QCOMPARE(KeyFileError(KeyFile::read(victim, pass("correct horse battery")).code()), KeyFileError::Damaged);
        }
        // Derivation limits a file may not set: below what Tavern writes (cheap to guess) or
        // beyond SENSITIVE (a memory bomb).
        QByteArray weak = m_good;
        weak[10 + 7] = 1;
        weak[10 + 6] = 0;
        weak[10 + 5] = 0;
        weak[10 + 4] = 0; // opslimit = 1
        QVERIFY(writeAll(victim, weak));
        auto r = KeyFile::read(victim, pass("correct horse battery"));
        QCOMPARE(KeyFileError(r.code()), KeyFileError::Damaged);
        QVERIFY(r.error().message.contains(QStringLiteral("out of range")));
    }

    void missingAndWeak()
    {
        QCOMPARE(KeyFileError(KeyFile::read(m_dir.filePath(QStringLiteral("none")), pass("whatever1")).code()),
                 KeyFileError::NotFound);
        const QString path = m_dir.filePath(QStringLiteral("weak"));
        auto w = KeyFile::write(path, m_key, pass("short"));
        QCOMPARE(KeyFileError(w.code()), KeyFileError::WeakPassphrase);
        QVERIFY(!QFile::exists(path));
        // Never overwrites an existing key file (it would lose the key it holds).
        QCOMPARE(
            KeyFileError(KeyFile::write(m_path, crypto::SecureBytes::random(32), pass("another passphrase")).code()),
            KeyFileError::Io);
        QCOMPARE(readAll(m_path), m_good);
        QVERIFY(KeyFile::remove(m_path).ok());
        QVERIFY(!QFile::exists(m_path));
    }
};

QTEST_GUILESS_MAIN(TestKeyFile)
#include "tst_keyfile.moc"
