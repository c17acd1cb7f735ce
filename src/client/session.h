// Session: one signed-in account on this device. Owns the connection, the local cache and
// the rooms; syncs every KegDB from its cursor after each (re)connect, applies pushes live,
// verifies everything before it is stored or shown, and sends through a persistent outbox.
#pragma once

#include "connection.h"
#include "keg/message.h"
#include "keg/roles.h"
#include "roomguard.h"
#include "roomstate.h"
#include "storage/cache.h"
#include "storage/vault.h"

#include <QCborArray>
#include <QDateTime>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <limits>
#include <memory>

namespace tavern::client {

struct PinEntry;
struct OpenedKeg;
class KeyTrust;

enum class SessionError { NoAccount = 2000, Keychain, Server, NotInRoom, KeyChanged, Busy, Refused };

// The author counter of an own message still in the outbox: it is numbered when it goes out
// (Session::sealQueued). Sorts after every numbered message of its author.
inline constexpr qint64 UnsealedCounter = std::numeric_limits<qint64>::max();

struct MessageView
{
    QByteArray kegId;
    QString author;
    quint64 counter = 0; // UnsealedCounter while waiting to be sent
    QString body;
    qint64 sentMs = 0;
    enum class Delivery { Queued, Sent, Failed, Received } delivery = Delivery::Received;
    QString error; // for Failed
    // Edited by its author (body is the newest edit's text) / deleted by its author or by a
    // moderator or admin (body empty). Only edits and redactions the role table allows count.
    bool edited = false;
    bool deleted = false;
    // Members whose signed receipt names this message's hash (sorted, without the author).
    QStringList readBy;
};

struct RoomSummary
{
    QByteArray roomId;
    QString name;
    QString topic;
    bool invited = false; // an open invitation for this user
    // An invitation this device must not offer as new: the room is held (rolled back below a
    // pin, forked, incomplete), so the invitation may be a replay of one already answered.
    bool expired = false;
    quint64 version = 0;
    int members = 0;
};

// Mismatch: the user compared safety numbers out of band and they differed (KeyTrust).
enum class Trust { Unverified = 0, TrustedOnFirstUse = 1, Verified = 2, KeyChanged = 3, Mismatch = 4 };

// Where the profile's local key (the Vault key) lives. Default: the OS keychain. keyFile is
// the explicit opt-in for machines without one: the key is kept in <profile>/local-key,
// encrypted under a passphrase (storage::KeyFile). A profile that already has a key file
// always uses it. Never a silent fallback: a failing keychain is an error naming what to
// install, and the key file is used only when asked for.
struct LocalKeyOptions
{
    bool keyFile = false;
    // Asked for the passphrase when the key file is created or opened (not when the keychain
    // is used). creating: ask twice / check strength.
    std::function<Result<crypto::SecureBytes>(bool creating)> passphrase;
};

class Session : public QObject
{
    Q_OBJECT
public:
    ~Session() override;

    // Account life cycle. signup returns the formatted account secret, shown once.
    [[nodiscard]] static Result<QString> signup(const QString &profileDir, const QUrl &server, const QString &username);
    [[nodiscard]] static Status login(const QString &profileDir, const QUrl &server, const QString &username,
                                      const QString &accountSecret);
    [[nodiscard]] static Result<std::unique_ptr<Session>> open(const QString &profileDir);
    [[nodiscard]] static Status logout(const QString &profileDir);
    // The same with the local key's place chosen (LocalKeyOptions).
    [[nodiscard]] static Result<QString> signup(const QString &profileDir, const QUrl &server, const QString &username,
                                                const LocalKeyOptions &key);
    [[nodiscard]] static Status login(const QString &profileDir, const QUrl &server, const QString &username,
                                      const QString &accountSecret, const LocalKeyOptions &key);
    [[nodiscard]] static Result<std::unique_ptr<Session>> open(const QString &profileDir, const LocalKeyOptions &key);
    // True when the profile keeps its local key in a passphrase-protected file.
    [[nodiscard]] static bool usesKeyFile(const QString &profileDir);
    [[nodiscard]] static QString keyFilePath(const QString &profileDir);

    [[nodiscard]] const crypto::Identity &identity() const { return *m_identity; }
    [[nodiscard]] QString username() const { return m_identity->username; }
    [[nodiscard]] QUrl server() const { return m_server; }
    [[nodiscard]] QString profileDir() const { return m_profileDir; }
    Connection &connection() { return *m_conn; }
    storage::Cache &cache() { return m_cache; }

    void start();
    // Blocking helpers for the CLI and tests (run a local event loop).
    [[nodiscard]] bool waitForSync(int timeoutMs = 30000);
    [[nodiscard]] bool flushOutbox(int timeoutMs = 30000);

    // Rooms (the boot-keg versions go through the outbox as intents, rebuilt on the newest
    // head when another admin's edit won the race).
    [[nodiscard]] Result<QByteArray> createRoom(const QString &name, const QString &topic, keg::HistoryPolicy policy);
    [[nodiscard]] Status invite(const QByteArray &roomId, const QString &username, keg::Role role,
                                keg::HistoryPolicy history);
    [[nodiscard]] Status accept(const QByteArray &roomId);
    [[nodiscard]] Status decline(const QByteArray &roomId);
    [[nodiscard]] Status leave(const QByteArray &roomId);
    [[nodiscard]] Status remove(const QByteArray &roomId, const QString &username);
    [[nodiscard]] Status setRole(const QByteArray &roomId, const QString &username, keg::Role role);
    [[nodiscard]] Status setSettings(const QByteArray &roomId, const keg::RoomSettings &settings);
    // A new key generation sealed to the current members (what an admin does when a member's
    // device reports a seal that does not open: "keys inconsistent").
    [[nodiscard]] Status rotateKey(const QByteArray &roomId);
    // Why this device will not act on a room now (rolled back, forked, incomplete chain,
    // inconsistent keys, a departure not yet carried out): the outbox waits while it holds.
    [[nodiscard]] const RoomGuard &guard() const { return m_guard; }

    [[nodiscard]] Status send(const QByteArray &roomId, const QString &text);
    [[nodiscard]] QList<MessageView> messages(const QByteArray &roomId);
    // Edit one's own message; delete one's own, or anybody's with the role that allows it
    // (moderators, admins); a signed read receipt bound to the message's hash. Each goes
    // through the outbox like a message (edits and deletes are in the author's chain).
    [[nodiscard]] Status edit(const QByteArray &roomId, const QByteArray &kegId, const QString &newText);
    [[nodiscard]] Status redact(const QByteArray &roomId, const QByteArray &kegId);
    [[nodiscard]] Status markRead(const QByteArray &roomId, const QByteArray &kegId);
    [[nodiscard]] QList<quint64> missingCounters(const QByteArray &roomId, const QString &author);

    // Paged reads (messagequery.cpp): parts of a room without reading it whole, for views of
    // big rooms. The same MessageView as messages() (edits, deletions, receipts, delivery)
    // for only the rows asked for (SQL LIMIT / ranges on the room's order index); only those
    // rows' bodies (and their edits') are opened by the Vault. Each author's messages are in
    // counter order within what one call returns (messages() orders them across the room).
    struct MessageSeq // a message's place in the room: server order, then arrival (unsent last)
    {
        qint64 order = std::numeric_limits<qint64>::max();
        qint64 row = std::numeric_limits<qint64>::max();
        auto operator<=>(const MessageSeq &) const = default;
    };
    struct MessagePage
    {
        QList<MessageView> messages; // oldest first
        QList<MessageSeq> seqs;      // each message's place (parallel to messages)
        // messagesPage, messagesFrom: the newest message before the page (kegId, author,
        // counter, sentMs; body not opened), when older messages exist.
        std::optional<MessageView> previous;
        // messagesSince: messages already stored before `afterRow` that an edit or deletion
        // stored after it changed.
        QSet<QByteArray> changed;
        // Where the cache's message rows (all rooms) ended when this was read: the next
        // messagesSince starts from it.
        qint64 lastRow = 0;
    };
    // The `limit` newest messages before `before` (MessageSeq{}: the room's newest).
    [[nodiscard]] MessagePage messagesPage(const QByteArray &roomId, MessageSeq before, int limit);
    // Every message from `from` (inclusive) to the newest: a loaded window read again.
    [[nodiscard]] MessagePage messagesFrom(const QByteArray &roomId, MessageSeq from);
    // Messages stored after `afterRow` (a MessagePage::lastRow or lastMessageRow()) — live
    // arrivals, in the room's order (an own message comes back from the server as the same row).
    [[nodiscard]] MessagePage messagesSince(const QByteArray &roomId, qint64 afterRow);
    [[nodiscard]] qint64 lastMessageRow();
    // A message's place now (an own message moves back from "unsent, last" to its server
    // position when the server echoes it), or none.
    [[nodiscard]] std::optional<MessageSeq> messageSeq(const QByteArray &roomId, const QByteArray &kegId);
    // The newest message (room-list previews).
    [[nodiscard]] std::optional<MessageView> lastMessage(const QByteArray &roomId);
    // Messages in the room, only those after `afterKegId` when it names one of them, only
    // those not written by `notBy` when given (unread counts).
    [[nodiscard]] int messageCount(const QByteArray &roomId, const QByteArray &afterKegId = {},
                                   const QString &notBy = {});
    // The newest `limit` of those, oldest first (mentions among the unread).
    [[nodiscard]] QList<MessageView> messagesAfter(const QByteArray &roomId, const QByteArray &afterKegId,
                                                   const QString &notBy, int limit);

    [[nodiscard]] QList<RoomSummary> rooms() const;
    // The server told this device it is no longer a member (access.revoked, or forbidden on
    // the room's chain or kegs): the room is kept in the cache but not listed, and send()
    // refuses.
    [[nodiscard]] bool isRevoked(const QByteArray &roomId) const { return m_revoked.contains(roomId); }
    [[nodiscard]] const RoomState *room(const QByteArray &roomId) const;
    [[nodiscard]] std::vector<storage::Notice> notices(const QByteArray &roomId = {});

    // Contacts: keys pinned on first use; a changed key blocks sending until accepted.
    [[nodiscard]] Result<crypto::PublicIdentity> lookupContact(const QString &username);
    [[nodiscard]] Trust trust(const QString &username);
    [[nodiscard]] Status markVerified(const QString &username);
    [[nodiscard]] Status acceptKeyChange(const QString &username);
    [[nodiscard]] std::optional<crypto::PublicIdentity> pinnedContact(const QString &username);
    // Key changes, re-adding a member with a new key, failed verifications, room
    // fingerprints (keytrust.h).
    [[nodiscard]] KeyTrust &keyTrust();
    // The highest (version, hash) of a room pinned in the pin log by any device of this user.
    [[nodiscard]] std::optional<std::pair<quint64, QByteArray>> loggedRoomPin(const QByteArray &roomId);

    // Devices online (devices.cpp): this user's connections to the server right now, one
    // entry per logged-in connection (devices.list, docs/wire-protocol.md 4.6). Each login
    // sends this device's id (cache meta `device-id`) and "<application name> on <host>".
    struct DeviceInfo
    {
        QByteArray id; // 16 bytes; empty for a connection that logged in without one
        QString name;
        qint64 sinceMs = 0;   // when it logged in (server's clock, ms since the epoch)
        bool current = false; // this Session's own connection
    };
    // Fails with LinkError::NotReady when not logged in.
    void listDevices(std::function<void(Result<QList<DeviceInfo>>)> done);
Q_SIGNALS:
    // Another connection of this user logged in or closed (devices.changed): list again.
    // Not emitted for this Session's own (re)login: list on Connection::ready for that.
    void devicesChanged();

private:
    void attachDevices(Connection &connection); // called once, by the constructor
    // (end of Devices online)

Q_SIGNALS:
    void synced();
    void roomChanged(const QByteArray &roomId);
    void messagesChanged(const QByteArray &roomId);
    void noticeAdded(const tavern::storage::Notice &notice);
    void outboxChanged();

private:
    friend class KeyTrust;
    Session(QString profileDir, QUrl server, std::shared_ptr<crypto::Identity> identity, storage::Vault vault);
    [[nodiscard]] Status loadRooms();

    // Sync (sync.cpp)
    void onReady();
    void onPush(const protocol::Frame &push);
    void syncAll(std::function<void()> done);
    void listInvitations(std::shared_ptr<QList<std::function<void(std::function<void()>)>>> steps,
                         std::function<void()> done);
    void syncChain(const QByteArray &roomId, std::function<void()> done);
    void syncKegs(const QByteArray &dbId, std::function<void()> done);
    // keg.list pages: the next one is requested before the current one is applied; its
    // answer waits behind this gate until that page has committed (or is dropped with it).
    struct PageGate
    {
        enum State { Waiting, Open, Dropped } state = Waiting;
        std::optional<Result<QCborMap>> held;
    };
    void requestKegPage(const QByteArray &dbId, quint64 since, std::function<void()> done,
                        std::shared_ptr<PageGate> gate);
    void onKegPage(const QByteArray &dbId, Result<QCborMap> r, std::function<void()> done);
    // Every gap shows (historyholes.cpp): the collection versions a page skipped in
    // (cursor, next] are kept; judged when the sync ends (a "history-incomplete" notice);
    // reported ones asked for once more at the end of the next sync (marked asked), or by an
    // A11 re-list over (from, upTo], which takes them out of `asks`.
    [[nodiscard]] Status recordHoles(const QByteArray &dbId, quint64 cursor, quint64 next, const QCborArray &kegs);
    void judgeHoles(const QByteArray &dbId);
    [[nodiscard]] std::vector<storage::Hole> takeHolesToAsk(const QByteArray &dbId);
    void askHolesWithin(const QByteArray &dbId, quint64 from, quint64 upTo, std::vector<storage::Hole> &asks);
    // A11: lists the DB again from an older cursor (once per gap) up to where it was, to fetch
    // messages a page left out; applies only kegs this device does not hold.
    void refetchKegs(const QByteArray &dbId, quint64 since, quint64 upTo, std::function<void()> done);
    void noteGap(const QByteArray &dbId, const QString &author, quint64 highest);
    [[nodiscard]] Status applyVersion(RoomState &room, const keg::SignedBootKeg &v);
    // Rule 1 and 3 for a room learned for the first time: the chain must start at a genesis
    // that produces the room id it was served under.
    [[nodiscard]] bool acceptFirstVersion(const QByteArray &roomId, const QCborValue &first);
    void holdIncompleteChain(const QByteArray &roomId, quint64 missing, quint64 served);
    // The guard's pin check after anything that moves a head or a pin.
    void judgeRoom(const QByteArray &roomId);
    void judgeRooms();
    // Kegs that arrived before the room version or key generation they name, judged again.
    void rejudgeHeld(const QByteArray &roomId);
    void keysInconsistent(const QByteArray &roomId, const keg::SignedBootKeg &v, const QString &why);
    // `opened`: the keg already opened by openRoomPage (pageopen.h); null opens it here.
    [[nodiscard]] Status applyKeg(const QByteArray &dbId, const QCborMap &entry, OpenedKeg *opened = nullptr);

    // Edits, redactions, receipts (edits.cpp)
    struct Target
    {
        QString author;
        QByteArray hash;
        int kind = -1;
        bool deleted = false;
    };
    [[nodiscard]] std::optional<Target> messageTarget(const QByteArray &dbId, const QByteArray &kegId);
    // A verified edit/redaction keg, already placed in its author's chain.
    [[nodiscard]] Status applyChange(RoomState &room, const QByteArray &dbId, const storage::CachedKeg &cached,
                                     const keg::Keg &k, const keg::MessagePayload &msg, bool mayRedactOthers);
    [[nodiscard]] Status applyReceipt(RoomState &room, const QByteArray &dbId, const storage::CachedKeg &cached,
                                      const keg::Keg &k, QByteArray plain);
    // A message just stored: settles the edits, redactions and receipts that named it first.
    [[nodiscard]] Status settleTarget(const QByteArray &dbId, const QByteArray &kegId, const QString &author,
                                      const QByteArray &hash);
    [[nodiscard]] Status postChange(const QByteArray &roomId, keg::KegType type, const QString &text,
                                    const QByteArray &target, int kind);
    // A queued message, edit or deletion numbered in the author chain and sealed on the head
    // and key of now; stored (row and outbox) before it is returned as the keg.put body.
    [[nodiscard]] Result<QCborMap> sealQueued(const storage::OutboxItem &item, int type);
    // Why this user can't write to the room now (revoked, not joined, key changed, no key).
    [[nodiscard]] Status canWrite(const QByteArray &roomId, keg::Privilege need);
    void addNotice(const QByteArray &dbId, const QString &kind, const QString &summary, const QString &evidence);
    void pumpDepartures(const QByteArray &roomId);
    [[nodiscard]] Status depart(const QByteArray &roomId, keg::DepartureKind kind);

    // Outbox (outbox.cpp)
    [[nodiscard]] Status enqueue(const QByteArray &dbId, const QByteArray &kegId, const QString &op,
                                 const QCborMap &payload);
    void pumpOutbox();
    void sendItem(const storage::OutboxItem &item, std::function<void(bool retry)> done);
    [[nodiscard]] Result<QCborMap> buildBootKegEdit(const QCborMap &intent);

    // Contacts (contacts.cpp)
    [[nodiscard]] Status pinMember(const QByteArray &roomId, const keg::Member &m);
    [[nodiscard]] Status logContactPin(const QString &username, const QByteArray &keys, bool accepted = false);

    // Pin log (pinsync.cpp)
    [[nodiscard]] QByteArray personalDb() const;
    [[nodiscard]] QByteArray deviceId();
    [[nodiscard]] Status appendPin(PinEntry e);
    [[nodiscard]] Status pinRoomHead(const QByteArray &roomId, quint64 version, const QByteArray &hash);
    [[nodiscard]] Status applyPinKeg(const storage::CachedKeg &cached);
    void checkPinLog();
    void checkRoomPin(const QByteArray &roomId);
    void addNoticeOnce(const QByteArray &dbId, const QString &kind, const QString &summary, const QString &evidence);

    RoomState *roomFor(const QByteArray &roomId);
    void markRevoked(const QByteArray &roomId);
    [[nodiscard]] bool joined(const QByteArray &roomId); // a joined member in the head this device holds
    void clearRevoked(const QByteArray &roomId);

    QString m_profileDir;
    QUrl m_server;
    std::shared_ptr<crypto::Identity> m_identity;
    storage::Vault m_vault;
    storage::Cache m_cache;
    std::unique_ptr<Connection> m_conn;
    std::map<QByteArray, std::unique_ptr<RoomState>> m_rooms;
    QSet<QByteArray> m_revoked;
    QHash<QByteArray, quint64> m_declined; // room -> head version when this user declined it
    RoomGuard m_guard;
    QHash<QByteArray, int> m_chainRetries;          // rooms whose chain had a gap: attempts so far
    QSet<QByteArray> m_chainRetryScheduled;         // ... and a retry is waiting on a timer
    QHash<QByteArray, quint32> m_keysBadGeneration; // rooms whose seal for this user did not open
    QSet<QByteArray> m_listed;                      // rooms and invitations the last sync's lists named
    QByteArray m_device;                            // this device's pin-log chain id (cache meta)
    bool m_pinRecheck = false;                      // checkPinLog is listing the personal DB again before it judges
    KeyTrust *m_keyTrust = nullptr;                 // made on first use, a child QObject (keytrust.cpp)
    struct Refetch
    {
        quint64 from = 0;                    // the older cursor to list again from
        QList<QPair<QString, quint64>> gaps; // (author, first missing counter)
    };
    QHash<QByteArray, Refetch> m_refetch; // DB -> a gap was seen in its last pages
    QSet<QString> m_refetched;            // gaps already re-requested this session (bounded: once)
    // Keg ids named by edits, redactions or receipts that arrived before their message (so
    // storing a message costs no lookup unless something waits for it).
    QHash<QByteArray, QSet<QByteArray>> m_awaited;
    bool m_synced = false;
    bool m_syncing = false;
    bool m_resyncWanted = false;
    bool m_pumping = false;
    qint64 m_outboxRetryAt = 0; // ms since the epoch: no send before (after a busy answer)
};

[[nodiscard]] QString hex(const QByteArray &bytes);
[[nodiscard]] QString defaultProfileDir();

} // namespace tavern::client
