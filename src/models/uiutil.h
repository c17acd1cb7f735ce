// Small helpers shared by the models: how engine values cross into QML (hex ids, times,
// initials, colours, notice severities) and where the model layer keeps its own state
// (last-read markers in the cache meta).
#pragma once

#include "client/session.h"

#include <QColor>
#include <QDateTime>
#include <QString>
#include <QUrl>

namespace tavern::ui {

// Room and keg ids cross into QML as lower-case hex (docs/app.md, Conventions).
[[nodiscard]] QString toHex(const QByteArray &bytes);
[[nodiscard]] QByteArray fromHex(const QString &hex);

[[nodiscard]] QDateTime fromMs(qint64 ms);
// What the user typed as server address: "tavern.example:7443" or http(s) mean the WebSocket
// endpoint (ws/wss), not a web page.
[[nodiscard]] QUrl parseServerUrl(const QString &text);
// Up to two letters of a room name ("Ops team" -> "OT"), "#" when it has none.
[[nodiscard]] QString initials(const QString &name);
// A stable, readable colour per room: the hue comes from the id, never from the name, so a
// renamed room keeps its colour and two rooms of the same name look different.
[[nodiscard]] QColor avatarColor(const QByteArray &roomId);

// A trust state as QML shows it (TrustIndicator: 0 unverified, 1 TOFU, 2 verified, 3 warning):
// a failed comparison (Mismatch) is a warning like a key change, never a tick.
[[nodiscard]] inline int uiTrust(client::Trust t)
{
    return t == client::Trust::Mismatch ? int(client::Trust::KeyChanged) : int(t);
}
// Sending to this contact is blocked until the user acts (key changed, failed comparison).
[[nodiscard]] inline bool trustBlocks(client::Trust t)
{
    return t == client::Trust::KeyChanged || t == client::Trust::Mismatch;
}

// 1 (warning) for notices that need the user, 0 (info) for the rest.
[[nodiscard]] int noticeSeverity(const QString &kind);
// The username a key-changed notice is about (the engine puts it first in the summary), or
// empty when the summary has another shape.
[[nodiscard]] QString keyChangedSubject(const QString &summary);

// The engine has no read marker (docs/app.md, "derived in the model layer"): the keg id of the
// last message the user has seen, per room, kept in the cache meta under "ui.read:<room>".
[[nodiscard]] QByteArray lastRead(client::Session &s, const QByteArray &roomId);
// Also stamps the time ("ui.readAt:<room>"): warning notices after it make the room ask for
// attention. An empty kegId (a room without messages) stamps only the time.
void setLastRead(client::Session &s, const QByteArray &roomId, const QByteArray &kegId);
[[nodiscard]] qint64 lastReadAt(client::Session &s, const QByteArray &roomId);
// Messages after the marker that are not the user's own (all of them when no marker is kept).
struct UnreadCount
{
    int unread = 0;
    int mentions = 0;
};
[[nodiscard]] UnreadCount countUnread(const QList<client::MessageView> &messages, const QByteArray &marker,
                                      const QString &me);
[[nodiscard]] bool mentions(const QString &body, const QString &username);

// The current head of a room this device verified, or null.
[[nodiscard]] const keg::BootKegVersion *head(client::Session &s, const QByteArray &roomId);
// This user's entry in a room's head, or null.
[[nodiscard]] const keg::Member *myMember(client::Session &s, const QByteArray &roomId);
[[nodiscard]] int joinedCount(const keg::BootKegVersion &v);

} // namespace tavern::ui
