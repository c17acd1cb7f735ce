// NotificationText: decides whether a desktop notification is shown and what it says, from
// the raw facts the App controller emits (docs/app.md, App.notify). Kept apart from how a
// notification is shown (Notifier) so the wording, privacy and coalescing rules are tested.
#pragma once

#include <QHash>
#include <QString>

#include <optional>

namespace tavern::app {

struct NotificationEvent
{
    QString kind; // message, mention, invitation, role, security
    QString roomId;
    QString roomName;
    QString title; // see docs/app.md: author, inviter or room name
    QString body;  // message text, room name, role name or notice summary
    qint64 atMs = 0;
};

// What the user chose to show on screen (lock screens and shared screens show notifications).
enum class Privacy { NameAndMessage, NameOnly, Nothing };

struct NotificationContext
{
    bool windowActive = false;
    QString currentRoomId;
    Privacy privacy = Privacy::NameAndMessage;
};

struct Notification
{
    QString title;
    QString body;
    QString roomId;   // opened when the notification is clicked
    QString replaces; // a key: a newer notification with the same key replaces the older one
    bool urgent = false;
};

class NotificationText
{
public:
    // Messages from one room within this window are folded into one "N new messages".
    static constexpr qint64 BurstMs = 60'000;
    static constexpr int MaxBody = 140;

    [[nodiscard]] std::optional<Notification> compose(const NotificationEvent &event,
                                                      const NotificationContext &context);
    // The user opened the room: its burst starts again from one.
    void roomRead(const QString &roomId) { m_bursts.remove(roomId); }

    // Text from other people, made safe to show: no control or bidi-override characters
    // (they can make a name read as another), whitespace collapsed, cut at max characters.
    [[nodiscard]] static QString clean(const QString &text, int max);

private:
    struct Burst
    {
        int count = 0;
        qint64 lastMs = 0;
    };
    QHash<QString, Burst> m_bursts;
};

} // namespace tavern::app
