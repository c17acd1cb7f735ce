#include "kegservice.h"

#include "access.h"
#include "common/username.h"
#include "keg/keg.h"
#include "protocol/cborwriter.h"
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
const QString KKegId = QStringLiteral("kegId");
const QString KKegs = QStringLiteral("kegs");

QString kindName(DbKind k)
{
    switch (k) {
    case DbKind::Personal: return QStringLiteral("personal");
    case DbKind::Dm: return QStringLiteral("dm");
    case DbKind::Room: return QStringLiteral("room");
    }
    return {};
}

Error conflict(const QString &why, const KegRecord &stored)
{
    return makeError(ErrorCode::Conflict, QStringLiteral("%1 (stored version %2)").arg(why).arg(stored.version));
}

// Stores one keg inside the transaction; `out` receives what was stored (or found stored).
Status putOne(Store &s, const QByteArray &dbId, const keg::Keg &k, const QByteArray &bytes, const QString &uploader,
              KegRecord &out, bool &duplicate)
{
    duplicate = false;
    if (k.version == 1) {
        // Insert first: a new keg (the common case) costs one statement; the stored one is
        // looked up only when the keg id is taken already.
        auto cv = s.nextCollectionVersion(dbId);
        if (!cv)
            return internalError(cv.error());
        out = KegRecord{dbId, k.kegId, k.version, uploader, int(k.type), *cv, false, bytes};
        auto inserted = s.insertKegIfAbsent(out);
        if (!inserted)
            return internalError(inserted.error());
        if (*inserted)
            return Ok{};
        s.giveBackCollectionVersion(dbId, *cv);
    }
    auto existing = s.keg(dbId, k.kegId);
    if (!existing)
        return internalError(existing.error());
    if (*existing) {
        const KegRecord &old = **existing;
        // The same keg id and bytes again: a retry whose ack was lost. Same answer, no copy.
        if (!old.deleted && old.version == k.version && old.data == bytes) {
            out = old;
            duplicate = true;
            return Ok{};
        }
        if (old.deleted)
            return conflict(QStringLiteral("keg was deleted"), old);
        if (k.version != old.version + 1)
            return conflict(QStringLiteral("stale or skipped version %1").arg(k.version), old);
        if (old.author != uploader)
            return makeError(ErrorCode::Forbidden, QStringLiteral("only %1 may update this keg").arg(old.author));
    } else if (k.version != 1) {
        return makeError(ErrorCode::Conflict, QStringLiteral("a new keg starts at version 1, not %1").arg(k.version));
    } else {
        return makeError(ErrorCode::Internal, QStringLiteral("keg neither inserted nor found"));
    }
    auto cv = s.nextCollectionVersion(dbId);
    if (!cv)
        return internalError(cv.error());
    out = KegRecord{dbId, k.kegId, k.version, uploader, int(k.type), *cv, false, bytes};
    const Status r = s.updateKeg(out);
    return r ? r : Status(internalError(r.error()));
}
} // namespace

QCborMap kegToCbor(const KegRecord &k)
{
    QCborMap m;
    m.insert(KKegId, k.kegId);
    m.insert(QStringLiteral("version"), qint64(k.version));
    m.insert(QStringLiteral("collectionVersion"), qint64(k.collectionVersion));
    m.insert(QStringLiteral("author"), k.author);
    m.insert(QStringLiteral("deleted"), k.deleted);
    if (!k.deleted)
        m.insert(QStringLiteral("data"), k.data);
    return m;
}

void KegService::addRoutes(Routes &r)
{
    using namespace std::placeholders;
    r.insert(protocol::op::DbList, {false, std::bind(&KegService::listDbs, this, _1, _2)});
    r.insert(protocol::op::DmCreate, {false, std::bind(&KegService::createDm, this, _1, _2)});
    r.insert(protocol::op::KegPut, {false, std::bind(&KegService::put, this, _1, _2)});
    r.insert(protocol::op::KegGet, {false, std::bind(&KegService::get, this, _1, _2)});
    r.insert(protocol::op::KegList, {false, std::bind(&KegService::list, this, _1, _2)});
    r.insert(protocol::op::KegDelete, {false, std::bind(&KegService::remove, this, _1, _2)});
}

void KegService::listDbs(Connection &c, const Frame &req)
{
    auto dbs = m_s.store.dbsOf(c.username());
    if (!dbs)
        return c.fail(req, internalError(dbs.error()));
    QCborArray out;
    for (const DbRecord &d : *dbs) {
        QCborMap m;
        m.insert(KDbId, d.dbId);
        m.insert(QStringLiteral("kind"), kindName(d.kind));
        m.insert(QStringLiteral("collectionVersion"), qint64(d.collectionVersion));
        if (d.kind == DbKind::Dm)
            m.insert(QStringLiteral("peer"), d.owner == c.username() ? d.peer : d.owner);
        out.append(m);
    }
    QCborMap body;
    body.insert(QStringLiteral("dbs"), out);
    c.reply(req, body);
}

void KegService::createDm(Connection &c, const Frame &req)
{
    auto raw = protocol::textField(req.body, QStringLiteral("peer"), 256);
    if (!raw)
        return c.fail(req, raw.error());
    auto peer = normalizeUsername(*raw);
    if (!peer)
        return c.fail(req, ErrorCode::BadUsername, peer.error().message);
    if (*peer == c.username())
        return c.fail(req, ErrorCode::BadRequest, QStringLiteral("a DM needs another user"));
    const QString me = c.username();
    const DbRecord dm{keg::dmDbId(me, *peer), DbKind::Dm, std::min(me, *peer), std::max(me, *peer), 0};
    QPointer<Connection> conn(&c);
    m_s.committer.submit(
        [dm, peerName = *peer](Store &s) -> Status {
            auto user = s.user(peerName);
            if (!user)
                return internalError(user.error());
            if (!*user)
                return makeError(ErrorCode::UnknownUser, QStringLiteral("no user %1").arg(peerName));
            auto existing = s.db(dm.dbId);
            if (!existing)
                return internalError(existing.error());
            if (*existing)
                return Ok{}; // either side may create it; the second call finds it
            auto r = s.insertDb(dm);
            return r ? r : Status(internalError(r.error()));
        },
        [conn, req, dm](const Status &r) {
            if (!conn)
                return;
            if (!r)
                return conn->fail(req, r.error());
            QCborMap body;
            body.insert(KDbId, dm.dbId);
            conn->reply(req, body);
        });
}

void KegService::put(Connection &c, const Frame &req)
{
    // A keg.put of the usual shape was read straight from the frame (protocol/kegputframe.h):
    // the same rules, without a QCborMap.
    const std::optional<protocol::KegPutBody> &fast = req.kegPut;
    auto dbId = fast ? protocol::checkBytes(KDbId, fast->dbId, keg::DbIdBytes, keg::DbIdBytes)
                     : protocol::bytesField(req.body, KDbId, keg::DbIdBytes, keg::DbIdBytes);
    if (!dbId)
        return c.fail(req, dbId.error());
    const int maxKegs = m_s.config.limits.maxKegsPerRequest;
    const QCborValue list = fast ? QCborValue() : req.body.value(KKegs);
    if ((fast ? fast->kegs.size() : list.isArray() ? list.toArray().size() : 0) > maxKegs)
        return c.fail(req, ErrorCode::TooManyKegs, QStringLiteral("at most %1 kegs per request").arg(maxKegs));
    const qsizetype maxBytes = m_s.config.limits.maxFrameBytes;
    auto blobs = fast ? protocol::checkBytesList(KKegs, fast->kegs, maxKegs, 1, maxBytes)
                      : protocol::bytesListField(req.body, KKegs, maxKegs, 1, maxBytes);
    if (!blobs)
        return c.fail(req, blobs.error());
    if (blobs->isEmpty())
        return c.fail(req, ErrorCode::BadRequest, QStringLiteral("\"kegs\" is empty"));
    // Decoded before the transaction: bad input never reaches storage.
    auto kegs = std::make_shared<std::vector<keg::Keg>>();
    bool onlyReceipts = true;
    for (qsizetype i = 0; i < blobs->size(); ++i) {
        auto k = keg::decodeKeg(blobs->at(i));
        if (!k)
            return c.fail(req, ErrorCode::BadKeg, QStringLiteral("keg %1: %2").arg(i).arg(k.error().message));
        if (k->dbId != *dbId)
            return c.fail(req, ErrorCode::BadKeg, QStringLiteral("keg %1 names another KegDB").arg(i));
        if (k->author != c.username())
            return c.fail(req, ErrorCode::BadKeg,
                          QStringLiteral("keg %1 names %2 as author; you are %3").arg(i).arg(k->author, c.username()));
        onlyReceipts = onlyReceipts && k->type == keg::KegType::Receipt;
        kegs->push_back(std::move(*k));
    }
    auto access = checkAccess(m_s.store, *dbId, c.username(), onlyReceipts ? AccessNeed::Read : AccessNeed::Write);
    if (!access)
        return c.fail(req, access.error());

    auto stored = std::make_shared<std::vector<KegRecord>>();
    auto fresh = std::make_shared<std::vector<bool>>();
    QPointer<Connection> conn(&c);
    const QString user = c.username();
    m_s.committer.submit(
        [kegs, blobs = *blobs, dbId = *dbId, user, stored, fresh](Store &s) -> Status {
            // Access again inside the transaction: a removal may have committed in between.
            if (auto a = checkAccess(s, dbId, user, AccessNeed::Read); !a)
                return a.error();
            for (std::size_t i = 0; i < kegs->size(); ++i) {
                KegRecord rec;
                bool dup = false;
                if (auto r = putOne(s, dbId, (*kegs)[i], blobs[qsizetype(i)], user, rec, dup); !r) {
                    QString msg = QStringLiteral("keg %1: %2").arg(i).arg(r.error().message);
                    return Error{r.error().code, msg};
                }
                stored->push_back(rec);
                fresh->push_back(!dup);
            }
            return Ok{};
        },
        [this, conn, req, dbId = *dbId, stored, fresh](const Status &r) {
            if (r) {
                std::vector<KegRecord> pushed;
                for (std::size_t i = 0; i < stored->size(); ++i) {
                    if ((*fresh)[i])
                        pushed.push_back((*stored)[i]);
                }
                pushKegs(dbId, pushed, conn.data());
            }
            if (!conn)
                return;
            if (!r)
                return conn->fail(req, r.error());
            // Encoded directly: every keg.put is answered with this body.
            protocol::CborWriter w(32 + 64 * qsizetype(stored->size()));
            w.map(1);
            w.key(QLatin1StringView("results"));
            w.array(stored->size());
            for (std::size_t i = 0; i < stored->size(); ++i) {
                w.map(4);
                w.key(QLatin1StringView("kegId"));
                w.bytes((*stored)[i].kegId);
                w.key(QLatin1StringView("version"));
                w.uint((*stored)[i].version);
                w.key(QLatin1StringView("collectionVersion"));
                w.uint((*stored)[i].collectionVersion);
                w.key(QLatin1StringView("duplicate"));
                w.boolean(!(*fresh)[i]);
            }
            conn->replyEncoded(req, w.take());
        },
        // One keg: at most one statement changes rows (the INSERT, or the UPDATE of an
        // existing keg), so the job needs no savepoint.
        kegs->size() == 1);
}

void KegService::remove(Connection &c, const Frame &req)
{
    auto dbId = protocol::bytesField(req.body, KDbId, keg::DbIdBytes, keg::DbIdBytes);
    auto kegId = protocol::bytesField(req.body, KKegId, keg::KegIdBytes, keg::KegIdBytes);
    auto version =
        protocol::requiredUintField(req.body, QStringLiteral("version"), std::numeric_limits<qint64>::max() - 1);
    if (!dbId || !kegId || !version)
        return c.fail(req, !dbId ? dbId.error() : !kegId ? kegId.error() : version.error());
    if (auto a = checkAccess(m_s.store, *dbId, c.username(), AccessNeed::Write); !a)
        return c.fail(req, a.error());
    auto stored = std::make_shared<KegRecord>();
    auto fresh = std::make_shared<bool>(true);
    QPointer<Connection> conn(&c);
    m_s.committer.submit(
        [dbId = *dbId, kegId = *kegId, version = *version, user = c.username(), stored, fresh](Store &s) -> Status {
            if (auto a = checkAccess(s, dbId, user, AccessNeed::Write); !a)
                return a.error();
            auto existing = s.keg(dbId, kegId);
            if (!existing)
                return internalError(existing.error());
            if (!*existing)
                return makeError(ErrorCode::NotFound, QStringLiteral("no such keg"));
            KegRecord k = **existing;
            // Deleting again what this request already deleted: the retry of a lost ack.
            if (k.deleted && k.version == version + 1) {
                *stored = k;
                *fresh = false;
                return Ok{};
            }
            if (k.deleted || k.version != version)
                return conflict(QStringLiteral("keg changed since version %1").arg(version), k);
            if (k.author != user)
                return makeError(ErrorCode::Forbidden, QStringLiteral("only %1 may delete this keg").arg(k.author));
            auto cv = s.nextCollectionVersion(dbId);
            if (!cv)
                return internalError(cv.error());
            k.version += 1;
            k.collectionVersion = *cv;
            k.deleted = true;
            k.data.clear();
            if (auto r = s.updateKeg(k); !r)
                return internalError(r.error());
            *stored = k;
            return Ok{};
        },
        [this, conn, req, stored, fresh](const Status &r) {
            if (r && *fresh)
                pushKegs(stored->dbId, {*stored}, conn.data());
            if (!conn)
                return;
            if (!r)
                return conn->fail(req, r.error());
            QCborMap body;
            body.insert(QStringLiteral("version"), qint64(stored->version));
            body.insert(QStringLiteral("collectionVersion"), qint64(stored->collectionVersion));
            conn->reply(req, body);
        },
        true); // one UPDATE is its only write: no savepoint needed
}

} // namespace tavern::server
