// Session: every gap shows (protocol.md §5.3). The server numbers a KegDB's kegs from one
// counter without gaps, and Tavern writes every keg once, so a keg.list page must carry a keg
// at every collection version after the cursor up to its `next`. What a page skips is kept
// with the cursor (cache table `holes`), judged when the sync of that DB ends against what
// the kegs it served account for, reported as a "history-incomplete" notice naming the
// collection versions, and asked for once more at the end of the next sync.
#include "session.h"

#include "keg/keg.h"

#include <QCborArray>

namespace tavern::client {

namespace {
// What a keg entry accounts for besides its own place: a keg stored at version v left the
// v - 1 places its earlier versions held (the version its author signed, never more than the
// server claims); a tombstone the place of the keg it replaced. 0 for every keg Tavern writes.
quint64 vacated(const QCborMap &entry)
{
    const qint64 claimed = entry.value(QStringLiteral("version")).toInteger();
    if (entry.value(QStringLiteral("deleted")).toBool())
        return claimed > 1 ? 1 : 0;
    if (claimed <= 1)
        return 0;
    auto k = keg::decodeKeg(entry.value(QStringLiteral("data")).toByteArray());
    return k ? std::min(k->version, quint64(claimed)) - 1 : 0;
}

// The places accounted for by the kegs served since the last judgement (cache meta).
QString creditKey(const QByteArray &dbId)
{
    return QStringLiteral("holes.credit:") + hex(dbId);
}

QString ranges(const std::vector<storage::Hole> &holes)
{
    QStringList out;
    for (const storage::Hole &h : holes)
        out << (h.from == h.to ? QString::number(h.from) : QStringLiteral("%1-%2").arg(h.from).arg(h.to));
    return out.join(QStringLiteral(", "));
}
} // namespace

Status Session::recordHoles(const QByteArray &dbId, quint64 cursor, quint64 next, const QCborArray &kegs)
{
    std::vector<quint64> at;
    quint64 credit = 0;
    for (const QCborValue &v : kegs) {
        const QCborMap entry = v.toMap();
        const quint64 cv = quint64(entry.value(QStringLiteral("collectionVersion")).toInteger());
        if (cv > cursor && cv <= next) {
            at.push_back(cv);
            credit += vacated(entry);
        }
    }
    std::sort(at.begin(), at.end());
    // The page must start at cursor + 1 and skip nothing up to its `next` (a `next` beyond
    // its last keg skips the rest: a hole between this page and the next).
    quint64 expected = cursor + 1;
    for (quint64 cv : at) {
        if (cv > expected) {
            if (auto h = m_cache.addHole(dbId, expected, cv - 1); !h)
                return h;
        }
        expected = std::max(expected, cv + 1);
    }
    if (expected <= next) {
        if (auto h = m_cache.addHole(dbId, expected, next); !h)
            return h;
    }
    if (credit == 0)
        return Ok{};
    auto had = m_cache.meta(creditKey(dbId));
    if (!had)
        return had.error();
    const quint64 before = *had ? (*had)->toULongLong() : 0;
    return m_cache.setMeta(creditKey(dbId), QByteArray::number(before + credit));
}

void Session::judgeHoles(const QByteArray &dbId)
{
    auto all = m_cache.holes(dbId);
    if (!all)
        return;
    std::vector<storage::Hole> pending, kept;
    quint64 missing = 0;
    for (const storage::Hole &h : *all) {
        const bool judged = h.state != storage::Hole::Pending;
        (judged ? kept : pending).push_back(h);
        missing += judged ? 0 : h.to - h.from + 1;
    }
    auto had = m_cache.meta(creditKey(dbId));
    const quint64 credit = had && *had ? (*had)->toULongLong() : 0;
    if (pending.empty() && credit == 0)
        return;
    // Places left behind by rewritten kegs this sync served (never by Tavern's own kegs) are
    // an honest server's. Anything more is history the server held back. (Every keg that left
    // a place in this sync's range sits at or below its end, so this sync served it.)
    const bool withheld = missing > credit;
    if (withheld) {
        for (storage::Hole h : pending) {
            h.state = storage::Hole::Open;
            kept.push_back(h);
        }
        std::sort(kept.begin(), kept.end(), [](const auto &a, const auto &b) { return a.from < b.from; });
    }
    auto saved = m_cache.transaction([&]() -> Status {
        if (auto r = m_cache.setHoles(dbId, kept); !r)
            return r;
        return m_cache.setMeta(creditKey(dbId), QByteArray::number(0));
    });
    if (!saved || !withheld)
        return;
    auto cursor = m_cache.cursor(dbId);
    addNoticeOnce(dbId, QStringLiteral("history-incomplete"),
                  QStringLiteral("History is incomplete: the server skipped %1 entries of this conversation, "
                                 "so messages may be missing. Tavern asks for them once more.")
                      .arg(missing - credit),
                  QStringLiteral("collection versions %1 not served (listed up to %2)")
                      .arg(ranges(pending))
                      .arg(cursor ? *cursor : 0));
}

std::vector<storage::Hole> Session::takeHolesToAsk(const QByteArray &dbId)
{
    // Once, and only holes an earlier sync reported: a server that merely delayed a keg has
    // served it by now, and one that keeps withholding gets one more chance, not a loop.
    auto holes = m_cache.holes(dbId);
    std::vector<storage::Hole> asks;
    if (!holes)
        return asks;
    for (storage::Hole &h : *holes) {
        if (h.state == storage::Hole::Open) {
            h.state = storage::Hole::Asked;
            asks.push_back(h);
        }
    }
    if (!asks.empty() && !m_cache.setHoles(dbId, *holes))
        asks.clear();
    return asks;
}

void Session::askHolesWithin(const QByteArray &dbId, quint64 from, quint64 upTo, std::vector<storage::Hole> &asks)
{
    const auto within = [&](const storage::Hole &h) { return h.from > from && h.to <= upTo; };
    if (auto all = m_cache.holes(dbId)) {
        bool changed = false;
        for (storage::Hole &h : *all) {
            if (h.state == storage::Hole::Open && within(h)) {
                h.state = storage::Hole::Asked;
                changed = true;
            }
        }
        if (changed)
            (void)m_cache.setHoles(dbId, *all);
    }
    asks.erase(std::remove_if(asks.begin(), asks.end(), within), asks.end());
}

} // namespace tavern::client
