#include "uiutil.h"

#include <QRegularExpression>

namespace tavern::ui {

QString toHex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex());
}

QByteArray fromHex(const QString &hex)
{
    return QByteArray::fromHex(hex.toLatin1());
}

QDateTime fromMs(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms) : QDateTime();
}

QUrl parseServerUrl(const QString &text)
{
    QUrl url = QUrl::fromUserInput(text.trimmed());
    if (url.scheme() == QLatin1String("http"))
        url.setScheme(QStringLiteral("ws"));
    else if (url.scheme() == QLatin1String("https"))
        url.setScheme(QStringLiteral("wss"));
    return url;
}

QString initials(const QString &name)
{
    QString out;
    const QStringList words = name.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (const QString &w : words) {
        const QChar c = w.at(0);
        if (c.isLetterOrNumber())
            out += c.toUpper();
        if (out.size() == 2)
            break;
    }
    if (out.size() == 1 && words.size() == 1 && words.front().size() > 1 && words.front().at(1).isLetterOrNumber())
        out += words.front().at(1).toLower();
    return out.isEmpty() ? QStringLiteral("#") : out;
}

QColor avatarColor(const QByteArray &roomId)
{
    // Hue from the id's first two bytes; saturation and lightness fixed so white initials
    // stay readable on every colour, in light and dark palettes alike.
    const int hue = roomId.size() >= 2 ? ((quint8(roomId[0]) << 8) | quint8(roomId[1])) % 360 : 210;
    return QColor::fromHsl(hue, 140, 110);
}

int noticeSeverity(const QString &kind)
{
    static const QStringList warnings = {
        QStringLiteral("key-changed"),   QStringLiteral("rollback"),
        QStringLiteral("fork"),          QStringLiteral("unauthorised-change"),
        QStringLiteral("bad-signature"), QStringLiteral("invalid-room-change"),
        QStringLiteral("pin-log"),       QStringLiteral("mismatch"),
        QStringLiteral("readd-needed"),
    };
    return warnings.contains(kind) ? 1 : 0;
}

QString keyChangedSubject(const QString &summary)
{
    // The three sentences the engine writes (client/contacts.cpp, client/pinsync.cpp).
    static const QRegularExpression shapes[] = {
        QRegularExpression(QStringLiteral("^(\\S+)'s safety number changed")),
        QRegularExpression(QStringLiteral("^(\\S+) is in this room with keys")),
        QRegularExpression(QStringLiteral("pinned other keys for (\\S+)\\.")),
    };
    for (const auto &re : shapes) {
        const auto m = re.match(summary);
        if (m.hasMatch())
            return m.captured(1);
    }
    return {};
}

namespace {
QString readKey(const QByteArray &roomId)
{
    return QStringLiteral("ui.read:") + toHex(roomId);
}
} // namespace

QByteArray lastRead(client::Session &s, const QByteArray &roomId)
{
    auto v = s.cache().meta(readKey(roomId));
    return v && *v ? **v : QByteArray();
}

void setLastRead(client::Session &s, const QByteArray &roomId, const QByteArray &kegId)
{
    (void)s.cache().setMeta(QStringLiteral("ui.readAt:") + toHex(roomId),
                            QByteArray::number(QDateTime::currentMSecsSinceEpoch()));
    if (!kegId.isEmpty() && lastRead(s, roomId) != kegId)
        (void)s.cache().setMeta(readKey(roomId), kegId);
}

qint64 lastReadAt(client::Session &s, const QByteArray &roomId)
{
    auto v = s.cache().meta(QStringLiteral("ui.readAt:") + toHex(roomId));
    return v && *v ? (**v).toLongLong() : 0;
}

bool mentions(const QString &body, const QString &username)
{
    if (username.isEmpty())
        return false;
    // "@bob" but not "@bobby" or "mail@bob.example": a word boundary on both sides.
    const QRegularExpression re(QStringLiteral("(^|[^\\w@.])@%1(?![\\w])").arg(QRegularExpression::escape(username)),
                                QRegularExpression::CaseInsensitiveOption);
    return re.match(body).hasMatch();
}

UnreadCount countUnread(const QList<client::MessageView> &messages, const QByteArray &marker, const QString &me)
{
    UnreadCount c;
    int start = 0;
    if (!marker.isEmpty()) {
        for (int i = int(messages.size()) - 1; i >= 0; --i) {
            if (messages[i].kegId == marker) {
                start = i + 1;
                break;
            }
        }
    }
    for (int i = start; i < messages.size(); ++i) {
        if (messages[i].author == me)
            continue;
        ++c.unread;
        c.mentions += mentions(messages[i].body, me);
    }
    return c;
}

const keg::BootKegVersion *head(client::Session &s, const QByteArray &roomId)
{
    const client::RoomState *room = s.room(roomId);
    return room && room->started() ? &room->head().version() : nullptr;
}

const keg::Member *myMember(client::Session &s, const QByteArray &roomId)
{
    const keg::BootKegVersion *v = head(s, roomId);
    return v ? v->member(s.username().toUtf8()) : nullptr;
}

int joinedCount(const keg::BootKegVersion &v)
{
    int n = 0;
    for (const keg::Member &m : v.members)
        n += m.state == keg::InviteState::Joined;
    return n;
}

} // namespace tavern::ui
