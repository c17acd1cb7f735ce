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
                        judgeRooms(); // another device's pins bind this one too (rule 3)
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
        if (!(state && state->started()) && !versions.isEmpty() && !acceptFirstVersion(roomId, versions.first()))
            return done();
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
            if (state && state->started() && number > state->head().version().version + 1) {
                // A gap: nothing above it is verified, so nothing above it is used (rule 3).
                holdIncompleteChain(roomId, state->head().version().version + 1, number);
                failed = true;
                break;
            }
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
        if (state && state->started() && state->head().version().version != from)
            rejudgeHeld(roomId);
        if (!failed && m_guard.has(roomId, Hold::IncompleteChain)) {
            m_guard.clear(roomId, Hold::IncompleteChain);
            m_chainRetries.remove(roomId);
        }
        judgeRoom(roomId);
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
    // Keys first seen in an invitation are not pinned until this user accepts it (rule 8):
    // a forged invitation must not change what this device trusts.
    // (Versions before this user joined pin nobody either: a chain learned through an
    // invitation is the inviter's word until accepted.)
    const keg::Member *me = v.version().member(m_identity->username.toUtf8());
    const bool onlyInvited = !me || me->state != keg::InviteState::Joined;
    RoomState::LearnedKeys learned;
    auto stored = m_cache.transaction([&]() -> Status {
        if (auto r = m_cache.putBootKeg(roomId, v.version().version, v.encode()); !r)
            return r;
        if (auto r = m_cache.setPin(roomId, v.version().version, v.hash()); !r)
            return r;
        if (auto r = pinRoomHead(roomId, v.version().version, v.hash()); !r)
            return r;
        if (auto r = m_cache.upsertDb(roomId, KindRoom, QString::fromUtf8(v.version().name)); !r)
            return r;
        learned = room.learnKeys(v, *m_identity);
        for (quint32 g : learned.generations) {
            const QByteArray sealed = m_vault.seal(QStringLiteral("room-key:%1:%2").arg(hex(roomId)).arg(g).toUtf8(),
                                                   room.keys().get(g)->view());
            if (auto r = m_cache.putRoomKey(roomId, g, sealed); !r)
                return r;
        }
        for (const keg::Member &m : v.version().members) {
            if (onlyInvited)
                break;
            if (auto r = pinMember(roomId, m); !r)
                return r;
        }
        return Ok{};
    });
    if (!stored)
        return stored;
    if (!learned.problem.isEmpty())
        keysInconsistent(roomId, v, learned.problem);
    else if (learned.sealOpened && m_guard.has(roomId, Hold::KeysInconsistent)
             && v.version().currentGeneration() > m_keysBadGeneration.value(roomId)) {
        // A later generation's seal opened and matched: the rotation mended it.
        m_guard.clear(roomId, Hold::KeysInconsistent);
        m_keysBadGeneration.remove(roomId);
        (void)m_cache.exec(QStringLiteral("DELETE FROM meta WHERE key = ?"),
                           {QStringLiteral("keys-inconsistent:%1").arg(hex(roomId))});
    }
    judgeRoom(roomId);
    return Ok{};
}

void Session::keysInconsistent(const QByteArray &roomId, const keg::SignedBootKeg &v, const QString &why)
{
    // "I can't open my seal" is never "not meant for me": the signed version lists this user,
    // so its signer sealed them a key that does not open, or opens to another key than the
    // one committed to. Sending waits for a new generation; admins are offered a rotation.
    const quint32 gen = v.version().currentGeneration();
    const QString signer = QString::fromUtf8(v.version().signer);
    m_keysBadGeneration.insert(roomId, gen);
    m_guard.set(roomId, Hold::KeysInconsistent,
                QStringLiteral("The key %1 sealed for you in room version %2 does not open. Messages wait until "
                               "an admin starts a new key (Rotate key).")
                    .arg(signer)
                    .arg(v.version().version));
    (void)m_cache.setMeta(QStringLiteral("keys-inconsistent:%1").arg(hex(roomId)), QByteArray::number(gen));
    addNoticeOnce(roomId, QStringLiteral("keys-inconsistent"),
                  QStringLiteral("The room key %1 sealed for you in version %2 does not open or is not the key "
                                 "everyone else got: %3. Tavern will not send here until an admin starts a new key.")
                      .arg(signer)
                      .arg(v.version().version)
                      .arg(why),
                  QStringLiteral("version %1 hash %2 signer %3 generation %4")
                      .arg(v.version().version)
                      .arg(hex(v.hash()), signer)
                      .arg(gen));
    Q_EMIT roomChanged(roomId);
}

bool Session::acceptFirstVersion(const QByteArray &roomId, const QCborValue &first)
{
    auto v = keg::SignedBootKeg::decode(first.toByteArray());
    if (!v)
        return true; // refused below with its own notice
    if (v->version().version != 0) {
        holdIncompleteChain(roomId, 0, v->version().version);
        return false;
    }
    if (v->roomId() != roomId) {
        // Rule 1: a room is its genesis. A chain served under another room's id is stored
        // nowhere: no room, no invitation, no pins of the keys it carries.
        addNoticeOnce({}, QStringLiteral("wrong-room"),
                      QStringLiteral("The server offered a room whose first version belongs to another room. "
                                     "Tavern refused it and stored nothing of it."),
                      QStringLiteral("served as room %1, genesis makes %2 (signer %3)")
                          .arg(hex(roomId), hex(v->roomId()), QString::fromUtf8(v->version().signer)));
        (void)m_cache.exec(QStringLiteral("DELETE FROM dbs WHERE db_id = ? AND NOT EXISTS "
                                          "(SELECT 1 FROM bootkegs WHERE room_id = ?)"),
                           {roomId, roomId});
        if (auto it = m_rooms.find(roomId); it != m_rooms.end() && !it->second->started())
            m_rooms.erase(it);
        return false;
    }
    return true;
}

void Session::holdIncompleteChain(const QByteArray &roomId, quint64 missing, quint64 served)
{
    m_guard.set(roomId, Hold::IncompleteChain,
                QStringLiteral("The server's copy of this room is missing version %1. Tavern uses nothing above "
                               "the gap and is asking again.")
                    .arg(missing));
    addNoticeOnce(roomId, QStringLiteral("incomplete-chain"),
                  QStringLiteral("The server sent version %1 of this room without version %2. Tavern uses nothing "
                                 "above the gap, and asks the server again.")
                      .arg(served)
                      .arg(missing),
                  QStringLiteral("missing version %1, served %2").arg(missing).arg(served));
    Q_EMIT roomChanged(roomId);
    if (m_chainRetryScheduled.contains(roomId))
        return;
    // Asked again from this device's head (from the genesis when it holds none), backing off.
    m_chainRetryScheduled.insert(roomId);
    const int attempt = m_chainRetries.value(roomId);
    m_chainRetries.insert(roomId, attempt + 1);
    QTimer::singleShot(2000 << std::min(attempt, 3), this, [this, roomId] {
        m_chainRetryScheduled.remove(roomId);
        if (m_guard.has(roomId, Hold::IncompleteChain) && m_conn->state() == Connection::State::Ready)
            syncChain(roomId, [this, roomId] { syncKegs(roomId, [] {}); });
    });
}

void Session::rejudgeHeld(const QByteArray &roomId)
{
    // Room kegs keep no bytes in the cache once judged, so a row with bytes is one that
    // arrived before the version or generation it names (messages.cpp, holdEarly).
    auto rows = m_cache.select(QStringLiteral("SELECT keg_id, collection_version, data FROM kegs WHERE db_id = ? "
                                              "AND data IS NOT NULL AND length(data) > 0 ORDER BY collection_version"),
                               {roomId});
    if (!rows || rows->empty())
        return;
    auto applied = m_cache.transaction([&]() -> Status {
        for (const auto &r : *rows) {
            QCborMap entry;
            entry.insert(QStringLiteral("kegId"), r[0].toByteArray());
            entry.insert(QStringLiteral("collectionVersion"), r[1].toLongLong());
            entry.insert(QStringLiteral("data"), r[2].toByteArray());
            // Judged afresh: kept again only if it is still early.
            if (auto s = m_cache.exec(QStringLiteral("UPDATE kegs SET data = NULL WHERE db_id = ? AND keg_id = ?"),
                                      {roomId, r[0].toByteArray()});
                !s)
                return s;
            if (auto s = applyKeg(roomId, entry); !s)
                return s;
        }
        return Ok{};
    });
    if (applied)
        Q_EMIT messagesChanged(roomId);
}

void Session::judgeRooms()
{
    QList<QByteArray> ids;
    for (const auto &[id, room] : m_rooms)
        ids << id;
    for (const QByteArray &id : ids)
        judgeRoom(id);
}

void Session::judgeRoom(const QByteArray &roomId)
{
    const QString was = m_guard.reason(roomId);
    RoomState *room = roomFor(roomId);
    m_guard.judgePin(roomId, room, loggedRoomPin(roomId));
    if (room && room->started())
        m_guard.headChanged(roomId, *room);
    if (m_guard.reason(roomId) == was)
        return;
    Q_EMIT roomChanged(roomId);
    QTimer::singleShot(0, this, &Session::pumpOutbox); // a hold that ended lets its items go
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
        if (next <= *current)
            return Ok{};
        // Every gap shows (historyholes.cpp): what the page skipped is kept with the cursor.
        if (auto h = recordHoles(dbId, *current, next, kegs); !h)
            return h;
        return m_cache.setCursor(dbId, next);
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
    // Holes an earlier sync reported are asked for once more, now; then this sync's holes
    // are judged (not after a refused page: its sync goes on).
    auto upTo = m_cache.cursor(dbId);
    std::vector<storage::Hole> asks = applied && upTo ? takeHolesToAsk(dbId) : std::vector<storage::Hole>{};
    if (applied)
        judgeHoles(dbId);
    std::optional<quint64> relistFrom;
    if (auto it = m_refetch.find(dbId); it != m_refetch.end()) {
        const Refetch wanted = *it;
        m_refetch.erase(it);
        // Only for a gap still open (a page the server reordered fills its own gap).
        RoomState *room = roomFor(dbId);
        const bool open = room && std::any_of(wanted.gaps.begin(), wanted.gaps.end(), [&](const auto &g) {
                              return room->authors().hashOf(g.first, g.second).isEmpty();
                          });
        if (open && upTo && wanted.from < *upTo)
            relistFrom = wanted.from;
    }
    if (relistFrom)
        askHolesWithin(dbId, *relistFrom, *upTo, asks); // the A11 re-list asks for those
    for (auto h = asks.rbegin(); h != asks.rend(); ++h)
        done = [this, dbId, from = h->from, to = h->to, done] { refetchKegs(dbId, from - 1, to, done); };
    if (relistFrom)
        return refetchKegs(dbId, *relistFrom, *upTo, done);
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
        auto holes = m_cache.holes(dbId);
        bool filled = false;
        auto applied = m_cache.transaction([&]() -> Status {
            for (const QCborValue &v : kegs) {
                const QCborMap k = v.toMap();
                const quint64 cv = quint64(k.value(QStringLiteral("collectionVersion")).toInteger());
                auto held = m_cache.keg(dbId, k.value(QStringLiteral("kegId")).toByteArray());
                // Served now where it was skipped before, and not a keg held elsewhere (a
                // replay): that place is no longer a hole.
                if (holes && cv <= upTo && held && (!*held || (*held)->collectionVersion == cv))
                    filled = storage::closeHole(*holes, cv) || filled;
                if (held && *held && (*held)->collectionVersion >= cv)
                    continue; // applied before: nothing new
                recovered = true;
                if (auto s = applyKeg(dbId, k); !s)
                    return s;
            }
            return holes && filled ? m_cache.setHoles(dbId, *holes) : Status(Ok{});
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
            return syncKegs(dbId, [this] {
                checkPinLog();
                judgeRooms();
            });
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
