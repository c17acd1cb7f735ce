// The server's storage interface: everything the server keeps, in the terms the server
// thinks in. One implementation today (SqlStore over SQLite); the SQL is portable so the
// PostgreSQL backend can reuse it. Writes happen only inside begin()/commit() driven by the
// Committer; a write is acknowledged to a client only after commit() returned Ok.
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace tavern::server {

enum class DbKind { Personal = 0, Dm = 1, Room = 2 };

enum class StoreError { Failed = 1, Corrupt };

struct UserRecord
{
    QString username;
    QByteArray signKey;
    QByteArray boxKey;
    QByteArray signupSig;
};

struct DbRecord
{
    QByteArray dbId;
    DbKind kind = DbKind::Personal;
    QString owner; // personal: the user; DM: the lower name; room: empty
    QString peer;  // DM: the higher name; otherwise empty
    quint64 collectionVersion = 0;
};

struct KegRecord
{
    QByteArray dbId;
    QByteArray kegId;
    quint64 version = 0;
    QString author;
    int kegType = 0;
    quint64 collectionVersion = 0;
    bool deleted = false;
    QByteArray data; // the keg as uploaded; empty for a tombstone
};

struct BootKegRecord
{
    QByteArray dbId;
    quint64 version = 0;
    QByteArray hash;
    QString signer;
    QByteArray data;
};

// Room membership as the current boot-keg head says, plus a pending signed leave/decline.
struct MemberRecord
{
    QByteArray dbId;
    QString username;
    int role = 0;
    int state = 0; // keg::InviteState
    QString invitedBy;
    int pendingKind = -1; // keg::DepartureKind of a stored request, or -1
};

struct RequestRecord
{
    QByteArray dbId;
    QString username;
    int kind = 0;
    QByteArray request;
};

template <typename T> using Maybe = Result<std::optional<T>>;

class Store
{
public:
    virtual ~Store() = default;

    [[nodiscard]] virtual Status open() = 0; // connects and runs migrations
    virtual void close() = 0;

    [[nodiscard]] virtual Status begin() = 0;
    [[nodiscard]] virtual Status commit() = 0;
    virtual void rollback() = 0;
    // One savepoint level, so one failing job of a group commit leaves the others intact.
    // The savepoint is opened lazily, before the job's first write. singleWrite: the job
    // promises at most one statement that changes rows (a failing statement undoes itself),
    // so no SQL savepoint is needed at all; in-memory state is still restored on failure.
    [[nodiscard]] virtual Status savepoint(bool singleWrite) = 0;
    [[nodiscard]] virtual Status release() = 0;
    virtual void rollbackToSavepoint() = 0;

    [[nodiscard]] virtual Maybe<UserRecord> user(const QString &username) = 0;
    [[nodiscard]] virtual Status insertUser(const UserRecord &u) = 0;

    [[nodiscard]] virtual Maybe<DbRecord> db(const QByteArray &dbId) = 0;
    [[nodiscard]] virtual Status insertDb(const DbRecord &d) = 0;
    // Increments and returns the DB's collectionVersion (strictly increasing per DB). May be
    // assigned in memory and written once per DB at commit(); only valid inside a transaction.
    [[nodiscard]] virtual Result<quint64> nextCollectionVersion(const QByteArray &dbId) = 0;
    // Hands back v, the latest version nextCollectionVersion returned for dbId, unused.
    virtual void giveBackCollectionVersion(const QByteArray &dbId, quint64 v) = 0;
    // Personal DB, DMs and rooms the user has joined (and not asked to leave).
    [[nodiscard]] virtual Result<std::vector<DbRecord>> dbsOf(const QString &username) = 0;

    [[nodiscard]] virtual Maybe<KegRecord> keg(const QByteArray &dbId, const QByteArray &kegId) = 0;
    // Inserts unless (dbId, kegId) is stored already: true if inserted, false if present.
    [[nodiscard]] virtual Result<bool> insertKegIfAbsent(const KegRecord &k) = 0;
    [[nodiscard]] virtual Status updateKeg(const KegRecord &k) = 0;
    // Kegs with collectionVersion > since, ascending, at most limit.
    [[nodiscard]] virtual Result<std::vector<KegRecord>> kegsSince(const QByteArray &dbId, quint64 since,
                                                                   int limit) = 0;

    [[nodiscard]] virtual Maybe<BootKegRecord> bootKegHead(const QByteArray &dbId) = 0;
    [[nodiscard]] virtual Result<std::vector<BootKegRecord>> bootKegs(const QByteArray &dbId, quint64 from,
                                                                      int limit) = 0;
    [[nodiscard]] virtual Status insertBootKeg(const BootKegRecord &b) = 0;

    [[nodiscard]] virtual Maybe<MemberRecord> member(const QByteArray &dbId, const QString &username) = 0;
    [[nodiscard]] virtual Result<std::vector<MemberRecord>> members(const QByteArray &dbId) = 0;
    // Replaces the room's member rows and drops requests of anyone no longer a member.
    [[nodiscard]] virtual Status setMembers(const QByteArray &dbId, const std::vector<MemberRecord> &members) = 0;
    // Rooms where the user is invited and has not declined.
    [[nodiscard]] virtual Result<std::vector<MemberRecord>> invitationsOf(const QString &username) = 0;

    [[nodiscard]] virtual Status insertRequest(const RequestRecord &r) = 0;
    [[nodiscard]] virtual Result<std::vector<RequestRecord>> requests(const QByteArray &dbId) = 0;
};

} // namespace tavern::server
