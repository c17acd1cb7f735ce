#include "baseline.h"

#include "keg/keg.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QTcpSocket>

#include <sqlite3.h>

namespace benchsrv {

namespace {
const char *const Schema[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                              "CREATE TABLE kegs (db_id BLOB NOT NULL, keg_id BLOB NOT NULL, "
                              "version BIGINT NOT NULL, author TEXT NOT NULL, keg_type INTEGER NOT NULL, "
                              "collection_version BIGINT NOT NULL, deleted INTEGER NOT NULL, data BLOB, "
                              "PRIMARY KEY (keg_id, db_id))",
                              "CREATE UNIQUE INDEX kegs_cursor ON kegs (db_id, collection_version)"};
const char *const Insert = "INSERT INTO kegs (db_id, keg_id, version, author, keg_type, "
                           "collection_version, deleted, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
} // namespace

RawSqlite::RawSqlite(const QString &path, bool viaQtSql) : m_qt(viaQtSql), m_name(QStringLiteral("bench-raw-") + path)
{
    if (m_qt) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        if (!m_db.open())
            die(QStringLiteral("raw sqlite: %1").arg(m_db.lastError().text()));
    } else if (sqlite3_open(path.toUtf8().constData(), &m_handle) != SQLITE_OK) {
        die(QStringLiteral("raw sqlite: cannot open %1").arg(path));
    }
    for (const char *sql : Schema)
        exec(sql);
    if (m_qt) {
        m_insert = QSqlQuery(m_db);
        m_insert.prepare(QString::fromLatin1(Insert));
    } else if (sqlite3_prepare_v2(m_handle, Insert, -1, &m_stmt, nullptr) != SQLITE_OK) {
        die(QStringLiteral("raw sqlite: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_handle))));
    }
}

RawSqlite::~RawSqlite()
{
    if (m_qt) {
        m_insert = QSqlQuery();
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    } else {
        sqlite3_finalize(m_stmt);
        sqlite3_close(m_handle);
    }
}

void RawSqlite::exec(const char *sql)
{
    if (m_qt) {
        QSqlQuery q(m_db);
        if (!q.exec(QString::fromLatin1(sql)))
            die(QStringLiteral("raw sqlite: %1").arg(q.lastError().text()));
    } else if (sqlite3_exec(m_handle, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
        die(QStringLiteral("raw sqlite: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_handle))));
    }
}

void RawSqlite::insertRow(const Row &r, const QByteArray &kegId, qint64 cv)
{
    if (m_qt) {
        m_insert.addBindValue(r.dbId);
        m_insert.addBindValue(kegId);
        m_insert.addBindValue(qint64(1));
        m_insert.addBindValue(QString::fromUtf8(r.author));
        m_insert.addBindValue(0);
        m_insert.addBindValue(cv);
        m_insert.addBindValue(0);
        m_insert.addBindValue(r.data);
        if (!m_insert.exec())
            die(QStringLiteral("raw sqlite: %1").arg(m_insert.lastError().text()));
        return;
    }
    sqlite3_bind_blob(m_stmt, 1, r.dbId.constData(), int(r.dbId.size()), SQLITE_STATIC);
    sqlite3_bind_blob(m_stmt, 2, kegId.constData(), int(kegId.size()), SQLITE_STATIC);
    sqlite3_bind_int64(m_stmt, 3, 1);
    sqlite3_bind_text(m_stmt, 4, r.author.constData(), int(r.author.size()), SQLITE_STATIC);
    sqlite3_bind_int(m_stmt, 5, 0);
    sqlite3_bind_int64(m_stmt, 6, cv);
    sqlite3_bind_int(m_stmt, 7, 0);
    sqlite3_bind_blob(m_stmt, 8, r.data.constData(), int(r.data.size()), SQLITE_STATIC);
    if (sqlite3_step(m_stmt) != SQLITE_DONE)
        die(QStringLiteral("raw sqlite: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_handle))));
    sqlite3_reset(m_stmt);
}

double RawSqlite::insert(const std::vector<Row> &rows, std::size_t n, int perTx, bool freshIds)
{
    n = std::min(n, rows.size());
    std::vector<QByteArray> ids;
    if (freshIds) {
        for (std::size_t i = 0; i < n; ++i)
            ids.push_back(keg::newKegId());
    }
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        if (perTx > 1 && i % std::size_t(perTx) == 0)
            exec("BEGIN");
        const Row &r = rows[i];
        insertRow(r, freshIds ? ids[i] : r.kegId, ++m_cv[r.dbId]);
        if (perTx > 1 && ((i + 1) % std::size_t(perTx) == 0 || i + 1 == n))
            exec("COMMIT");
    }
    return double(n) / secondsSince(t0);
}

double RawSqlite::commitOne(const Row &row)
{
    const QByteArray id = keg::newKegId();
    const auto t0 = Clock::now();
    insertRow(row, id, ++m_cv[row.dbId]);
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void RelayListener::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setParent(nullptr);
    ws.handleConnection(socket);
}

RelayThread::RelayThread()
{
    m_thread.start();
    m_anchor.moveToThread(&m_thread);
}

RelayThread::~RelayThread()
{
    stop();
    QMetaObject::invokeMethod(
        &m_anchor, [this] { m_anchor.moveToThread(QCoreApplication::instance()->thread()); },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QUrl RelayThread::start()
{
    quint16 port = 0;
    QMetaObject::invokeMethod(
        &m_anchor,
        [&] {
            m_relay = new RelayListener;
            if (m_relay->listen(QHostAddress::LocalHost, 0))
                port = m_relay->serverPort();
        },
        Qt::BlockingQueuedConnection);
    if (!port)
        die(QStringLiteral("relay: cannot listen"));
    return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port));
}

void RelayThread::stop()
{
    QMetaObject::invokeMethod(
        &m_anchor,
        [this] {
            delete m_relay;
            m_relay = nullptr;
        },
        Qt::BlockingQueuedConnection);
}

int RelayThread::peers()
{
    int n = 0;
    QMetaObject::invokeMethod(
        &m_anchor, [&] { n = m_relay ? int(m_relay->peers.size()) : 0; }, Qt::BlockingQueuedConnection);
    return n;
}

} // namespace benchsrv
