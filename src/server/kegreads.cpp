// KegService, read side: keg.get, keg.list (the sync cursor) and the "keg" push.
#include "access.h"
#include "kegservice.h"

#include "keg/keg.h"
#include "protocol/cborwriter.h"
#include "protocol/fields.h"
#include "protocol/ops.h"

#include <QCborArray>

namespace tavern::server {

using protocol::ErrorCode;
using protocol::Frame;

void KegService::get(Connection &c, const Frame &req)
{
    auto dbId = protocol::bytesField(req.body, QStringLiteral("dbId"), keg::DbIdBytes, keg::DbIdBytes);
    if (!dbId)
        return c.fail(req, dbId.error());
    const int maxKegs = m_s.config.limits.maxKegsPerRequest;
    const QCborValue ids = req.body.value(QStringLiteral("kegIds"));
    if (ids.isArray() && ids.toArray().size() > maxKegs)
        return c.fail(req, ErrorCode::TooManyKegs, QStringLiteral("at most %1 kegs per request").arg(maxKegs));
    auto kegIds =
        protocol::bytesListField(req.body, QStringLiteral("kegIds"), maxKegs, keg::KegIdBytes, keg::KegIdBytes);
    if (!kegIds)
        return c.fail(req, kegIds.error());
    if (auto a = checkAccess(m_s.store, *dbId, c.username(), AccessNeed::Read); !a)
        return c.fail(req, a.error());
    QCborArray out;
    qsizetype bytes = 0;
    bool truncated = false;
    for (const QByteArray &id : *kegIds) {
        auto k = m_s.store.keg(*dbId, id);
        if (!k)
            return c.fail(req, internalError(k.error()));
        if (!*k)
            continue;
        // Responses stay within the frame limit (one keg always fits on its own).
        bytes += (*k)->data.size();
        if (!out.isEmpty() && bytes > m_s.config.limits.maxFrameBytes) {
            truncated = true;
            break;
        }
        out.append(kegToCbor(**k));
    }
    QCborMap body;
    body.insert(QStringLiteral("kegs"), out);
    body.insert(QStringLiteral("truncated"), truncated);
    c.reply(req, body);
}

void KegService::list(Connection &c, const Frame &req)
{
    auto dbId = protocol::bytesField(req.body, QStringLiteral("dbId"), keg::DbIdBytes, keg::DbIdBytes);
    if (!dbId)
        return c.fail(req, dbId.error());
    const quint64 maxSince = quint64(std::numeric_limits<qint64>::max());
    auto since = protocol::uintField(req.body, QStringLiteral("since"), 0, maxSince);
    auto limit =
        protocol::uintField(req.body, QStringLiteral("limit"), quint64(m_s.config.limits.maxPageSize), maxSince);
    if (!since || !limit)
        return c.fail(req, since ? limit.error() : since.error());
    if (auto a = checkAccess(m_s.store, *dbId, c.username(), AccessNeed::Read); !a)
        return c.fail(req, a.error());
    const int page = int(std::clamp<quint64>(*limit, 1, quint64(m_s.config.limits.maxPageSize)));
    // One more than the page tells whether more follow without a COUNT query.
    auto kegs = m_s.store.kegsSince(*dbId, *since, page + 1);
    if (!kegs)
        return c.fail(req, internalError(kegs.error()));
    bool more = int(kegs->size()) > page;
    if (more)
        kegs->pop_back();
    // A page also stops at the frame limit, so a response always fits in one frame.
    qsizetype bytes = 0;
    for (std::size_t i = 0; i < kegs->size(); ++i) {
        bytes += (*kegs)[i].data.size();
        if (i > 0 && bytes > m_s.config.limits.maxFrameBytes) {
            kegs->resize(i);
            more = true;
            break;
        }
    }
    QCborArray out;
    for (const KegRecord &k : *kegs)
        out.append(kegToCbor(k));
    QCborMap body;
    body.insert(QStringLiteral("kegs"), out);
    body.insert(QStringLiteral("next"), qint64(kegs->empty() ? *since : kegs->back().collectionVersion));
    body.insert(QStringLiteral("more"), more);
    c.reply(req, body);
}

void KegService::pushKegs(const QByteArray &dbId, const std::vector<KegRecord> &kegs, const Connection *origin)
{
    if (kegs.empty())
        return;
    auto db = m_s.store.db(dbId);
    if (!db || !*db)
        return;
    auto users = recipients(m_s.store, **db);
    if (!users || !m_s.hub.anyOnline(*users, origin))
        return;
    // Encoded once per keg (directly, no QCborMap) and the same bytes sent to every device.
    for (const KegRecord &k : kegs) {
        protocol::CborWriter w(k.data.size() + 160);
        w.map(k.deleted ? 6 : 7);
        w.key(QLatin1StringView("kegId"));
        w.bytes(k.kegId);
        w.key(QLatin1StringView("version"));
        w.uint(k.version);
        w.key(QLatin1StringView("collectionVersion"));
        w.uint(k.collectionVersion);
        w.key(QLatin1StringView("author"));
        w.text(k.author);
        w.key(QLatin1StringView("deleted"));
        w.boolean(k.deleted);
        if (!k.deleted) {
            w.key(QLatin1StringView("data"));
            w.bytes(k.data);
        }
        w.key(QLatin1StringView("dbId"));
        w.bytes(dbId);
        m_s.hub.pushEncoded(
            *users, protocol::encodeFrameWithBody(protocol::FrameType::Push, 0, protocol::push::Keg, w.take()), origin);
    }
}

} // namespace tavern::server
