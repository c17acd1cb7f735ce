// Who may touch a KegDB. Personal: its owner. DM: its two users. Room: members whose state
// in the current boot-keg head is Joined and who have not asked to leave; an invitee may
// read the boot keg only (to see who invited them and to sign the acceptance), nothing else.
#pragma once

#include "store.h"

#include <QStringList>

namespace tavern::server {

enum class AccessNeed { Read, Write, BootKeg };

struct DbAccess
{
    DbRecord db;
    std::optional<MemberRecord> member; // rooms only
};

// NotFound for an unknown DB, Forbidden (with the reason) for everyone not allowed.
[[nodiscard]] Result<DbAccess> checkAccess(Store &store, const QByteArray &dbId, const QString &username,
                                           AccessNeed need);
// Users who receive pushes about the DB: the owner, the DM pair, or the joined members.
[[nodiscard]] Result<QStringList> recipients(Store &store, const DbRecord &db);

} // namespace tavern::server
