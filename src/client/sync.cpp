// Session: syncing. After every (re)connect: the DB list, each room's boot-keg chain from the
// version this device holds (so a server that rolls back or forks is caught), then each
// KegDB's kegs from its cursor, each page applied with its cursor in one transaction.
#include "session.h"

#include "keytrust.h"

#include "keg/message.h"
#include "pageopen.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QTimer>

namespace tavern::client {

namespace {
constexpr int KindPersonal = 0, KindDm = 1, KindRoom = 2;
constexpr int PageSize = 500;

// A request worth repeating on the same link a moment later (the server was busy). A dropped
// link ends the sync instead: the reconnect syncs again from the stored cursors.
constexpr int RetryMs = 1000;
bool retryLater(int code)
{
    return code == int(protocol::ErrorCode::RateLimited) || code == int(protocol::ErrorCode::Internal);
}

int kindOf(const QString &name)
{
    return name == QLatin1String("room") ? KindRoom : name == QLatin1String("dm") ? KindDm : KindPersonal;
}

QString chainNoticeKind(int code)
{
    switch (keg::ChainError(code)) {
    case keg::ChainError::Rollback: return QStringLiteral("rollback");
    case keg::ChainError::Fork: return QStringLiteral("fork");
    case keg::ChainError::BadSignature:
    case keg::ChainError::UnsignedVersion:
    case keg::ChainError::UnknownSignatureAlgorithm: return QStringLiteral("bad-signature");
    case keg::ChainError::NotPermitted:
    case keg::ChainError::SignerNotMember: return QStringLiteral("unauthorised-change");
    default: return QStringLiteral("invalid-room-change");
    }
}
} // namespace

void Session::onReady()
{
    if (m_syncing) {
        m_resyncWanted = true;
        return;
    }
    m_syncing = true;
    syncAll([this] {
        m_syncing = false;
        m_synced = true;
        Q_EMIT synced();
        pumpOutbox();
        if (std::exchange(m_resyncWanted, false))
            onReady();
    });
}

void Session::syncAll(std::function<void()> done)
{
    m_conn->request(protocol::op::DbList, {}, [this, done](Result<QCborMap> r) {
        if (!r && retryLater(r.code()))
            return QTimer::singleShot(RetryMs, this, [this, done] { syncAll(done); });
        if (!r)
            return done();
        auto steps = std::make_shared<QList<std::function<void(std::function<void()>)>>>();
        m_listed.clear();
        for (const QCborValue &v : r->value(QStringLiteral("dbs")).toArray()) {
            const QCborMap db = v.toMap();
            const QByteArray dbId = db.value(QStringLiteral("dbId")).toByteArray();
            m_listed.insert(dbId);
            const int kind = kindOf(db.value(QStringLiteral("kind")).toString());
            (void)m_cache.upsertDb(dbId, kind, db.value(QStringLiteral("peer")).toString());
            if (kind == KindRoom) {
                // Then any leave or decline asked while this device was offline (its push is gone).
                steps->append([this, dbId](auto next) {
                    syncChain(dbId, [this, dbId, next] {
                        checkRoomPin(dbId); // a server chain below what the pin log holds
                        pumpDepartures(dbId);
                        next();
                    });
                });
            }
            if (kind == KindRoom) {
                steps->append([this, dbId](auto next) { syncKegs(dbId, next); });
            } else if (dbId == personalDb()) {
                // The pin log first: a new device takes its other devices' pins before it
                // pins anything itself from the rooms.
                steps->prepend([this, dbId](auto next) {
                    syncKegs(dbId, [this, next] {
                        checkPinLog();
                        next();
                    });
                });
            } else {
                steps->append([this, dbId](auto next) { syncKegs(dbId, next); });
            }
        }
        // Every room member's keys against the pins, in one batched lookup (keytrust.h).
        steps->append([this](auto next) { keyTrust().check(next); });
        listInvitations(steps, done);
    });
}

void Session::listInvitations(std::shared_ptr<QList<std::function<void(std::function<void()>)>>> steps,
                              std::function<void()> done)
{
    m_conn->request(protocol::op::InvitationList, {}, [this, steps, done](Result<QCborMap> inv) {
        // A busy server is asked again, like every other sync step.
        if (!inv && retryLater(inv.code()))
            return QTimer::singleShot(RetryMs, this, [this, steps, done] { listInvitations(steps, done); });
        if (inv) {
            for (const QCborValue &v : inv->value(QStringLiteral("invitations")).toArray()) {
                const QByteArray dbId = v.toMap().value(QStringLiteral("dbId")).toByteArray();
                (void)m_cache.upsertDb(dbId, KindRoom, QString());
                m_listed.insert(dbId);
                steps->append([this, dbId](auto next) { syncChain(dbId, next); });
            }
        }
        // Rooms this device holds that the server no longer lists (removed while this device
        // was off, so the access.revoked push is gone): asking for the chain gets `forbidden`,
        // which marks them revoked. A room whose creation is still queued gets not_found.
        for (const auto &[roomId, room] : m_rooms) {
            if (room->started() && !m_listed.contains(roomId) && !m_revoked.contains(roomId))
                steps->append([this, id = roomId](auto next) { syncChain(id, next); });
        }
        auto run = std::make_shared<std::function<void()>>();
        *run = [steps, run, done] {
            if (steps->isEmpty()) {
                done();
                *run = nullptr; // break the self-reference
                return;
            }
            auto step = steps->takeFirst();
            step([run] {
                if (*run)
                    (*run)();
            });
        };
        (*run)();
    });
}

void Session::syncChain(const QByteArray &roomId, std::function<void()> done)
{
    RoomState *room = roomFor(roomId);
    // Ask from our own head (not after it): the first version back must be the one we hold,
    // or the server is showing a different (forked) or older (rolled back) room.
    const quint64 from = room && room->started() ? room->head().version().version : 0;
    QCborMap body;
    body.insert(QStringLiteral("dbId"), roomId);
    body.insert(QStringLiteral("from"), qint64(from));
    body.insert(QStringLiteral("limit"), PageSize);
    m_conn->request(protocol::op::BootKegGet, body, [this, roomId, from, done](Result<QCborMap> r) {
        if (!r && retryLater(r.code()))
            return QTimer::singleShot(RetryMs, this, [this, roomId, done] { syncChain(roomId, done); });
        if (!r && r.code() == int(protocol::ErrorCode::Forbidden))
            markRevoked(roomId);
        if (!r)
            return done();
        const QCborArray versions = r->value(QStringLiteral("versions")).toArray();
        RoomState *state = roomFor(roomId);
        if (state && state->started()) {
            // What this device holds at `from` (its head may have moved on since the request
            // went out: a push or its own acknowledged change applied meanwhile).
            const QByteArray ours = state->hashAt(from);
            auto first = versions.isEmpty() ? Result<keg::SignedBootKeg>(Error{1, {}})
                                            : keg::SignedBootKeg::decode(versions.first().toByteArray());
            if (!first || first->version().version != from || first->hash() != ours) {
                const bool missing = !first || first->version().version != from;
                addNotice(roomId, missing ? QStringLiteral("rollback") : QStringLiteral("fork"),
                          missing ? QStringLiteral("The server no longer shows version %1 of this room, which "
                                                   "you already saw. Tavern kept the room as it was.")
                                        .arg(from)
                                  : QStringLiteral("The server shows a different version %1 of this room than "
                                                   "the one you pinned. Tavern kept your version.")
                                        .arg(from),
                          QStringLiteral("pinned version %1 hash %2").arg(from).arg(hex(ours)));
                return done();
            }
        }
        bool failed = false;
        for (qsizetype i = 0; i < versions.size() && !failed; ++i) {
            auto v = keg::SignedBootKeg::decode(versions.at(i).toByteArray());
            if (!v) {
                addNotice(roomId, QStringLiteral("invalid-room-change"),
                          QStringLiteral("The server sent a damaged room version. Tavern refused it."),
                          v.error().message);
                failed = true;
                break;
            }
            const quint64 number = v->version().version;
            if (state && state->started() && number <= state->head().version().version) {
                // Already held (the first one, or applied by a concurrent sync): must be ours.
                if (v->hash() != state->hashAt(number)) {
                    addNotice(roomId, QStringLiteral("fork"),
                              QStringLiteral("The server shows a different version %1 of this room than "
                                             "the one you pinned. Tavern kept your version.")
                                  .arg(number),
                              QStringLiteral("pinned version %1 hash %2").arg(number).arg(hex(state->hashAt(number))));
                    failed = true;
                }
                continue;
            }
            if (!state) {
                m_rooms[roomId] = std::make_unique<RoomState>();
                state = roomFor(roomId);
            }
            failed = !applyVersion(*state, *v).ok();
        }
        if (!failed && r->value(QStringLiteral("more")).toBool())
            return syncChain(roomId, done);
        if (!failed && state && state->started() && m_revoked.contains(roomId)) {
            // Readable again and listed as a member: invited back after a removal.
            if (state->head().version().member(m_identity->username.toUtf8()))
                clearRevoked(roomId);
        }
        Q_EMIT roomChanged(roomId);
        done();
    });
}

Status Session::applyVersion(RoomState &room, const keg::SignedBootKeg &v)
{
    const bool genesis = !room.started();
    auto ok = genesis ? room.start(v) : room.append(v);
    const QByteArray roomId = genesis ? v.roomId() : room.roomId();
    if (!ok) {
        addNotice(roomId, chainNoticeKind(ok.code()),
                  QStringLiteral("A change to this room was refused: %1. Tavern kept the room as it was.")
                      .arg(ok.error().message),
                  QStringLiteral("version %1 hash %2 signer %3")
                      .arg(v.version().version)
                      .arg(hex(v.hash()), QString::fromUtf8(v.version().signer)));
        return ok.error();
    }
    return m_cache.transaction([&]() -> Status {
        if (auto r = m_cache.putBootKeg(roomId, v.version().version, v.encode()); !r)
            return r;
        if (auto r = m_cache.setPin(roomId, v.version().version, v.hash()); !r)
            return r;
        if (auto r = pinRoomHead(roomId, v.version().version, v.hash()); !r)
            return r;
        if (auto r = m_cache.upsertDb(roomId, KindRoom, QString::fromUtf8(v.version().name)); !r)
            return r;
        for (quint32 g : room.learnKeys(v, *m_identity)) {
            const QByteArray sealed = m_vault.seal(QStringLiteral("room-key:%1:%2").arg(hex(roomId)).arg(g).toUtf8(),
                                                   room.keys().get(g)->view());
            if (auto r = m_cache.putRoomKey(roomId, g, sealed); !r)
                return r;
        }
        for (const keg::Member &m : v.version().members) {
            if (auto r = pinMember(roomId, m); !r)
                return r;
        }
        return Ok{};
    });
}

void Session::syncKegs(const QByteArray &dbId, std::function<void()> done)
{
    auto since = m_cache.cursor(dbId);
    if (!since)
        return done();
    requestKegPage(dbId, *since, std::move(done), nullptr);
}

void Session::requestKegPage(const QByteArray &dbId, quint64 since, std::function<void()> done,
                             std::shared_ptr<PageGate> gate)
{
    QCborMap body;
    body.insert(QStringLiteral("dbId"), dbId);
    body.insert(QStringLiteral("since"), qint64(since));
    body.insert(QStringLiteral("limit"), PageSize);
    m_conn->request(protocol::op::KegList, body, [this, dbId, done, gate](Result<QCborMap> r) {
        if (gate) {
            if (gate->state == PageGate::Dropped)
                return; // the page before it was not applied: that path already finished
            if (gate->state == PageGate::Waiting) {
                gate->held = std::move(r); // arrived while the page before it is applied
                return;
            }
        }
        onKegPage(dbId, std::move(r), done);
    });
}

void Session::onKegPage(const QByteArray &dbId, Result<QCborMap> r, std::function<void()> done)
{
    if (!r && retryLater(r.code()))
        return QTimer::singleShot(RetryMs, this, [this, dbId, done] { syncKegs(dbId, done); });
    if (!r && r.code() == int(protocol::ErrorCode::Forbidden) && joined(dbId))
        markRevoked(dbId); // (an invitee is refused room data until it accepts)
    if (!r)
        return done();
    const quint64 next = quint64(r->value(QStringLiteral("next")).toInteger());
    const bool more = r->value(QStringLiteral("more")).toBool();
    const QCborArray kegs = r->value(QStringLiteral("kegs")).toArray();
    // The next page is asked for before this one is applied, so the server prepares it
    // meanwhile; it is taken only once this page and its cursor have committed (from the
    // cursor this page leaves: never backward), and dropped if this page was refused.
    std::shared_ptr<PageGate> gate;
    if (more) {
        if (auto current = m_cache.cursor(dbId)) {
            gate = std::make_shared<PageGate>();
            requestKegPage(dbId, std::max(next, *current), done, gate);
        }
    }
    // A room's kegs are verified and decrypted on every core first (pageopen.h); applyKeg
    // then reports and stores each in page order. Not for the pin log (applyPinKeg opens its
    // own), nor for an invitee's early room data, which applyKeg refuses unopened (A10).
    std::vector<OpenedKeg> opened;
    if (const RoomState *room = dbId == personalDb() ? nullptr : roomFor(dbId); room && room->started()) {
        const keg::Member *me = room->head().version().member(m_identity->username.toUtf8());
        if (!me || me->state != keg::InviteState::Invited)
            opened = openRoomPage(*room, dbId, kegs);
    }
    // The page and its cursor commit together: a crash never applies twice or skips.
    auto applied = m_cache.relaxedTransaction([&]() -> Status {
        for (qsizetype i = 0; i < kegs.size(); ++i) {
            if (auto s = applyKeg(dbId, kegs.at(i).toMap(), opened.empty() ? nullptr : &opened[std::size_t(i)]); !s)
                return s;
        }
        // Never backward: a page answered late (a concurrent sync already moved on) or a
        // server that answers with an older cursor must not make this device fetch again.
        auto current = m_cache.cursor(dbId);
        if (!current)
            return current.error();
        return next > *current ? m_cache.setCursor(dbId, next) : Status(Ok{});
    });
    if (!kegs.isEmpty())
        Q_EMIT messagesChanged(dbId);
    if (applied && more) {
        if (!gate)
            return syncKegs(dbId, done);
        gate->state = PageGate::Open;
        if (gate->held) {
            auto held = std::move(*gate->held);
            gate->held.reset();
            onKegPage(dbId, std::move(held), done);
        }
        return;
    }
    if (gate)
        gate->state = PageGate::Dropped;
    if (auto it = m_refetch.find(dbId); it != m_refetch.end()) {
        const Refetch wanted = *it;
        m_refetch.erase(it);
        // Only for a gap still open (a page the server reordered fills its own gap).
        RoomState *room = roomFor(dbId);
        const bool open = room && std::any_of(wanted.gaps.begin(), wanted.gaps.end(), [&](const auto &g) {
                              return room->authors().hashOf(g.first, g.second).isEmpty();
                          });
        auto upTo = m_cache.cursor(dbId);
        if (open && upTo && wanted.from < *upTo)
            return refetchKegs(dbId, wanted.from, *upTo, done);
    }
    done();
}

void Session::noteGap(const QByteArray &dbId, const QString &author, quint64 highest)
{
    // Once per gap and session: a server that keeps withholding gets one more chance, not a loop.
    const QString gap = QStringLiteral("%1:%2:%3").arg(hex(dbId), author).arg(highest + 1);
    if (m_refetched.contains(gap))
        return;
    m_refetched.insert(gap);
    // The missing messages were written after the author's message `highest`, so an honest
    // server holds them after it in the collection: list again from there.
    quint64 from = 0;
    if (highest > 0) {
        auto rows = m_cache.select(QStringLiteral("SELECT server_order FROM messages WHERE db_id = ? AND author = ? "
                                                  "AND counter = ?"),
                                   {dbId, author, qint64(highest)});
        if (rows && !rows->empty()) {
            const qint64 order = rows->front()[0].toLongLong();
            from = order > 0 && order != std::numeric_limits<qint64>::max() ? quint64(order) : 0;
        }
    }
    Refetch &r = m_refetch[dbId];
    r.from = r.gaps.isEmpty() ? from : std::min(r.from, from);
    r.gaps.append({author, highest + 1});
}

void Session::refetchKegs(const QByteArray &dbId, quint64 since, quint64 upTo, std::function<void()> done)
{
    QCborMap body;
    body.insert(QStringLiteral("dbId"), dbId);
    body.insert(QStringLiteral("since"), qint64(since));
    body.insert(QStringLiteral("limit"), PageSize);
    m_conn->request(protocol::op::KegList, body, [this, dbId, since, upTo, done](Result<QCborMap> r) {
        if (!r && retryLater(r.code()))
            return QTimer::singleShot(RetryMs, this, [=, this] { refetchKegs(dbId, since, upTo, done); });
        if (!r)
            return done();
        const quint64 next = quint64(r->value(QStringLiteral("next")).toInteger());
        const QCborArray kegs = r->value(QStringLiteral("kegs")).toArray();
        bool recovered = false;
        auto applied = m_cache.transaction([&]() -> Status {
            for (const QCborValue &v : kegs) {
                const QCborMap k = v.toMap();
                auto held = m_cache.keg(dbId, k.value(QStringLiteral("kegId")).toByteArray());
                if (held && *held
                    && (*held)->collectionVersion >= quint64(k.value(QStringLiteral("collectionVersion")).toInteger()))
                    continue; // applied before: nothing new
                recovered = true;
                if (auto s = applyKeg(dbId, k); !s)
                    return s;
            }
            return Ok{};
        });
        if (recovered)
            Q_EMIT messagesChanged(dbId);
        if (applied && r->value(QStringLiteral("more")).toBool() && next > since && next < upTo)
            return refetchKegs(dbId, next, upTo, done);
        done();
    });
}

bool Session::joined(const QByteArray &roomId)
{
    const RoomState *room = roomFor(roomId);
    const keg::Member *me =
        room && room->started() ? room->head().version().member(m_identity->username.toUtf8()) : nullptr;
    return me && me->state == keg::InviteState::Joined;
}

void Session::onPush(const protocol::Frame &push)
{
    const QByteArray dbId = push.body.value(QStringLiteral("dbId")).toByteArray();
    if (push.op == protocol::push::Keg) {
        // A KegDB this device has not seen yet (a room created on another device of this
        // user; no push announces that): a full sync learns what it is, its chain and kegs.
        auto known = m_cache.select(QStringLiteral("SELECT 1 FROM dbs WHERE db_id = ?"), {dbId});
        if (known && known->empty())
            return onReady();
        if (dbId == personalDb())
            return syncKegs(dbId, [this] { checkPinLog(); });
        syncKegs(dbId, [] {});
    } else if (push.op == protocol::push::BootKeg || push.op == protocol::push::Invitation) {
        (void)m_cache.upsertDb(dbId, KindRoom, QString());
        syncChain(dbId, [this, dbId] { syncKegs(dbId, [] {}); });
    } else if (push.op == protocol::push::AccessRevoked) {
        markRevoked(dbId);
    } else if (push.op == protocol::push::MemberLeft || push.op == protocol::push::InvitationDeclined) {
        pumpDepartures(dbId);
    }
}

void Session::addNotice(const QByteArray &dbId, const QString &kind, const QString &summary, const QString &evidence)
{
    storage::Notice n{0, dbId, kind, summary, evidence, QDateTime::currentMSecsSinceEpoch()};
    auto id = m_cache.addNotice(n);
    if (id) {
        n.id = *id;
        Q_EMIT noticeAdded(n);
    }
}

std::vector<storage::Notice> Session::notices(const QByteArray &roomId)
{
    auto r = m_cache.notices(roomId);
    return r ? std::move(r).value() : std::vector<storage::Notice>{};
}

} // namespace tavern::client
