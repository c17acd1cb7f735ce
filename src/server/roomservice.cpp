#include "roomservice.h"

#include "access.h"
#include "keg/chainrules.h"
#include "log.h"
#include "membership.h"
#include "protocol/fields.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QPointer>

#include <memory>

namespace tavern::server {

using protocol::ErrorCode;
using protocol::Frame;

namespace {
const QString KDbId = QStringLiteral("dbId");
constexpr qsizetype MaxBootKegBytes = 4 * 1024 * 1024;

Result<keg::SignedBootKeg> decodeVersion(const QCborMap &body, const QString &key)
{
    auto bytes = protocol::bytesField(body, key, 1, MaxBootKegBytes);
    if (!bytes)
        return bytes.error();
    auto v = keg::SignedBootKeg::decode(*bytes);
    if (!v)
        return makeError(ErrorCode::ChainRefused, v.error().message);
    return v;
}

Error chainRefused(const Error &e)
{
    return makeError(ErrorCode::ChainRefused, e.message);
}

// Writes the version and the member rows it implies; the caller has verified it.
Status storeVersion(Store &s, const MembershipChange &change, const keg::SignedBootKeg &v)
{
    const BootKegRecord rec{change.dbId, v.version().version, v.hash(), QString::fromUtf8(v.version().signer),
                            change.data};
    if (auto r = s.insertBootKeg(rec); !r)
        return internalError(r.error());
    if (auto r = s.setMembers(change.dbId, change.rows); !r)
        return internalError(r.error());
    return Ok{};
}
} // namespace

void RoomService::addRoutes(Routes &r)
{
    using namespace std::placeholders;
    r.insert(protocol::op::RoomCreate, {false, std::bind(&RoomService::create, this, _1, _2)});
    r.insert(protocol::op::BootKegGet, {false, std::bind(&RoomService::getBootKeg, this, _1, _2)});
    r.insert(protocol::op::BootKegPut, {false, std::bind(&RoomService::putBootKeg, this, _1, _2)});
    r.insert(protocol::op::InvitationList, {false, std::bind(&RoomService::listInvitations, this, _1, _2)});
    r.insert(protocol::op::InvitationDecline,
             {false, std::bind(&RoomService::depart, this, _1, _2, int(keg::DepartureKind::Declined))});
    r.insert(protocol::op::RoomLeave,
             {false, std::bind(&RoomService::depart, this, _1, _2, int(keg::DepartureKind::Left))});
    r.insert(protocol::op::RoomRequests, {false, std::bind(&RoomService::listRequests, this, _1, _2)});
}

void RoomService::create(Connection &c, const Frame &req)
{
    auto genesis = decodeVersion(req.body, QStringLiteral("genesis"));
    if (!genesis)
        return c.fail(req, genesis.error());
    if (auto ok = keg::verifyGenesis(*genesis); !ok)
        return c.fail(req, chainRefused(ok.error()));
    if (QString::fromUtf8(genesis->version().signer) != c.username())
        return c.fail(req, ErrorCode::Forbidden, QStringLiteral("a room's genesis is uploaded by its creator"));
    // The room id is the genesis hash, never a name the server or the client picks.
    const QByteArray roomId = genesis->roomId();
    auto change = std::make_shared<MembershipChange>(diffMembership(roomId, nullptr, *genesis));
    QPointer<Connection> conn(&c);
    m_s.committer.submit(
        [change, g = *genesis](Store &s) -> Status {
            auto existing = s.db(change->dbId);
            if (!existing)
                return internalError(existing.error());
            if (*existing)
                return Ok{}; // same id = same genesis hash: a retry
            if (auto r = s.insertDb(DbRecord{change->dbId, DbKind::Room, {}, {}, 0}); !r)
                return internalError(r.error());
            return storeVersion(s, *change, g);
        },
        [conn, req, roomId](const Status &r) {
            if (r)
                logEvent(LogLevel::Info, "room.create", {{"room", QString::fromLatin1(roomId.toHex().left(16))}});
            if (!conn)
                return;
            if (!r)
                return conn->fail(req, r.error());
            QCborMap body;
            body.insert(KDbId, roomId);
            conn->reply(req, body);
        });
}

void RoomService::getBootKeg(Connection &c, const Frame &req)
{
    auto dbId = protocol::bytesField(req.body, KDbId, keg::RoomIdBytes, keg::RoomIdBytes);
    if (!dbId)
        return c.fail(req, dbId.error());
    const quint64 max = quint64(std::numeric_limits<qint64>::max());
    auto from = protocol::uintField(req.body, QStringLiteral("from"), 0, max);
    auto limit = protocol::uintField(req.body, QStringLiteral("limit"), quint64(m_s.config.limits.maxPageSize), max);
    if (!from || !limit)
        return c.fail(req, from ? limit.error() : from.error());
    auto access = checkAccess(m_s.store, *dbId, c.username(), AccessNeed::BootKeg);
    if (!access)
        return c.fail(req, access.error());
    if (access->db.kind != DbKind::Room)
        return c.fail(req, ErrorCode::BadRequest, QStringLiteral("only rooms have a boot keg"));
    const int page = int(std::clamp<quint64>(*limit, 1, quint64(m_s.config.limits.maxPageSize)));
    auto versions = m_s.store.bootKegs(*dbId, *from, page + 1);
    if (!versions)
        return c.fail(req, internalError(versions.error()));
    bool more = int(versions->size()) > page;
    if (more)
        versions->pop_back();
    QCborArray out;
    qsizetype bytes = 0;
    for (const BootKegRecord &b : *versions) {
        bytes += b.data.size();
        if (!out.isEmpty() && bytes > m_s.config.limits.maxFrameBytes) {
            more = true; // the rest on the next page: a response always fits in one frame
            break;
        }
        out.append(b.data);
    }
    QCborMap body;
    body.insert(QStringLiteral("versions"), out);
    body.insert(QStringLiteral("more"), more);
    c.reply(req, body);
}

void RoomService::putBootKeg(Connection &c, const Frame &req)
{
    auto dbId = protocol::bytesField(req.body, KDbId, keg::RoomIdBytes, keg::RoomIdBytes);
    if (!dbId)
        return c.fail(req, dbId.error());
    auto next = decodeVersion(req.body, QStringLiteral("version"));
    if (!next)
        return c.fail(req, next.error());
    if (next->version().roomId != *dbId)
        return c.fail(req, ErrorCode::ChainRefused, QStringLiteral("the version names another room"));
    if (QString::fromUtf8(next->version().signer) != c.username())
        return c.fail(req, ErrorCode::Forbidden, QStringLiteral("upload only versions you signed"));
    auto change = std::make_shared<MembershipChange>();
    auto duplicate = std::make_shared<bool>(false);
    QPointer<Connection> conn(&c);
    m_s.committer.submit(
        [change, duplicate, n = *next, user = c.username()](Store &s) -> Status {
            // Checked in the transaction: the head read here is the one the version extends.
            if (auto a = checkAccess(s, n.version().roomId, user, AccessNeed::BootKeg); !a)
                return a.error();
            auto head = s.bootKegHead(n.version().roomId);
            if (!head)
                return internalError(head.error());
            if (!*head)
                return makeError(ErrorCode::NotFound, QStringLiteral("no such room"));
            const BootKegRecord &h = **head;
            if (n.version().version == h.version && n.hash() == h.hash) {
                *duplicate = true;
                return Ok{};
            }
            if (n.version().version != h.version + 1)
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("the room is at version %1; version %2 does not follow it")
                                     .arg(h.version)
                                     .arg(n.version().version));
            auto prev = keg::SignedBootKeg::decode(h.data);
            if (!prev)
                return makeError(ErrorCode::Internal,
                                 QStringLiteral("stored head unreadable: %1").arg(prev.error().message));
            if (auto ok = keg::verifyTransition(*prev, n); !ok)
                return chainRefused(ok.error());
            *change = diffMembership(n.version().roomId, &*prev, n);
            return storeVersion(s, *change, n);
        },
        [this, conn, req, change, duplicate](const Status &r) {
            if (r && !*duplicate)
                pushChange(*change, conn.data());
            if (!conn)
                return;
            if (!r)
                return conn->fail(req, r.error());
            QCborMap body;
            body.insert(QStringLiteral("duplicate"), *duplicate);
            conn->reply(req, body);
        });
}

} // namespace tavern::server
