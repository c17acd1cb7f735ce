// RoomService, second half: invitations, leave / decline requests and membership pushes.
#include "access.h"
#include "log.h"
#include "membership.h"
#include "protocol/fields.h"
#include "protocol/ops.h"
#include "roomservice.h"

#include <QCborArray>
#include <QPointer>

#include <memory>

namespace tavern::server {

using protocol::ErrorCode;
using protocol::Frame;

namespace {
const QString KDbId = QStringLiteral("dbId");
const QString KUsername = QStringLiteral("username");

QCborMap invitationBody(const QByteArray &dbId, const QString &inviter, quint64 version, const QByteArray &head)
{
    QCborMap m;
    m.insert(KDbId, dbId);
    m.insert(QStringLiteral("inviter"), inviter);
    m.insert(QStringLiteral("version"), qint64(version));
    m.insert(QStringLiteral("head"), head);
    return m;
}
} // namespace

void RoomService::listInvitations(Connection &c, const Frame &req)
{
    auto invites = m_s.store.invitationsOf(c.username());
    if (!invites)
        return c.fail(req, internalError(invites.error()));
    QCborArray out;
    for (const MemberRecord &m : *invites) {
        auto head = m_s.store.bootKegHead(m.dbId);
        if (!head)
            return c.fail(req, internalError(head.error()));
        if (*head)
            out.append(invitationBody(m.dbId, m.invitedBy, (*head)->version, (*head)->data));
    }
    QCborMap body;
    body.insert(QStringLiteral("invitations"), out);
    c.reply(req, body);
}

// invitation.decline (kind Declined, from an invitee) and room.leave (kind Left, from a
// joined member): the member's own signed request. It ends their access at once; a member
// allowed to process departures then writes the version that removes them and rekeys.
void RoomService::depart(Connection &c, const Frame &req, int kindValue)
{
    const auto kind = keg::DepartureKind(kindValue);
    auto dbId = protocol::bytesField(req.body, KDbId, keg::RoomIdBytes, keg::RoomIdBytes);
    auto bytes = protocol::bytesField(req.body, QStringLiteral("request"), 1, keg::MaxDepartureRequest);
    if (!dbId || !bytes)
        return c.fail(req, dbId ? bytes.error() : dbId.error());
    auto request = keg::decodeDepartureRequest(*bytes);
    if (!request)
        return c.fail(req, ErrorCode::BadRequest, request.error().message);
    if (request->roomId != *dbId || QString::fromUtf8(request->username) != c.username() || request->kind != kind)
        return c.fail(req, ErrorCode::BadRequest,
                      QStringLiteral("the request must be yours, for this room, of kind %1").arg(departureName(kind)));
    const QString user = c.username();
    QPointer<Connection> conn(&c);
    m_s.committer.submit(
        [dbId = *dbId, bytes = *bytes, r = *request, user, kind](Store &s) -> Status {
            auto access = checkAccess(s, dbId, user, AccessNeed::BootKeg);
            if (!access)
                return access.error();
            if (access->db.kind != DbKind::Room || !access->member)
                return makeError(ErrorCode::BadRequest, QStringLiteral("only rooms can be left or declined"));
            const bool invited = access->member->state == int(keg::InviteState::Invited);
            if (invited != (kind == keg::DepartureKind::Declined))
                return makeError(ErrorCode::Forbidden, invited
                                                           ? QStringLiteral("invitees decline, they do not leave")
                                                           : QStringLiteral("members leave; only invitees decline"));
            auto head = s.bootKegHead(dbId);
            if (!head || !*head)
                return makeError(ErrorCode::Internal, QStringLiteral("room head missing"));
            auto v = keg::SignedBootKeg::decode((*head)->data);
            const keg::Member *m = v ? v->version().member(r.username) : nullptr;
            if (!m || !keg::verifyDepartureRequest(r, m->signPublicKey))
                return makeError(ErrorCode::BadSignature,
                                 QStringLiteral("the request is not signed by %1's key in this room").arg(user));
            if (auto w = s.insertRequest(RequestRecord{dbId, user, int(kind), bytes}); !w)
                return internalError(w.error());
            return Ok{};
        },
        [this, conn, req, dbId = *dbId, bytes = *bytes, user, kind](const Status &r) {
            if (r) {
                logEvent(LogLevel::Info, "room.depart", {{"user", user}, {"kind", departureName(kind)}});
                QCborMap body;
                body.insert(KDbId, dbId);
                body.insert(KUsername, user);
                body.insert(QStringLiteral("request"), bytes);
                auto db = m_s.store.db(dbId);
                if (db && *db) {
                    if (auto users = recipients(m_s.store, **db))
                        m_s.hub.push(*users,
                                     Frame::push(kind == keg::DepartureKind::Left ? protocol::push::MemberLeft
                                                                                  : protocol::push::InvitationDeclined,
                                                 body));
                }
                QCborMap revoked;
                revoked.insert(KDbId, dbId);
                revoked.insert(QStringLiteral("reason"), departureName(kind));
                m_s.hub.push({user}, Frame::push(protocol::push::AccessRevoked, revoked), conn.data());
            }
            if (!conn)
                return;
            if (!r)
                return conn->fail(req, r.error());
            conn->reply(req);
        });
}

void RoomService::listRequests(Connection &c, const Frame &req)
{
    auto dbId = protocol::bytesField(req.body, KDbId, keg::RoomIdBytes, keg::RoomIdBytes);
    if (!dbId)
        return c.fail(req, dbId.error());
    if (auto a = checkAccess(m_s.store, *dbId, c.username(), AccessNeed::Read); !a)
        return c.fail(req, a.error());
    auto list = m_s.store.requests(*dbId);
    if (!list)
        return c.fail(req, internalError(list.error()));
    QCborArray out;
    for (const RequestRecord &r : *list) {
        QCborMap m;
        m.insert(KUsername, r.username);
        m.insert(QStringLiteral("kind"), departureName(keg::DepartureKind(r.kind)));
        m.insert(QStringLiteral("request"), r.request);
        out.append(m);
    }
    QCborMap body;
    body.insert(QStringLiteral("requests"), out);
    c.reply(req, body);
}

void RoomService::pushChange(const MembershipChange &ch, const Connection *origin)
{
    auto db = m_s.store.db(ch.dbId);
    if (!db || !*db)
        return;
    auto joined = recipients(m_s.store, **db);
    if (!joined)
        return;
    QCborMap version;
    version.insert(KDbId, ch.dbId);
    version.insert(QStringLiteral("version"), qint64(ch.version));
    version.insert(QStringLiteral("data"), ch.data);
    m_s.hub.push(*joined, Frame::push(protocol::push::BootKeg, version), origin);

    // Invitees get the head they must sign on top of, and nothing else of the room.
    for (const MemberRecord &m : ch.rows) {
        if (m.state == int(keg::InviteState::Invited) && ch.invited.contains(m.username))
            m_s.hub.push({m.username}, Frame::push(protocol::push::Invitation,
                                                   invitationBody(ch.dbId, m.invitedBy, ch.version, ch.data)));
    }
    for (const QString &name : ch.accepted) {
        QCborMap b;
        b.insert(KDbId, ch.dbId);
        b.insert(KUsername, name);
        m_s.hub.push(*joined, Frame::push(protocol::push::InvitationAccepted, b));
    }
    for (const auto &[name, kind] : ch.removed) {
        QCborMap b;
        b.insert(KDbId, ch.dbId);
        b.insert(KUsername, name);
        b.insert(QStringLiteral("kind"), departureName(kind));
        m_s.hub.push(*joined, Frame::push(protocol::push::MemberRemoved, b));
        QCborMap revoked;
        revoked.insert(KDbId, ch.dbId);
        revoked.insert(QStringLiteral("reason"), departureName(kind));
        m_s.hub.push({name}, Frame::push(protocol::push::AccessRevoked, revoked));
    }
    for (const auto &[name, role] : ch.roleChanged) {
        QCborMap b;
        b.insert(KDbId, ch.dbId);
        b.insert(KUsername, name);
        b.insert(QStringLiteral("role"), keg::roleName(role));
        m_s.hub.push(*joined, Frame::push(protocol::push::RoleChanged, b));
    }
}

} // namespace tavern::server
