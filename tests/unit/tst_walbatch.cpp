// The server's WAL-batching VFS shim (src/server/walbatch.*) against real SQLite files: what
// a commit wrote is visible to a plain connection the moment COMMIT returns (with and
// without fsync on commit), transactions larger than its buffer survive, a write the disk
// refuses fails the COMMIT and leaves earlier data intact, and a process killed mid-burst
// loses no committed row.
#include "server/walbatch.h"

#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using tavern::server::installWalBatchVfs;

namespace {

// A connection through the shim (SQLite's default VFS once installed) or the platform's own.
struct Db
{
    sqlite3 *h = nullptr;
    Db(const QString &path, const char *vfs = nullptr)
    {
        sqlite3_open_v2(path.toUtf8().constData(), &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
    }
    ~Db() { sqlite3_close(h); }
    int exec(const char *sql) { return sqlite3_exec(h, sql, nullptr, nullptr, nullptr); }
    qint64 scalar(const char *sql)
    {
        sqlite3_stmt *s = nullptr;
        qint64 v = -1;
        if (sqlite3_prepare_v2(h, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return v;
    }
    QString text(const char *sql)
    {
        sqlite3_stmt *s = nullptr;
        QString v;
        if (sqlite3_prepare_v2(h, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
            v = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(s, 0)));
        sqlite3_finalize(s);
        return v;
    }
    // Inserts `rows` rows of `bytes` random bytes each in one transaction.
    int insert(int rows, int bytes)
    {
        if (int rc = exec("BEGIN"); rc != SQLITE_OK)
            return rc;
        sqlite3_stmt *s = nullptr;
        sqlite3_prepare_v2(h, "INSERT INTO t (v, n) VALUES (randomblob(?), ?)", -1, &s, nullptr);
        int rc = SQLITE_OK;
        for (int i = 0; i < rows && rc == SQLITE_OK; ++i) {
            sqlite3_bind_int(s, 1, bytes);
            sqlite3_bind_int(s, 2, bytes);
            rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(h);
            sqlite3_reset(s);
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_OK) {
            exec("ROLLBACK");
            return rc;
        }
        rc = exec("COMMIT");
        if (rc != SQLITE_OK)
            exec("ROLLBACK");
        return rc;
    }
};

const char *const Schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL, n INTEGER NOT NULL);"
                           "CREATE INDEX t_n ON t (n, id)";

} // namespace

class TestWalBatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(installWalBatchVfs());
        QCOMPARE(QByteArray(sqlite3_vfs_find(nullptr)->zName), QByteArray("tavern-walbatch"));
    }

    void commitsAreVisibleToAPlainReader_data()
    {
        QTest::addColumn<QByteArray>("sync");
        QTest::newRow("fsync on commit") << QByteArray("FULL");
        QTest::newRow("no fsync on commit") << QByteArray("NORMAL");
    }

    // The reader uses the platform VFS and reads the file itself: a frame still in the shim's
    // buffer when the wal-index names it would read as garbage or a missing row.
    void commitsAreVisibleToAPlainReader()
    {
        QFETCH(QByteArray, sync);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v.sqlite"));
        Db w(path);
        QCOMPARE(w.exec("PRAGMA journal_mode=WAL"), SQLITE_OK);
        QCOMPARE(w.exec(("PRAGMA synchronous=" + sync).constData()), SQLITE_OK);
        QCOMPARE(w.exec(Schema), SQLITE_OK);
        Db r(path, "unix");
        qint64 expected = 0;
        // Small, page-sized and larger-than-the-buffer (2 MiB) transactions, interleaved.
        const int shapes[][2] = {{1, 100}, {150, 300}, {3, 5000}, {700, 4000}, {1, 10}, {40, 70000}};
        for (int round = 0; round < 4; ++round) {
            for (const auto &shape : shapes) {
                QCOMPARE(w.insert(shape[0], shape[1]), SQLITE_OK);
                expected += shape[0];
                QCOMPARE(r.scalar("SELECT count(*) FROM t"), expected);
                QCOMPARE(r.scalar("SELECT count(*) FROM t WHERE length(v) != n"), 0);
            }
        }
        QCOMPARE(r.text("PRAGMA integrity_check"), QStringLiteral("ok"));
        QCOMPARE(w.exec("PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
        QCOMPARE(r.scalar("SELECT count(*) FROM t"), expected);
    }

    // The disk refuses a write (file-size limit, as a full disk would): the COMMIT that needed
    // it fails, nothing of it is visible, and once there is room again writing goes on with
    // every earlier row intact.
    void refusedWriteFailsTheCommitAndLosesNothing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f.sqlite"));
        Db w(path);
        QCOMPARE(w.exec("PRAGMA journal_mode=WAL"), SQLITE_OK);
        QCOMPARE(w.exec("PRAGMA synchronous=FULL"), SQLITE_OK);
        QCOMPARE(w.exec(Schema), SQLITE_OK);
        QCOMPARE(w.insert(200, 500), SQLITE_OK);

        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit old{};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
        rlimit tight = old;
        tight.rlim_cur = 1024 * 1024; // the WAL may not grow past 1 MiB
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &tight), 0);
        const int refused = w.insert(2000, 1000); // ~2 MiB of frames
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &old), 0);
        std::signal(SIGXFSZ, oldHandler);
        QVERIFY2(refused != SQLITE_OK, "a commit whose frames could not be written succeeded");

        Db r(path, "unix");
        QCOMPARE(r.scalar("SELECT count(*) FROM t"), 200);
        QCOMPARE(w.insert(300, 500), SQLITE_OK);
        QCOMPARE(r.scalar("SELECT count(*) FROM t"), 500);
        QCOMPARE(r.text("PRAGMA integrity_check"), QStringLiteral("ok"));
    }

    // A child writes and reports each COMMIT through a pipe; it is killed with SIGKILL in the
    // middle of its burst. Every reported row must be there, and the file must be sound.
    void killedWriterLosesNoCommittedRow()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("k.sqlite"));
        {
            Db w(path);
            QCOMPARE(w.exec("PRAGMA journal_mode=WAL"), SQLITE_OK);
            QCOMPARE(w.exec(Schema), SQLITE_OK);
        }
        int fds[2];
        QCOMPARE(pipe(fds), 0);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            close(fds[0]);
            Db w(path);
            w.exec("PRAGMA synchronous=FULL");
            for (qint64 total = 0;;) {
                const int n = 1 + int(total % 97);
                if (w.insert(n, 300) != SQLITE_OK)
                    _exit(2);
                total += n;
                if (write(fds[1], &total, sizeof total) != sizeof total)
                    _exit(3);
            }
        }
        close(fds[1]);
        qint64 acked = 0, v = 0;
        while (acked < 20000 && read(fds[0], &v, sizeof v) == sizeof v)
            acked = v;
        kill(child, SIGKILL);
        while (read(fds[0], &v, sizeof v) == sizeof v)
            acked = v; // reported before the kill landed
        close(fds[0]);
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY2(WIFSIGNALED(status), "the writer stopped before it was killed");
        QVERIFY(acked >= 20000);

        Db r(path, "unix");
        QCOMPARE(r.text("PRAGMA integrity_check"), QStringLiteral("ok"));
        QVERIFY2(r.scalar("SELECT count(*) FROM t") >= acked, "a committed row was lost");
        QCOMPARE(r.scalar("SELECT count(*) FROM t WHERE length(v) != n"), 0);
    }
};

QTEST_GUILESS_MAIN(TestWalBatch)
#include "tst_walbatch.moc"
