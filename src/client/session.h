// Session: one signed-in account on this device. Owns the connection, the local cache and
// the rooms; syncs every KegDB from its cursor after each (re)connect, applies pushes live,
// verifies everything before it is stored or shown, and sends through a persistent outbox.
#pragma once

#include "connection.h"
#include "roomstate.h"
#include "storage/cache.h"
#include "storage/vault.h"

#include <QDateTime>
#include <QMap>
#include <QObject>
#include <QSet>

#include <functional>
#include <memory>

namespace tavern::client {

struct PinEntry;

enum class SessionError { NoAccount = 2000, Keychain, Server, NotInRoom, KeyChanged, Busy, Refused };

struct MessageView
{
    QByteArray kegId;
    QString author;
    quint64 counter = 0;
    QString body;
    qint64 sentMs = 0;
    enum class Delivery { Queued, Sent, Failed, Received } delivery = Delivery::Received;
    QString error; // for Failed
};

struct RoomSummary
{
    QByteArray roomId;
    QString name;
    QString topic;
    bool invited = false; // an open invitation for this user
    quint64 version = 0;
    int members = 0;
};

enum class Trust { Unverified = 0, TrustedOnFirstUse = 1, Verified = 2, KeyChanged = 3 };

class Session : public QObject
{
    Q_OBJECT
public:
    ~Session() override;

    // Account life cycle. signup returns the formatted account secret, shown once.
    [[nodiscard]] static Result<QString> signup(const QString &profileDir, const QUrl &server,
                                                const QString &username);
    [[nodiscard]] static Status login(const QString &profileDir, const QUrl &server,
                                      const QString &username, const QString &accountSecret);
    [[nodiscard]] static Result<std::unique_ptr<Session>> open(const QString &profileDir);
    [[nodiscard]] static Status logout(const QString &profileDir);

    [[nodiscard]] const crypto::Identity &identity() const { return *m_identity; }
    [[nodiscard]] QString username() const { return m_identity->username; }
    [[nodiscard]] QUrl server() const { return m_server; }
    Connection &connection() { return *m_conn; }
    storage::Cache &cache() { return m_cache; }

    void start();
    // Blocking helpers for the CLI and tests (run a local event loop).
    [[nodiscard]] bool waitForSync(int timeoutMs = 30000);
    [[nodiscard]] bool flushOutbox(int timeoutMs = 30000);

    // Rooms (the boot-keg versions go through the outbox as intents, rebuilt on the newest
    // head when another admin's edit won the race).
    [[nodiscard]] Result<QByteArray> createRoom(const QString &name, const QString &topic,
                                                keg::HistoryPolicy policy);
    [[nodiscard]] Status invite(const QByteArray &roomId, const QString &username, keg::Role role,
                                keg::HistoryPolicy history);
    [[nodiscard]] Status accept(const QByteArray &roomId);
    [[nodiscard]] Status decline(const QByteArray &roomId);
    [[nodiscard]] Status leave(const QByteArray &roomId);
    [[nodiscard]] Status remove(const QByteArray &roomId, const QString &username);
    [[nodiscard]] Status setRole(const QByteArray &roomId, const QString &username, keg::Role role);
    [[nodiscard]] Status setSettings(const QByteArray &roomId, const keg::RoomSettings &settings);

    [[nodiscard]] Status send(const QByteArray &roomId, const QString &text);
    [[nodiscard]] QList<MessageView> messages(const QByteArray &roomId);
    [[nodiscard]] QList<quint64> missingCounters(const QByteArray &roomId, const QString &author);

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
    // The highest (version, hash) of a room pinned in the pin log by any device of this user.
    [[nodiscard]] std::optional<std::pair<quint64, QByteArray>> loggedRoomPin(const QByteArray &roomId);

Q_SIGNALS:
    void synced();
    void roomChanged(const QByteArray &roomId);
    void messagesChanged(const QByteArray &roomId);
    void noticeAdded(const tavern::storage::Notice &notice);
    void outboxChanged();

private:
    Session(QString profileDir, QUrl server, std::shared_ptr<crypto::Identity> identity,
            storage::Vault vault);
    [[nodiscard]] Status loadRooms();

    // Sync (sync.cpp)
    void onReady();
    void onPush(const protocol::Frame &push);
    void syncAll(std::function<void()> done);
    void listInvitations(std::shared_ptr<QList<std::function<void(std::function<void()>)>>> steps,
                         std::function<void()> done);
    void syncChain(const QByteArray &roomId, std::function<void()> done);
    void syncKegs(const QByteArray &dbId, std::function<void()> done);
    [[nodiscard]] Status applyVersion(RoomState &room, const keg::SignedBootKeg &v);
    [[nodiscard]] Status applyKeg(const QByteArray &dbId, const QCborMap &entry);
    void addNotice(const QByteArray &dbId, const QString &kind, const QString &summary,
                   const QString &evidence);
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
    void addNoticeOnce(const QByteArray &dbId, const QString &kind, const QString &summary,
                       const QString &evidence);

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
    QSet<QByteArray> m_listed; // rooms and invitations the last sync's lists named
    QByteArray m_device; // this device's pin-log chain id (cache meta)
    bool m_synced = false;
    bool m_syncing = false;
    bool m_resyncWanted = false;
    bool m_pumping = false;
};

[[nodiscard]] QString hex(const QByteArray &bytes);
[[nodiscard]] QString defaultProfileDir();

} // namespace tavern::client
