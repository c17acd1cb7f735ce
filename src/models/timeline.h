// Timeline: everything the conversation shows for one room, oldest first — the messages
// (Session::messages), the room's security notices at their time, "message missing" markers
// for gaps in an author's chain, and system lines (created, invited, joined, left, removed,
// roles, settings, new room keys) derived from the verified boot-keg chain in the cache.
// Day labels and author groups are computed here over the whole room, so they stay the same
// whichever page of it the MessageModel has loaded.
#pragma once

#include "client/session.h"

#include <QList>
#include <QString>

namespace tavern::ui {

struct TimelineRow
{
    QString key; // unique in the room: keg id hex for messages, "n:", "s:", "m:" otherwise
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

[[nodiscard]] QList<TimelineRow> buildTimeline(client::Session &s, const QByteArray &roomId);

// System lines of one step of the chain (prev null for the genesis); exposed for tests.
[[nodiscard]] QStringList systemLines(const keg::BootKegVersion *prev, const keg::BootKegVersion &next);

} // namespace tavern::ui
