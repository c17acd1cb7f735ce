// Cache: the client's local SQLite database, one per account and profile. Holds what was
// synced (kegs as received, boot-keg versions, the cursor per KegDB), what was derived
// (messages, contacts and pins, security notices) and the outbox. Secret or private fields
// are sealed by the Vault. Anything that must happen together runs in transaction().
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QVariant>

#include <QSqlQuery>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace tavern::storage {

enum class CacheError { Sql = 1, Corrupt };

struct CachedKeg
{
    QByteArray dbId;
    QByteArray kegId;
    quint64 collectionVersion = 0;
    QByteArray data; // encoded keg as the server sent it
    bool deleted = false;
};

struct Notice
{
    qint64 id = 0;
    QByteArray dbId;
    QString kind;     // "bad-signature", "rollback", "fork", "key-changed", ...
    QString summary;  // one sentence for people
    QString evidence; // versions, hashes, signers: for experts
    qint64 atMs = 0;
};

// A row of the engine's `messages` table (client/messages.cpp, edits.cpp). Views: the caller
// keeps the bytes alive for the call.
struct MessageRow
{
    QByteArrayView dbId;
    QByteArrayView kegId;
    QByteArrayView authorUtf8;
    qint64 counter = 0;
    QByteArrayView hash;
    QByteArrayView previousHash;
    int kind = 0;
    QByteArray target;   // a null QByteArray is stored as NULL, like the QtSql binding did
    QByteArrayView body; // sealed by the caller's Vault
    qint64 sentMs = 0;
    qint64 serverOrder = 0;
};

// A run of collection versions [from, to] that a keg.list skipped (client/sync.cpp).
struct Hole
{
    quint64 from = 0;
    quint64 to = 0;
    // Pending: seen by the running sync, not judged yet. Open: reported ("history-incomplete").
    // Asked: listed again once since; still open until a keg is served there.
    enum State { Pending = 0, Open = 1, Asked = 2 } state = Pending;
};

// Removes collection version cv from the reported holes (a keg served there); true if it
// was one.
[[nodiscard]] bool closeHole(std::vector<Hole> &holes, quint64 cv);

enum class OutboxState { Queued = 0, Sent = 1, Failed = 2 };

struct OutboxItem
{
    qint64 id = 0;
    QByteArray dbId;
    QByteArray kegId;
    QString op;         // wire op to send
    QByteArray payload; // encoded request fields (CBOR)
    OutboxState state = OutboxState::Queued;
    QString error;
    int attempts = 0;
    qint64 createdMs = 0;
};

class Cache
{
public:
    Cache();
    ~Cache();
    Cache(const Cache &) = delete;
    Cache &operator=(const Cache &) = delete;

    [[nodiscard]] Status open(const QString &path);
    void close();
    [[nodiscard]] bool isOpen() const;

    // Runs body in one SQLite transaction; commits only if it returns Ok. Called inside
    // another transaction, body simply joins it.
    [[nodiscard]] Status transaction(const std::function<Status()> &body);
    // The same, committed with synchronous=NORMAL (no fsync of the WAL at commit): still
    // atomic, and an application crash loses nothing; a power loss may roll back the last
    // such commits whole. For what the server can give again (a synced page and its cursor
    // roll back together and are fetched again: nothing applied twice, nothing skipped).
    [[nodiscard]] Status relaxedTransaction(const std::function<Status()> &body);

    // Key/value for the account (username, server URL, sealed identity, counters).
    [[nodiscard]] Result<std::optional<QByteArray>> meta(const QString &key);
    [[nodiscard]] Status setMeta(const QString &key, const QByteArray &value);

    // KegDBs and their sync cursors.
    [[nodiscard]] Status upsertDb(const QByteArray &dbId, int kind, const QString &name);
    [[nodiscard]] Result<quint64> cursor(const QByteArray &dbId);
    [[nodiscard]] Status setCursor(const QByteArray &dbId, quint64 cursor);
    [[nodiscard]] Result<std::vector<QByteArray>> dbIds(int kind = -1);

    // Skipped collection versions: a new pending run, every run of a DB, and the runs
    // replaced whole (after a judgement or a re-list).
    [[nodiscard]] Status addHole(const QByteArray &dbId, quint64 from, quint64 to);
    [[nodiscard]] Result<std::vector<Hole>> holes(const QByteArray &dbId);
    [[nodiscard]] Status setHoles(const QByteArray &dbId, const std::vector<Hole> &holes);

    [[nodiscard]] Status putKeg(const CachedKeg &k);
    // INSERT INTO messages ... ON CONFLICT (db_id, keg_id) DO UPDATE SET server_order: the
    // sync's hot insert, through the sqlite3 C API (one prepared statement, no QVariant).
    [[nodiscard]] Status putMessage(const MessageRow &m);
    [[nodiscard]] Result<std::optional<CachedKeg>> keg(const QByteArray &dbId, const QByteArray &kegId);
    [[nodiscard]] Result<std::vector<CachedKeg>> kegs(const QByteArray &dbId);

    // Boot-keg versions as received (already verified) and the pins.
    [[nodiscard]] Status putBootKeg(const QByteArray &roomId, quint64 version, const QByteArray &data);
    [[nodiscard]] Result<std::vector<QByteArray>> bootKegs(const QByteArray &roomId);
    [[nodiscard]] Status setPin(const QByteArray &roomId, quint64 version, const QByteArray &hash);
    [[nodiscard]] Result<std::optional<std::pair<quint64, QByteArray>>> pin(const QByteArray &roomId);

    // Room keys, sealed by the caller's Vault.
    [[nodiscard]] Status putRoomKey(const QByteArray &roomId, quint32 generation, const QByteArray &sealed);
    [[nodiscard]] Result<std::vector<std::pair<quint32, QByteArray>>> roomKeys(const QByteArray &roomId);

    // Security notices: append-only, never merged.
    [[nodiscard]] Result<qint64> addNotice(const Notice &n);
    [[nodiscard]] Result<std::vector<Notice>> notices(const QByteArray &dbId = {});

    // Outbox.
    [[nodiscard]] Result<qint64> enqueue(const OutboxItem &item);
    [[nodiscard]] Result<std::vector<OutboxItem>> outbox(bool pendingOnly);
    [[nodiscard]] Status setOutboxState(qint64 id, OutboxState state, const QString &error = {});

    // Raw access for the engine's own tables (messages, contacts).
    [[nodiscard]] Result<std::vector<std::vector<QVariant>>> select(const QString &sql, const QVariantList &args = {});
    [[nodiscard]] Status exec(const QString &sql, const QVariantList &args = {});

private:
    Status migrate();
    // Prepared once per statement text: preparing costs more than running a small insert,
    // and a sync applies two of them per message.
    Result<QSqlQuery *> prepared(const QString &sql);
    // The statements every synced keg runs, on QtSql's own connection (the system
    // libsqlite3, which the QSQLITE driver loads): binding and stepping a prepared sqlite3
    // statement costs a fraction of QSqlQuery's QVariant round trip.
    enum class Hot { PutKeg, PutMessage, Count };
    sqlite3_stmt *hot(Hot which);
    Status hotFailure(const QString &what) const;
    void finalizeHot();

    QString m_connection;
    int m_depth = 0; // transaction() nesting
    std::map<QString, std::unique_ptr<QSqlQuery>> m_statements;
    sqlite3 *m_handle = nullptr;
    sqlite3_stmt *m_hot[int(Hot::Count)] = {};
};

} // namespace tavern::storage
