#include "notificationtext.h"

#include <QCoreApplication>

namespace tavern::app {

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("NotificationText", text, disambiguation, n);
}

bool isUnsafe(char32_t c)
{
    // C0/C1 controls, and the bidirectional embeddings, overrides and isolates.
    return c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
           || c == 0x200e || c == 0x200f || c == 0x061c;
}

} // namespace

QString NotificationText::clean(const QString &text, int max)
{
    QString out;
    out.reserve(qMin(text.size(), max + 1));
    bool space = false;
    int chars = 0;
    const auto ucs4 = text.toUcs4();
    for (char32_t c : ucs4) {
        const bool ws = c == '\n' || c == '\r' || c == '\t' || c == ' ';
        if (ws) {
            space = !out.isEmpty();
            continue;
        }
        if (isUnsafe(c))
            continue;
        if (chars >= max) {
            out += QChar(0x2026); // …
            return out;
        }
        if (space) {
            out += QLatin1Char(' ');
            ++chars;
            space = false;
        }
        out += QString::fromUcs4(&c, 1);
        ++chars;
    }
    return out;
}

std::optional<Notification> NotificationText::compose(const NotificationEvent &e, const NotificationContext &ctx)
{
    // The user is looking at this room: the message or card is already on screen.
    if (ctx.windowActive && !e.roomId.isEmpty() && e.roomId == ctx.currentRoomId)
        return std::nullopt;

    // Role and security events carry the room name as their title (docs/app.md).
    const bool titleIsRoom = e.kind == QLatin1String("role") || e.kind == QLatin1String("security");
    QString room = clean(e.roomName.isEmpty() && titleIsRoom ? e.title : e.roomName, 60);
    if (room.isEmpty())
        room = tr("a room");
    const QString who = clean(e.title, 40);
    Notification n;
    n.roomId = e.roomId;

    if (e.kind == QLatin1String("message") || e.kind == QLatin1String("mention")) {
        const bool mention = e.kind == QLatin1String("mention");
        Burst &b = m_bursts[e.roomId];
        b.count = (e.atMs - b.lastMs <= BurstMs && b.count > 0) ? b.count + 1 : 1;
        b.lastMs = e.atMs;
        n.replaces = QStringLiteral("room:") + e.roomId;
        if (ctx.privacy == Privacy::Nothing) {
            n.title = QStringLiteral("Tavern");
            n.body = tr("You have new messages");
            n.replaces = QStringLiteral("private");
            return n;
        }
        if (b.count > 1 && !mention) {
            n.title = room;
            n.body = tr("%n new messages", nullptr, b.count);
            return n;
        }
        n.title = mention ? tr("%1 mentioned you in %2").arg(who, room) : tr("%1 in %2").arg(who, room);
        n.body = ctx.privacy == Privacy::NameAndMessage ? clean(e.body, MaxBody) : tr("New message");
        if (mention)
            n.replaces.clear(); // a mention is never folded away
        return n;
    }
    if (e.kind == QLatin1String("invitation")) {
        n.title = tr("%1 invited you to %2").arg(who, clean(e.body, 60));
        n.body = tr("Open Tavern to see who is in the room, then accept or decline.");
        return n;
    }
    if (e.kind == QLatin1String("role")) {
        n.title = tr("Your role in %1 changed").arg(room);
        n.body = tr("You are now: %1.").arg(clean(e.body, 40));
        return n;
    }
    if (e.kind == QLatin1String("security")) {
        n.title = tr("Security notice in %1").arg(room);
        // The summary is Tavern's own sentence (with names in it): always shown, the privacy
        // setting hides message content, not warnings.
        n.body = clean(e.body, MaxBody * 2);
        n.urgent = true;
        return n;
    }
    return std::nullopt; // unknown kinds are not guessed at
}

} // namespace tavern::app
