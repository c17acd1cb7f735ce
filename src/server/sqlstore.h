// Store over QtSql. SQLite today (WAL, synchronous FULL by default); the queries are plain
// SQL that PostgreSQL accepts as well. Owned and used by one thread.
#pragma once

#include "migrations.h"
#include "store.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPair>
#include <QSqlDatabase>
#include <QSqlQuery>

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

private:
    // Prepared once per statement text and reused: most requests run the same few queries.
    QSqlQuery &prepared(const QString &sql);
    Status run(QSqlQuery &q);
    Status exec(const QString &sql);
    Status migrate();
    Error failure(const QSqlQuery &q) const;

    Status step(const QString &sql); // a prepared statement without results (BEGIN, SAVEPOINT...)
    void forgetReads();
    Status beforeWrite(); // opens the job's savepoint if one is wanted and not open yet
    void forgetTxReads();

    QString m_path;
    QString m_sync;
    QString m_connectionName;
    QSqlDatabase m_db;
    QHash<QString, QSqlQuery> m_queries;

    // Read cache for the hot lookups of every request (access pre-checks, push recipients).
    // Writes happen only inside begin()/commit(), so a read made outside a transaction stays
    // true until the next begin(), which empties the cache; reads inside a transaction (which
    // may roll back) are never cached, so the in-transaction access checks always hit the
    // database. Entries also expire after 100 ms, for a writer outside this process.
    bool m_inTransaction = false;
    QElapsedTimer m_cacheAge;
    QHash<QByteArray, std::optional<DbRecord>> m_dbCache;
    QHash<QByteArray, std::vector<MemberRecord>> m_membersCache;
    QHash<QPair<QByteArray, QString>, std::optional<MemberRecord>> m_memberCache;
    [[nodiscard]] bool cacheUsable();

    // Inside a transaction: reads of dbs/members made since this transaction's last write to
    // those tables (the transaction's own snapshot, so still true); emptied by every such
    // write, by a savepoint rollback and at the end of the transaction.
    QHash<QByteArray, std::optional<DbRecord>> m_txDbCache;
    QHash<QPair<QByteArray, QString>, std::optional<MemberRecord>> m_txMemberCache;

    // collectionVersions assigned in this transaction (latest per DB), written by commit();
    // m_cvMark is the state at the job's savepoint.
    QHash<QByteArray, quint64> m_cv;
    QHash<QByteArray, quint64> m_cvMark;
    bool m_spWanted = false; // the job wants a savepoint before its first write
    bool m_spOpen = false;   // ... and it has been opened
};

} // namespace tavern::server
