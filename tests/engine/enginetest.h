// Support for Session-level integration tests: one real tavern-server (port 0, temporary
// SQLite), several accounts and devices, each a Session over its own temporary profile
// folder. Tests run inside their own keyring (tavern_add_test ... KEYRING), because a
// Session keeps its local key in the keychain.
#pragma once

#include "client/session.h"
#include "serverprocess.h"

#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

namespace tavern::test {

using client::Session;

// Generous: the tests must pass on a loaded two-core machine; waits return as soon as the
// condition holds.
inline constexpr int WaitMs = 60000;

class EngineWorld
{
public:
    explicit EngineWorld(QStringList serverArgs = {});

    // Starts the server; false (with a warning carrying its log) on failure.
    [[nodiscard]] bool start();
    ServerProcess &server() { return m_server; }
    [[nodiscard]] QString profile(const QString &name) const { return m_root.filePath(name); }

    // Signs `user` up in the profile of the same name; the account secret, or empty.
    [[nodiscard]] QString signup(const QString &user);
    // Logs `user` in on another device (a new profile) with the account secret.
    [[nodiscard]] bool login(const QString &profileName, const QString &user, const QString &secret);
    // Opens a profile with a short reconnect backoff; when `connect`, starts it and waits for
    // the first sync. Null (with a warning) on failure.
    [[nodiscard]] std::unique_ptr<Session> open(const QString &profileName, bool connect = true);

private:
    ServerProcess m_server;
    QTemporaryDir m_root;
};

// The error message of a failed result (for QVERIFY2, which evaluates it either way).
template <typename T> [[nodiscard]] QByteArray why(const Result<T> &r)
{
    return r.ok() ? QByteArray() : r.error().message.toUtf8();
}

// Everything a device shows of a room.
[[nodiscard]] QStringList bodies(Session &s, const QByteArray &roomId);
[[nodiscard]] int countBody(Session &s, const QByteArray &roomId, const QString &body);
// Each of `expected` is shown exactly once (reads the room once: cheap to poll).
[[nodiscard]] bool showsEachOnce(Session &s, const QByteArray &roomId, const QStringList &expected);
// "<prefix> 0" ... "<prefix> count-1"
[[nodiscard]] QStringList numbered(const QString &prefix, int count);
// True if a message (keg id) or an author's counter appears twice.
[[nodiscard]] bool hasDuplicates(Session &s, const QByteArray &roomId);
[[nodiscard]] bool isInvited(Session &s, const QByteArray &roomId);
[[nodiscard]] bool isMember(Session &s, const QByteArray &roomId, const QString &user);
// admin invites `invitee` (a member, shared history), the invitee accepts, and the admin's
// head shows them joined; false (with a warning saying which step) otherwise.
[[nodiscard]] bool inviteAndJoin(Session &admin, Session &invitee, const QByteArray &roomId);
[[nodiscard]] quint64 headVersion(Session &s, const QByteArray &roomId);
[[nodiscard]] quint32 generation(Session &s, const QByteArray &roomId);
[[nodiscard]] std::optional<keg::Role> roleOf(Session &s, const QByteArray &roomId, const QString &user);
// The sync cursor of a KegDB as stored in the device's cache.
[[nodiscard]] quint64 cursor(Session &s, const QByteArray &dbId);
// The outbox, oldest first (all states).
[[nodiscard]] std::vector<storage::OutboxItem> outbox(Session &s);
[[nodiscard]] int failedItems(Session &s);
// The newest room change (bootkeg.put) in the outbox (a pin-log keg.put may follow it).
[[nodiscard]] storage::OutboxItem lastEdit(Session &s);
// Sends `count` messages "<prefix> <i>" and waits until the server acknowledged them all.
[[nodiscard]] bool sendMany(Session &s, const QByteArray &roomId, const QString &prefix, int count);

} // namespace tavern::test
