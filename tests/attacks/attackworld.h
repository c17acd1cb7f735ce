// The stage for the attack tests (threat-model.md, "Attacks the test suite must show
// refused"): the real tavern-server on port 0 with its temporary SQLite, the fault proxy in
// front of it (every Session connects through it), the attacker's handle on the server's
// database, and real client Sessions in separate temporary profiles. Helpers build the
// honest starting point (rooms, invitations, messages) and wait on conditions, never sleep.
#pragma once

#include <QHash>
#include <QStringList>

#include "client/session.h"
#include "faultproxy.h"
#include "serverdb.h"
#include "serverprocess.h"

#include <QTemporaryDir>

#include <memory>

namespace tavern::test {

using client::Session;

inline constexpr int Patience = 30000; // ms: generous, the CI machine has two busy cores

class AttackWorld
{
public:
    AttackWorld();
    ~AttackWorld();

    [[nodiscard]] bool start();
    ServerProcess &server() { return m_server; }
    FaultProxy &proxy() { return *m_proxy; }
    ServerDb &db() { return *m_db; }

    // A new account (name = prefix + a number), signed up through the proxy, started, synced.
    [[nodiscard]] std::unique_ptr<Session> account(const QString &prefix);
    // The same profile opened again, as after an app restart: state from its local cache.
    [[nodiscard]] std::unique_ptr<Session> reopen(std::unique_ptr<Session> session);
    // Another device of an account made by account(): a fresh profile logged in with the
    // account secret (nothing cached: it knows only what the server and the pin log show).
    [[nodiscard]] std::unique_ptr<Session> newDevice(const QString &username);

    // A room created by admin with every member invited (shared history) and joined.
    [[nodiscard]] QByteArray room(Session &admin, const QList<Session *> &members,
                                  const QString &name = QStringLiteral("Room"));
    // admin invites who; waits until who's client shows the invitation.
    [[nodiscard]] bool invite(Session &admin, const QByteArray &room, Session &who);
    // who accepts; waits until every one of others sees who as joined.
    [[nodiscard]] bool accept(Session &who, const QByteArray &room, const QList<Session *> &others);
    // Sends text and waits until every reader shows it.
    [[nodiscard]] bool say(Session &from, const QByteArray &room, const QString &text, const QList<Session *> &readers);
    // Drops the session's connection at the proxy and waits for the full sync that follows
    // the reconnect (what a client does after every reconnect: the whole chain and every DB).
    [[nodiscard]] bool resync(Session &session);

private:
    [[nodiscard]] std::unique_ptr<Session> started(const QString &profileDir);

    ServerProcess m_server;
    std::unique_ptr<FaultProxy> m_proxy;
    std::unique_ptr<ServerDb> m_db;
    QTemporaryDir m_profiles;
    int m_next = 0;
    QHash<QString, QString> m_secrets; // username -> account secret
};

// What a user sees.
[[nodiscard]] QStringList bodies(Session &s, const QByteArray &room);
[[nodiscard]] int shownCount(Session &s, const QByteArray &room, const QString &text);
// Stored security notices of one kind (room empty: notices of every room and none).
[[nodiscard]] int noticeCount(Session &s, const QByteArray &room, const QString &kind);
[[nodiscard]] QString noticeDump(Session &s, const QByteArray &room = {});
// An owned copy of the room head the session verified.
[[nodiscard]] keg::SignedBootKeg headOf(const Session &s, const QByteArray &room);
// The member as the session's verified head lists them (state, role, keys).
[[nodiscard]] std::optional<keg::Member> memberOf(const Session &s, const QByteArray &room, const QString &username);

// A QStringList from literals (op names for proxy rules).
inline QStringList list(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *i : items)
        out << QString::fromUtf8(i);
    return out;
}

} // namespace tavern::test
