#include "access.h"

#include "keg/bootkeg.h"
#include "protocol/errors.h"
#include "services.h"

namespace tavern::server {

using protocol::ErrorCode;

Error internalError(const Error &storeError)
{
    return makeError(ErrorCode::Internal, storeError.message);
}

Result<DbAccess> checkAccess(Store &store, const QByteArray &dbId, const QString &username, AccessNeed need)
{
    auto db = store.db(dbId);
    if (!db)
        return internalError(db.error());
    if (!*db)
        return makeError(ErrorCode::NotFound, QStringLiteral("no such KegDB"));
    DbAccess out{**db, std::nullopt};
    const auto forbidden = [](const QString &why) { return makeError(ErrorCode::Forbidden, why); };
    switch (out.db.kind) {
    case DbKind::Personal:
        if (out.db.owner != username)
            return forbidden(QStringLiteral("this is another user's personal KegDB"));
        return out;
    case DbKind::Dm:
        if (out.db.owner != username && out.db.peer != username)
            return forbidden(QStringLiteral("this DM is between two other users"));
        return out;
    case DbKind::Room: break;
    }
    auto m = store.member(dbId, username);
    if (!m)
        return internalError(m.error());
    if (!*m)
        return forbidden(QStringLiteral("you are not a member of this room"));
    out.member = *m;
    if (out.member->pendingKind >= 0)
        return forbidden(QStringLiteral("you have left or declined this room"));
    const bool joined = out.member->state == int(keg::InviteState::Joined);
    if (!joined && need != AccessNeed::BootKeg)
        return forbidden(QStringLiteral("you are invited to this room: accept the invitation first"));
    if (need == AccessNeed::Write && out.member->role == int(keg::Role::Guest))
        return forbidden(QStringLiteral("guests may only read this room"));
    return out;
}

Result<QStringList> recipients(Store &store, const DbRecord &db)
{
    switch (db.kind) {
    case DbKind::Personal: return QStringList{db.owner};
    case DbKind::Dm: return QStringList{db.owner, db.peer};
    case DbKind::Room: break;
    }
    auto members = store.members(db.dbId);
    if (!members)
        return internalError(members.error());
    QStringList out;
    for (const MemberRecord &m : *members) {
        if (m.state == int(keg::InviteState::Joined) && m.pendingKind < 0)
            out << m.username;
    }
    return out;
}

} // namespace tavern::server
