// Session: the outbox. Every outgoing change is stored first and sent in order; a message is
// retried with the same keg bytes until acknowledged, a room change with the same version
// bytes while it fits the head, and rebuilt on the newest head when another member's change
// won the race.
#include "session.h"

#include "protocol/boundedcbor.h"
#include "protocol/ops.h"

#include <QCborValue>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

namespace tavern::client {

namespace {
constexpr int MaxConflicts = 5;

bool transient(int code)
{
    using protocol::ErrorCode;
    return code >= int(LinkError::Disconnected) || code == int(ErrorCode::Internal)
           || code == int(ErrorCode::RateLimited) || code == int(ErrorCode::ShuttingDown);
}
} // namespace

Status Session::enqueue(const QByteArray &dbId, const QByteArray &kegId, const QString &op, const QCborMap &payload)
{
    storage::OutboxItem item;
    item.dbId = dbId;
    item.kegId = kegId;
    item.op = op;
    item.payload = payload.toCborValue().toCbor();
    auto id = m_cache.enqueue(item);
    if (!id)
        return id.error();
    Q_EMIT outboxChanged();
    QTimer::singleShot(0, this, &Session::pumpOutbox);
    return Ok{};
}

void Session::pumpOutbox()
{
    // Not while (re)syncing: a queued message takes its counter from the author chain as
    // this device knows it, which must include what the account's other devices sent meanwhile.
    if (m_pumping || m_conn->state() != Connection::State::Ready || !m_synced || m_syncing)
        return;
    // After a busy answer the item waits its second, whoever asks to pump (flushOutbox asks
    // on every outbox change): retrying at once is a flood a rate-limiting server closes.
    if (QDateTime::currentMSecsSinceEpoch() < m_outboxRetryAt)
        return;
    auto pending = m_cache.outbox(true);
    if (!pending || pending->empty())
        return;
    // Items of a room the guard holds wait (roomguard.h); the others go out in order.
    const auto next = std::find_if(pending->begin(), pending->end(),
                                   [this](const storage::OutboxItem &i) { return !m_guard.blocks(i.dbId, i.op); });
    if (next == pending->end())
        return;
    m_pumping = true;
    sendItem(*next, [this](bool stop) {
        m_pumping = false;
        Q_EMIT outboxChanged();
        if (!stop)
            pumpOutbox();
    });
}

void Session::sendItem(const storage::OutboxItem &item, std::function<void(bool stop)> done)
{
    // Bounded decode even of our own cache: a damaged file must not crash the client.
    auto decoded = protocol::decodeBoundedCbor(item.payload, protocol::CborLimits{});
    if (!decoded || !decoded->isMap()) {
        (void)m_cache.setOutboxState(item.id, storage::OutboxState::Failed,
                                     QStringLiteral("the queued change is damaged in the local cache"));
        return done(false);
    }
    QCborMap payload = decoded->toMap();
    if (item.op == protocol::op::KegPut && payload.contains(QStringLiteral("post"))) {
        // A message typed earlier: numbered and sealed now that this device has caught up.
        auto sealed = sealQueued(item, int(payload.value(QStringLiteral("post")).toInteger()));
        if (!sealed) {
            if (sealed.code() == int(SessionError::Busy))
                return done(true); // the cache is busy: try again on the next pump
            (void)m_cache.setOutboxState(item.id, storage::OutboxState::Failed, sealed.error().message);
            Q_EMIT messagesChanged(item.dbId);
            return done(false);
        }
        payload = std::move(*sealed);
    }
    const bool edit = item.op == protocol::op::BootKegPut;
    if (edit) {
        // The version sent last time, if any: sent again byte for byte while it still fits
        // the head (the server answers a duplicate if it stored it), done if the room already
        // holds it (stored, but the answer was lost to a crash or a dropped link).
        auto sent = keg::SignedBootKeg::decode(payload.value(QStringLiteral("built")).toByteArray());
        RoomState *room = roomFor(item.dbId);
        const bool known = sent && room && room->started();
        if (known && room->hashAt(sent->version().version) == sent->hash()) {
            (void)m_cache.setOutboxState(item.id, storage::OutboxState::Sent);
            return done(false);
        }
        if (known && sent->version().version == room->head().version().version + 1) {
            payload = QCborMap{{QStringLiteral("dbId"), item.dbId}, {QStringLiteral("version"), sent->encode()}};
        } else {
            auto built = buildBootKegEdit(payload);
            if (!built && built.code() == int(SessionError::Busy))
                return done(true); // held meanwhile: kept queued
            if (!built) {
                (void)m_cache.setOutboxState(item.id, storage::OutboxState::Failed, built.error().message);
                return done(false);
            }
            if (built->isEmpty()) { // the change is already in the room (made by another member)
                (void)m_cache.setOutboxState(item.id, storage::OutboxState::Sent);
                return done(false);
            }
            // Stored before it goes out, so that a retry sends these very bytes.
            payload.insert(QStringLiteral("built"), built->value(QStringLiteral("version")));
            if (auto r = m_cache.exec(QStringLiteral("UPDATE outbox SET payload = ? WHERE id = ?"),
                                      {payload.toCborValue().toCbor(), item.id});
                !r)
                return done(true);
            payload = *built;
        }
    }
    m_conn->request(item.op, payload, [this, item, payload, edit, done](Result<QCborMap> r) {
        if (r) {
            if (edit) {
                auto v = keg::SignedBootKeg::decode(payload.value(QStringLiteral("version")).toByteArray());
                RoomState *room = roomFor(item.dbId);
                if (v && room && v->version().version == room->head().version().version + 1
                    && applyVersion(*room, *v).ok())
                    rejudgeHeld(item.dbId);
                Q_EMIT roomChanged(item.dbId);
            }
            (void)m_cache.setOutboxState(item.id, storage::OutboxState::Sent);
            if (edit || item.op == protocol::op::RoomCreate)
                syncKegs(item.dbId, [] {});
            return done(false);
        }
        if (transient(r.code())) {
            // Kept queued; sent again (same bytes) after the next reconnect, or after a short
            // wait when the link is still up (a busy server, an answer that timed out).
            if (r.code() != int(LinkError::Disconnected) && r.code() != int(LinkError::NotReady)) {
                m_outboxRetryAt = QDateTime::currentMSecsSinceEpoch() + 1000;
                QTimer::singleShot(1000, this, &Session::pumpOutbox);
            }
            return done(true);
        }
        if (edit && r.code() == int(protocol::ErrorCode::Conflict) && item.attempts < MaxConflicts) {
            // Another member's change landed first: catch up, then rebuild on the new head.
            (void)m_cache.exec(QStringLiteral("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?"), {item.id});
            return syncChain(item.dbId, [done] { done(false); });
        }
        (void)m_cache.setOutboxState(item.id, storage::OutboxState::Failed, r.error().message);
        addNotice(item.dbId, QStringLiteral("send-failed"),
                  QStringLiteral("The server refused a change: %1").arg(r.error().message), item.op);
        done(false);
    });
}

bool Session::flushOutbox(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        auto pending = m_cache.outbox(true);
        if (pending && pending->empty() && !m_pumping)
            return true;
        pumpOutbox();
        QEventLoop loop;
        connect(this, &Session::outboxChanged, &loop, &QEventLoop::quit);
        QTimer::singleShot(200, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return false;
}

} // namespace tavern::client
