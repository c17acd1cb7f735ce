// Building the next boot-keg version: create, invite, accept, remove, leave/decline,
// role change, settings, rekey. build() runs the same chain rules every client runs, so the
// builder can never publish what the verifier refuses.
#pragma once

#include "chainrules.h"
#include "crypto/identity.h"
#include "crypto/safetynumber.h"
#include "roomkeys.h"

#include <optional>

namespace tavern::keg {

struct BuiltVersion
{
    SignedBootKeg version;
    std::optional<quint32> newGeneration; // set when the version started one
    crypto::SecureBytes newKey;           // its key, for the caller's RoomKeys
};

struct RoomSettings
{
    QString name;
    QString topic;
    HistoryPolicy policy = HistoryPolicy::Shared;
};

// Version 0: the creator alone, admin, generation 0.
[[nodiscard]] BuiltVersion createRoom(const crypto::Identity &creator, const RoomSettings &settings);

class BootKegBuilder
{
public:
    BootKegBuilder(const SignedBootKeg &head, const crypto::Identity &me, const RoomKeys &keys);

    Status invite(const crypto::PublicIdentity &who, Role role, HistoryPolicy history);
    Status acceptInvitation(); // me is the invitee
    Status remove(const QString &username, quint64 lastCounter = 0, QByteArray lastHash = {});
    Status cancelInvitation(const QString &username);
    // Carries the member's own signed leave or decline request.
    Status completeDeparture(const DepartureRequest &request, quint64 lastCounter = 0, QByteArray lastHash = {});
    Status setRole(const QString &username, Role role);
    void setSettings(const RoomSettings &settings);
    void rekey() { m_rekey = true; }

    // threads: 0 = all cores. Seals run in parallel for large rooms.
    [[nodiscard]] Result<BuiltVersion> build(int threads = 0);

private:
    Member *find(const QString &username);
    Status addDeparture(const Member &m, DepartureKind kind, quint64 lastCounter, QByteArray lastHash,
                        QByteArray request);

    SignedBootKeg m_head;
    const crypto::Identity &m_me;
    const RoomKeys &m_keys;
    BootKegVersion m_next;
    bool m_rekey = false;
    bool m_removed = false;
    bool m_sinceJoin = false;
    std::vector<QByteArray> m_sharedNewcomers;
};

} // namespace tavern::keg
