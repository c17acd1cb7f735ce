// Store over SQLite (WAL, synchronous FULL by default); the queries are plain SQL that
// PostgreSQL accepts as well. QtSql opens the connection and runs the rare statements; the
// statements every keg.put runs (transaction control, the keg insert, the KegDB and member
// lookups) go through the sqlite3 C API on the same connection (sqlstorehot.cpp): QtSql
// converts and copies every bound value and allocates per row. Owned and used by one thread.
#pragma once

#include "migrations.h"
#include "store.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPair>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <array>

struct sqlite3;
struct sqlite3_stmt;

namespace tavern::server {

class SqlStore final : public Store
{
public:
    // path: the SQLite file; sync: "full" or "normal".
    SqlStore(QString path, QString sync);
    ~SqlStore() override;

    Status open() override;
    void close() override;
    Status begin() override;
    Status commit() override;
    void rollback() override;
    Status savepoint(bool singleWrite) override;
    Status release() override;
    void rollbackToSavepoint() override;

    Maybe<UserRecord> user(const QString &username) override;
    Status insertUser(const UserRecord &u) override;
    Maybe<DbRecord> db(const QByteArray &dbId) override;
    Status insertDb(const DbRecord &d) override;
    Result<quint64> nextCollectionVersion(const QByteArray &dbId) override;
    void giveBackCollectionVersion(const QByteArray &dbId, quint64 v) override;
    Result<std::vector<DbRecord>> dbsOf(const QString &username) override;
    Maybe<KegRecord> keg(const QByteArray &dbId, const QByteArray &kegId) override;
    Result<bool> insertKegIfAbsent(const KegRecord &k) override;
    Status updateKeg(const KegRecord &k) override;
    Result<std::vector<KegRecord>> kegsSince(const QByteArray &dbId, quint64 since, int limit) override;
    Maybe<BootKegRecord> bootKegHead(const QByteArray &dbId) override;
    Result<std::vector<BootKegRecord>> bootKegs(const QByteArray &dbId, quint64 from, int limit) override;
    Status insertBootKeg(const BootKegRecord &b) override;
    Maybe<MemberRecord> member(const QByteArray &dbId, const QString &username) override;
    Result<std::vector<MemberRecord>> members(const QByteArray &dbId) override;
    Status setMembers(const QByteArray &dbId, const std::vector<MemberRecord> &members) override;
    Result<std::vector<MemberRecord>> invitationsOf(const QString &username) override;
    Status insertRequest(const RequestRecord &r) override;
    Result<std::vector<RequestRecord>> requests(const QByteArray &dbId) override;

    // WAL pages after which a commit folds the WAL back into the database (see walHook).
    static constexpr int CheckpointPages = 4096; // 16 MiB with 4 KiB pages

private:
    // The hot statements, prepared once with the C API (sqlstorehot.cpp).
    enum class Hot {
        Begin,
        Commit,
        Rollback,
        Savepoint,
        Release,
        RollbackTo,
        DataVersion,
        InsertKeg,
        SelectDb,
        SelectMember,
        Count
    };
    Status attachHandle(); // the sqlite3 handle behind QtSql's connection, and the WAL hook
    sqlite3_stmt *hot(Hot which);
    Status stepHot(Hot which); // a hot statement without results, reset afterwards
    Error hotFailure() const;
    void finalizeHot();
    static int walHook(void *self, sqlite3 *db, const char *name, int pages);

    // Prepared once per statement text and reused: most requests run the same few queries.
    QSqlQuery &prepared(const QString &sql);
    Status run(QSqlQuery &q);
    Status exec(const QString &sql);
    Status migrate();
    Error failure(const QSqlQuery &q) const;

    void forgetReads();
    Status beforeWrite(); // opens the job's savepoint if one is wanted and not open yet
    void forgetTxReads();
    void metaWrite();                              // a write to dbs, members or requests in this transaction
    void setCv(const QByteArray &dbId, quint64 v); // with the savepoint's undo record

    QString m_path;
    QString m_sync;
    QString m_connectionName;
    QSqlDatabase m_db;
    sqlite3 *m_handle = nullptr; // the same connection, for the C API
    std::array<sqlite3_stmt *, std::size_t(Hot::Count)> m_hot{};
    QHash<QString, QSqlQuery> m_queries;

    // Read cache of committed rows of dbs and members (access checks, push recipients).
    // This connection is the only writer inside the server: a transaction that writes those
    // tables empties it when it ends. Another process writing the file (an operator's sqlite3
    // shell) is seen through PRAGMA data_version, checked after every BEGIN (it changes only
    // for other connections' commits) and, outside transactions, at least every 100 ms.
    // Inside a transaction the cache is the transaction's own snapshot (data_version was
    // checked in it) until the transaction writes those tables; from then on its reads hit
    // the database (and the tx caches below).
    bool m_inTransaction = false;
    bool m_metaWritten = false; // this transaction wrote dbs, members or requests
    qint64 m_dataVersion = -1;
    QElapsedTimer m_cacheAge;
    QHash<QByteArray, std::optional<DbRecord>> m_dbCache;
    QHash<QByteArray, std::vector<MemberRecord>> m_membersCache;
    QHash<QPair<QByteArray, QString>, std::optional<MemberRecord>> m_memberCache;
    [[nodiscard]] bool cacheUsable();
    [[nodiscard]] Status checkDataVersion(); // empties the cache after another writer

    // Inside a transaction after its first write to dbs/members/requests: reads made since
    // this transaction's last such write; emptied by every such write, by a savepoint
    // rollback and at the end of the transaction.
    QHash<QByteArray, std::optional<DbRecord>> m_txDbCache;
    QHash<QPair<QByteArray, QString>, std::optional<MemberRecord>> m_txMemberCache;

    // collectionVersions assigned in this transaction (latest per DB), written by commit();
    // m_cvUndo holds, for each DB the current job changed, the value before the job (0: none).
    QHash<QByteArray, quint64> m_cv;
    QHash<QByteArray, quint64> m_cvUndo;
    bool m_spWanted = false; // the job wants a savepoint before its first write
    bool m_spOpen = false;   // ... and it has been opened
    bool m_metaMark = false; // m_metaWritten at the job's savepoint
};

} // namespace tavern::server
