// tavern-cli: send, read, watch, notices.
#include "cli.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimer>

namespace tavern::cli {

namespace {

QString deliveryName(client::MessageView::Delivery d)
{
    switch (d) {
    case client::MessageView::Delivery::Queued: return QStringLiteral("queued");
    case client::MessageView::Delivery::Sent: return QStringLiteral("sent");
    case client::MessageView::Delivery::Failed: return QStringLiteral("failed");
    case client::MessageView::Delivery::Received: return QStringLiteral("received");
    }
    return {};
}

QJsonObject noticeJson(const storage::Notice &n)
{
    return {{QStringLiteral("kind"), n.kind},
            {QStringLiteral("summary"), n.summary},
            {QStringLiteral("evidence"), n.evidence},
            {QStringLiteral("roomId"), client::hex(n.dbId)},
            {QStringLiteral("at"), QDateTime::fromMSecsSinceEpoch(n.atMs).toString(Qt::ISODate)}};
}

QString noticeLine(const storage::Notice &n)
{
    return QStringLiteral("!! security notice (%1): %2").arg(n.kind, n.summary);
}

// The #id `read` shows: the id's last 8 hex digits. Keg ids begin with their creation time
// (keg::newKegId), so a room's messages share their first digits; the end is random.
QString shortId(const QByteArray &kegId)
{
    return client::hex(kegId).right(8);
}

QString messageLine(const client::MessageView &m)
{
    const QString time = QDateTime::fromMSecsSinceEpoch(m.sentMs).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    QString line = QStringLiteral("[%1] #%2 %3: %4")
                       .arg(time, shortId(m.kegId), m.author, m.deleted ? QStringLiteral("(deleted)") : m.body);
    if (m.edited && !m.deleted)
        line += QStringLiteral("  (edited)");
    if (!m.readBy.isEmpty())
        line += QStringLiteral("  (read by %1)").arg(m.readBy.join(QStringLiteral(", ")));
    if (m.delivery == client::MessageView::Delivery::Queued || m.delivery == client::MessageView::Delivery::Failed)
        line += QStringLiteral("  (%1%2)")
                    .arg(deliveryName(m.delivery), m.error.isEmpty() ? QString() : QStringLiteral(": ") + m.error);
    return line;
}

QJsonObject messageJson(const client::MessageView &m)
{
    return {{QStringLiteral("kegId"), client::hex(m.kegId)},
            {QStringLiteral("author"), m.author},
            // null while queued: the counter is given when the message goes out
            {QStringLiteral("counter"),
             m.counter < quint64(client::UnsealedCounter) ? QJsonValue(qint64(m.counter)) : QJsonValue()},
            {QStringLiteral("body"), m.body},
            {QStringLiteral("sentMs"), m.sentMs},
            {QStringLiteral("delivery"), deliveryName(m.delivery)},
            {QStringLiteral("edited"), m.edited},
            {QStringLiteral("deleted"), m.deleted},
            {QStringLiteral("readBy"), QJsonArray::fromStringList(m.readBy)}};
}

// A message by a unique hex prefix of its id (4+ characters, as 'read' shows it), or "last":
// the user's own newest message that is not deleted.
std::optional<QByteArray> findMessage(client::Session &s, const QByteArray &roomId, const QString &ref)
{
    const auto all = s.messages(roomId);
    if (ref == QLatin1String("last")) {
        for (auto it = all.crbegin(); it != all.crend(); ++it) {
            if (it->author == s.username() && !it->deleted)
                return it->kegId;
        }
        return std::nullopt;
    }
    std::optional<QByteArray> found;
    for (const auto &m : all) {
        // The #id (the end of the id) or the whole id (as --json gives it).
        const QString id = client::hex(m.kegId), want = ref.toLower();
        if (want.size() >= 4 && (id.endsWith(want) || (want.size() == id.size() && id == want))) {
            if (found)
                return std::nullopt;
            found = m.kegId;
        }
    }
    return found;
}

} // namespace

int messageCommand(const Args &a)
{
    int code = ExitOk;
    auto s = openSynced(a, &code);
    if (!s)
        return code;
    std::optional<QByteArray> roomId;
    if (!a.positional.isEmpty()) {
        roomId = findRoom(*s, a.positional[0]);
        if (!roomId)
            return fail(a, ExitNotFound,
                        QStringLiteral("No single room matches '%1' (see 'tavern-cli rooms').").arg(a.positional[0]));
    }
    if (a.command == QLatin1String("send")) {
        if (!roomId || a.positional.size() != 2)
            return fail(a, ExitUsage, QStringLiteral("usage: send ROOM TEXT"));
        auto r = s->send(*roomId, a.positional[1]);
        if (!r)
            return fail(a, r.code() == int(client::SessionError::KeyChanged) ? ExitSecurity : ExitFailed,
                        r.error().message);
        return finish(a, *s, {{QStringLiteral("roomId"), client::hex(*roomId)}}, QStringLiteral("Sent."));
    }
    if (a.command == QLatin1String("edit") || a.command == QLatin1String("delete")) {
        const bool isEdit = a.command == QLatin1String("edit");
        if (!roomId || a.positional.size() != (isEdit ? 3 : 2))
            return fail(a, ExitUsage,
                        isEdit ? QStringLiteral("usage: edit ROOM MESSAGE TEXT")
                               : QStringLiteral("usage: delete ROOM MESSAGE"));
        const auto kegId = findMessage(*s, *roomId, a.positional[1]);
        if (!kegId)
            return fail(a, ExitNotFound,
                        QStringLiteral("No single message matches '%1' (use the #id 'read' shows, "
                                       "or 'last').")
                            .arg(a.positional[1]));
        auto r = isEdit ? s->edit(*roomId, *kegId, a.positional[2]) : s->redact(*roomId, *kegId);
        if (!r)
            return fail(a, r.code() == int(client::SessionError::KeyChanged) ? ExitSecurity : ExitFailed,
                        r.error().message);
        return finish(a, *s, {{QStringLiteral("kegId"), client::hex(*kegId)}},
                      isEdit ? QStringLiteral("Edited.") : QStringLiteral("Deleted."));
    }
    if (a.command == QLatin1String("notices")) {
        QJsonArray arr;
        QStringList lines;
        for (const auto &n : s->notices(roomId.value_or(QByteArray()))) {
            arr.append(noticeJson(n));
            lines << noticeLine(n) + QStringLiteral("\n   evidence: ") + n.evidence;
        }
        print(a, {{QStringLiteral("notices"), arr}},
              lines.isEmpty() ? QStringLiteral("No security notices.") : lines.join(QLatin1Char('\n')));
        return ExitOk;
    }
    if (a.command == QLatin1String("read")) {
        if (!roomId)
            return fail(a, ExitUsage, QStringLiteral("usage: read ROOM"));
        QJsonArray arr;
        QStringList lines;
        QSet<QString> authors;
        for (const auto &m : s->messages(*roomId)) {
            arr.append(messageJson(m));
            lines << messageLine(m);
            authors.insert(m.author);
        }
        QJsonArray missing;
        for (const QString &author : authors) {
            for (quint64 c : s->missingCounters(*roomId, author)) {
                missing.append(QJsonObject{{QStringLiteral("author"), author}, {QStringLiteral("counter"), qint64(c)}});
                lines << QStringLiteral("-- message %1 from %2 is missing (the server did not deliver it)")
                             .arg(c)
                             .arg(author);
            }
        }
        QJsonArray notes;
        for (const auto &n : s->notices(*roomId)) {
            notes.append(noticeJson(n));
            lines << noticeLine(n);
        }
        const QJsonObject out{{QStringLiteral("messages"), arr},
                              {QStringLiteral("missing"), missing},
                              {QStringLiteral("notices"), notes}};
        const QString human = lines.isEmpty() ? QStringLiteral("No messages yet.") : lines.join(QLatin1Char('\n'));
        if (a.flag(QStringLiteral("mark-read"))) {
            // Signed receipts for what was just shown (others' messages, once each).
            for (const auto &m : s->messages(*roomId)) {
                if (m.author != s->username() && !m.deleted) {
                    if (auto r = s->markRead(*roomId, m.kegId); !r)
                        return fail(a, ExitFailed, r.error().message);
                }
            }
            return finish(a, *s, out, human);
        }
        print(a, out, human);
        return ExitOk;
    }
    // watch: stream new messages and notices until --for seconds pass (or forever).
    QSet<QByteArray> seen;
    const auto show = [&](const QByteArray &room) {
        if (roomId && room != *roomId)
            return;
        for (const auto &m : s->messages(room)) {
            if (seen.contains(m.kegId))
                continue;
            seen.insert(m.kegId);
            print(a, messageJson(m), messageLine(m));
        }
    };
    for (const auto &r : s->rooms())
        show(r.roomId);
    QObject::connect(s.get(), &client::Session::messagesChanged, s.get(), show);
    QObject::connect(s.get(), &client::Session::noticeAdded, s.get(), [&](const storage::Notice &n) {
        if (!roomId || n.dbId == *roomId)
            print(a, noticeJson(n), noticeLine(n));
    });
    if (a.options.contains(QStringLiteral("for")))
        QTimer::singleShot(a.option(QStringLiteral("for")).toInt() * 1000, qApp, &QCoreApplication::quit);
    QCoreApplication::exec();
    return ExitOk;
}

} // namespace tavern::cli
