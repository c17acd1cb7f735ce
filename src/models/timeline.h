// Timeline: everything the conversation shows for one room, oldest first — the messages, the
// room's security notices at their time, "message missing" markers for gaps in an author's
// chain, and system lines (created, invited, joined, left, removed, roles, settings, new room
// keys) derived from the verified boot-keg chain in the cache. composeTimeline builds the rows
// of a window of the room (the newest messages from some point on, Session::messagesPage),
// given the message just before it: day labels and author groups come out as they would over
// the whole room, whichever pages the MessageModel has loaded.
#pragma once

#include "client/session.h"

#include <QList>
#include <QString>

namespace tavern::ui {

struct TimelineRow
{
    QString key;  // unique in the room: keg id hex for messages, "n:", "s:", "m:" otherwise
    QString kind; // "message", "system", "notice", "missing"
    QString kegId;
    QString author;
    bool own = false;
    QString body;
    qint64 timeMs = 0;
    QString dayLabel;
    bool firstInGroup = false;
    int delivery = 3; // client::MessageView::Delivery
    QString error;
    bool edited = false;
    bool deleted = false;
    bool verified = false;
    int severity = 0;
    QString noticeKind;
    QString evidence;
    int missingCount = 0;
    QString actionLabel;
    QString actionTarget;
    bool operator==(const TimelineRow &) const = default;
};

// The room's system lines and notices, sorted by time.
[[nodiscard]] QList<TimelineRow> timelineExtras(client::Session &s, const QByteArray &roomId);
// A message's row, without dayLabel/firstInGroup (those depend on the row before it).
[[nodiscard]] TimelineRow messageRow(const client::MessageView &m, const QString &me);
// Sets r's dayLabel and firstInGroup after `previous` (null: r starts the room).
void placeAfter(TimelineRow &r, const TimelineRow *previous);
// The rows of a window: `messages` oldest first, `previous` the newest message before them
// (none: the window starts the room). Extras at or before previous's time belong to older
// pages; missing markers come from `missing` (Session::missingCounters per author).
[[nodiscard]] QList<TimelineRow> composeTimeline(const QString &me, const QList<client::MessageView> &messages,
                                                 const std::optional<client::MessageView> &previous,
                                                 const QList<TimelineRow> &extras,
                                                 const QHash<QString, QList<quint64>> &missing);
// The whole room (tests; reads every message).
[[nodiscard]] QList<TimelineRow> buildTimeline(client::Session &s, const QByteArray &roomId);

// System lines of one step of the chain (prev null for the genesis); exposed for tests.
[[nodiscard]] QStringList systemLines(const keg::BootKegVersion *prev, const keg::BootKegVersion &next);

} // namespace tavern::ui
