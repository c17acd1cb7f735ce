// Session: paged reads of a room's messages (session.h, "Paged reads"). Views of a big room
// need its newest page, older pages on demand, what arrived since they last looked, and per
// room a preview and unread count — never the whole room. Each read selects a range of the
// room's order index (messages_order: db_id, server_order; rowid breaks ties), then fills in
// only those rows: bodies opened by the Vault, edits and deletions (messages_target index),
// receipts, delivery states. The row-to-view rules are those of Session::messages
// (messages.cpp), repeated here for a subset of rows rather than shared, so the two files
// can change independently; tst_engine_paging checks both give the same views.
#include "session.h"

#include "authorchains.h"
#include "crypto/securebytes.h"

namespace tavern::client {

namespace {

constexpr qint64 Max = std::numeric_limits<qint64>::max();

// Columns every range query selects, in this order.
const QString Columns =
    QStringLiteral("m.rowid, m.server_order, m.keg_id, m.author, m.counter, m.body, m.sent_ms, m.hash");

struct Raw
{
    Session::MessageSeq seq;
    MessageView view;
    QByteArray sealedBody;
    QByteArray hash;
};

Raw rawOf(const std::vector<QVariant> &r)
{
    Raw x;
    x.seq = {r[1].toLongLong(), r[0].toLongLong()};
    x.view.kegId = r[2].toByteArray();
    x.view.author = r[3].toString();
    x.view.counter = r[4].toULongLong();
    x.sealedBody = r[5].toByteArray();
    x.view.sentMs = r[6].toLongLong();
    x.hash = r[7].toByteArray();
    return x;
}

QString bodyOf(const storage::Vault &vault, const QByteArray &sealed)
{
    auto body = vault.open("message-body", sealed);
    return body ? QString::fromUtf8(*body) : QStringLiteral("(unreadable in the local cache)");
}

// The keg ids of a set of rows, as an SQL subquery (and its arguments) for the set-based
// look-ups below: one query each for edits, receipts and delivery, whatever the page size.
struct Keys
{
    QString sql;
    QVariantList args;
};

// Rows in the room's order between the first and last of `rows` (sorted), kind 0.
Keys seqRange(const QByteArray &roomId, const std::vector<Raw> &rows)
{
    return {
        QStringLiteral("SELECT keg_id FROM messages WHERE db_id = ? AND kind = 0 AND (server_order, rowid) >= (?, ?) "
                       "AND (server_order, rowid) <= (?, ?)"),
        {roomId, rows.front().seq.order, rows.front().seq.row, rows.back().seq.order, rows.back().seq.row}};
}

// Turns raw rows (any order) into views as Session::messages makes them, in the room's order
// with each author's messages in counter order within these rows. `keys` selects (at least)
// these rows' keg ids.
QList<MessageView> finish(storage::Cache &cache, const storage::Vault &vault, const QString &me,
                          const QByteArray &roomId, std::vector<Raw> &rows, QList<Session::MessageSeq> *seqs,
                          std::optional<Keys> keys = std::nullopt)
{
    if (seqs)
        seqs->clear();
    if (rows.empty())
        return {};
    std::sort(rows.begin(), rows.end(), [](const Raw &a, const Raw &b) { return a.seq < b.seq; });
    if (!keys)
        keys = seqRange(roomId, rows);
    QHash<QByteArray, qsizetype> index;
    bool own = false;
    for (qsizetype i = 0; i < qsizetype(rows.size()); ++i) {
        Raw &r = rows[std::size_t(i)];
        r.view.body = bodyOf(vault, r.sealedBody);
        index.insert(r.view.kegId, i);
        own = own || r.view.author == me;
    }
    // Delivery: only own messages went through this device's outbox (read only when these
    // rows hold one; the newest item of a keg counts).
    if (own) {
        QVariantList args{roomId};
        args += keys->args;
        if (auto o =
                cache.select(QStringLiteral("SELECT keg_id, state, error FROM outbox WHERE db_id = ? AND keg_id IN "
                                            "(%1) ORDER BY id")
                                 .arg(keys->sql),
                             args)) {
            for (const auto &item : *o) {
                const auto it = index.constFind(item[0].toByteArray());
                if (it == index.constEnd() || rows[std::size_t(*it)].view.author != me)
                    continue;
                MessageView &v = rows[std::size_t(*it)].view;
                const auto state = storage::OutboxState(item[1].toInt());
                v.delivery = state == storage::OutboxState::Queued   ? MessageView::Delivery::Queued
                             : state == storage::OutboxState::Failed ? MessageView::Delivery::Failed
                                                                     : MessageView::Delivery::Sent;
                v.error = item[2].toString();
            }
        }
    }
    // Edits and deletions naming these messages (kinds 1-3; 9 = refused), in stored order
    // like messages(): the author's newest edit wins. (No ORDER BY: it would make SQLite walk
    // the room's order index instead of the target index; the few rows are sorted here.)
    {
        QVariantList args{roomId};
        args += keys->args;
        auto changes =
            cache.select(QStringLiteral("SELECT target, author, counter, kind, body, server_order, rowid FROM "
                                        "messages WHERE db_id = ? AND kind IN (1, 2, 3) AND target IN (%1)")
                             .arg(keys->sql),
                         args);
        if (changes && !changes->empty()) {
            std::sort(changes->begin(), changes->end(), [](const auto &x, const auto &y) {
                return std::pair(x[5].toLongLong(), x[6].toLongLong())
                       < std::pair(y[5].toLongLong(), y[6].toLongLong());
            });
            QHash<QByteArray, quint64> newestEdit;
            for (const auto &c : *changes) {
                const auto it = index.constFind(c[0].toByteArray());
                if (it == index.constEnd())
                    continue;
                MessageView &v = rows[std::size_t(*it)].view;
                const QString author = c[1].toString();
                const int kind = c[3].toInt();
                if (kind == 3 || (kind == 2 && author == v.author)) {
                    v.deleted = true;
                } else if (kind == 1 && author == v.author && c[2].toULongLong() > newestEdit.value(v.kegId)) {
                    newestEdit.insert(v.kegId, c[2].toULongLong());
                    v.body = bodyOf(vault, c[4].toByteArray());
                    v.edited = true;
                }
            }
            for (auto &r : rows) {
                if (r.view.deleted)
                    r.view.body.clear();
            }
        }
    }
    {
        QVariantList args{roomId};
        args += keys->args;
        if (auto receipts = cache.select(QStringLiteral("SELECT target, reader, hash FROM receipts WHERE db_id = ? AND "
                                                        "target IN (%1) ORDER BY reader")
                                             .arg(keys->sql),
                                         args)) {
            for (const auto &rc : *receipts) {
                const auto it = index.constFind(rc[0].toByteArray());
                if (it == index.constEnd())
                    continue;
                Raw &r = rows[std::size_t(*it)];
                if (rc[1].toString() != r.view.author && crypto::constantTimeEquals(rc[2].toByteArray(), r.hash))
                    r.view.readBy.append(rc[1].toString());
            }
        }
    }
    // Each author's messages in their own counter order (A12), in the slots these rows give.
    QList<TimelineItem> order;
    order.reserve(qsizetype(rows.size()));
    for (const auto &r : rows)
        order.append({r.view.author, r.view.counter});
    QList<MessageView> out;
    out.reserve(qsizetype(rows.size()));
    const QList<int> ordered = authorOrdered(order);
    for (qsizetype slot = 0; slot < ordered.size(); ++slot) {
        out.append(rows[std::size_t(ordered[slot])].view);
        if (seqs)
            seqs->append(rows[std::size_t(slot)].seq); // the slot's place
    }
    return out;
}

} // namespace

qint64 Session::lastMessageRow()
{
    auto r = m_cache.select(QStringLiteral("SELECT MAX(rowid) FROM messages"));
    return r && !r->empty() ? r->front()[0].toLongLong() : 0;
}

Session::MessagePage Session::messagesPage(const QByteArray &roomId, MessageSeq before, int limit)
{
    MessagePage page;
    page.lastRow = lastMessageRow();
    if (limit <= 0)
        return page;
    // One more than asked: it tells whether older messages exist, and what came just before.
    auto rows = m_cache.select(QStringLiteral("SELECT %1 FROM messages m WHERE m.db_id = ? AND m.kind = 0 AND "
                                              "(m.server_order, m.rowid) < (?, ?) "
                                              "ORDER BY m.server_order DESC, m.rowid DESC LIMIT ?")
                                   .arg(Columns),
                               {roomId, before.order, before.row, limit + 1});
    if (!rows)
        return page;
    std::vector<Raw> raw;
    for (const auto &r : *rows)
        raw.push_back(rawOf(r));
    if (int(raw.size()) > limit) {
        Raw prev = raw.back();
        raw.pop_back();
        page.previous = prev.view; // body not opened
    }
    page.messages = finish(m_cache, m_vault, username(), roomId, raw, &page.seqs);
    return page;
}

Session::MessagePage Session::messagesFrom(const QByteArray &roomId, MessageSeq from)
{
    MessagePage page;
    page.lastRow = lastMessageRow();
    auto rows = m_cache.select(QStringLiteral("SELECT %1 FROM messages m WHERE m.db_id = ? AND m.kind = 0 AND "
                                              "(m.server_order, m.rowid) >= (?, ?) ORDER BY m.server_order, m.rowid")
                                   .arg(Columns),
                               {roomId, from.order, from.row});
    if (!rows)
        return page;
    std::vector<Raw> raw;
    for (const auto &r : *rows)
        raw.push_back(rawOf(r));
    page.messages = finish(m_cache, m_vault, username(), roomId, raw, &page.seqs);
    auto prev = m_cache.select(QStringLiteral("SELECT %1 FROM messages m WHERE m.db_id = ? AND m.kind = 0 AND "
                                              "(m.server_order, m.rowid) < (?, ?) "
                                              "ORDER BY m.server_order DESC, m.rowid DESC LIMIT 1")
                                   .arg(Columns),
                               {roomId, from.order, from.row});
    if (prev && !prev->empty())
        page.previous = rawOf(prev->front()).view; // body not opened
    return page;
}

Session::MessagePage Session::messagesSince(const QByteArray &roomId, qint64 afterRow)
{
    MessagePage page;
    page.lastRow = lastMessageRow();
    if (page.lastRow <= afterRow)
        return page;
    // New rows of every room come after afterRow (rowids only grow: messages are never
    // deleted); a rowid range read, not a scan of the room.
    auto rows = m_cache.select(QStringLiteral("SELECT %1, m.kind, m.target FROM messages m WHERE m.rowid > ? AND "
                                              "m.rowid <= ? AND +m.db_id = ?") // + : by rowid, not the room's index
                                   .arg(Columns),
                               {afterRow, page.lastRow, roomId});
    if (!rows)
        return page;
    std::vector<Raw> raw;
    for (const auto &r : *rows) {
        const int kind = r[8].toInt();
        if (kind == 0)
            raw.push_back(rawOf(r));
        else if (kind != 9)
            page.changed.insert(r[9].toByteArray());
    }
    for (const auto &r : raw)
        page.changed.remove(r.view.kegId);
    // The new rows need not be contiguous in the room's order (an own message still unsent
    // sorts last): their keys by the same rowid range.
    page.messages = finish(m_cache, m_vault, username(), roomId, raw, &page.seqs,
                           Keys{QStringLiteral("SELECT keg_id FROM messages WHERE rowid > ? AND rowid <= ? AND "
                                               "+db_id = ? AND kind = 0"),
                                {afterRow, page.lastRow, roomId}});
    return page;
}

std::optional<MessageView> Session::lastMessage(const QByteArray &roomId)
{
    auto rows = m_cache.select(QStringLiteral("SELECT %1 FROM messages m WHERE m.db_id = ? AND m.kind = 0 "
                                              "ORDER BY m.server_order DESC, m.rowid DESC LIMIT 1")
                                   .arg(Columns),
                               {roomId});
    if (!rows || rows->empty())
        return std::nullopt;
    std::vector<Raw> raw{rawOf(rows->front())};
    return finish(m_cache, m_vault, username(), roomId, raw, nullptr).value(0);
}

namespace {
// The place of `kegId` among the room's messages, or the room's start when it isn't one.
Session::MessageSeq placeOf(storage::Cache &cache, const QByteArray &roomId, const QByteArray &kegId)
{
    if (!kegId.isEmpty()) {
        auto r = cache.select(QStringLiteral("SELECT server_order, rowid FROM messages WHERE db_id = ? AND keg_id = ? "
                                             "AND kind = 0"),
                              {roomId, kegId});
        if (r && !r->empty())
            return {r->front()[0].toLongLong(), r->front()[1].toLongLong()};
    }
    return {std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::min()};
}
} // namespace

std::optional<Session::MessageSeq> Session::messageSeq(const QByteArray &roomId, const QByteArray &kegId)
{
    const MessageSeq at = placeOf(m_cache, roomId, kegId);
    if (at.order == std::numeric_limits<qint64>::min())
        return std::nullopt;
    return at;
}

int Session::messageCount(const QByteArray &roomId, const QByteArray &afterKegId, const QString &notBy)
{
    const MessageSeq after = placeOf(m_cache, roomId, afterKegId);
    auto r = m_cache.select(QStringLiteral("SELECT COUNT(*) FROM messages m WHERE m.db_id = ? AND m.kind = 0 AND "
                                           "(m.server_order, m.rowid) > (?, ?) AND m.author <> ?"),
                            {roomId, after.order, after.row, notBy.isNull() ? QString(QChar(0)) : notBy});
    return r && !r->empty() ? r->front()[0].toInt() : 0;
}

QList<MessageView> Session::messagesAfter(const QByteArray &roomId, const QByteArray &afterKegId, const QString &notBy,
                                          int limit)
{
    const MessageSeq after = placeOf(m_cache, roomId, afterKegId);
    auto rows = m_cache.select(QStringLiteral("SELECT %1 FROM messages m WHERE m.db_id = ? AND m.kind = 0 AND "
                                              "(m.server_order, m.rowid) > (?, ?) AND m.author <> ? "
                                              "ORDER BY m.server_order DESC, m.rowid DESC LIMIT ?")
                                   .arg(Columns),
                               {roomId, after.order, after.row, notBy.isNull() ? QString(QChar(0)) : notBy, limit});
    if (!rows)
        return {};
    std::vector<Raw> raw;
    for (const auto &r : *rows)
        raw.push_back(rawOf(r));
    return finish(m_cache, m_vault, username(), roomId, raw, nullptr);
}

} // namespace tavern::client
