// tavern-cli: output, errors, opening the session, finding rooms.
#include "cli.h"

#include <QJsonDocument>

#include <cstdio>

namespace tavern::cli {

namespace {
// Outbox items queued before this command; failures of later ones are this command's.
qint64 g_outboxMark = 0;
} // namespace

int fail(const Args &a, int code, const QString &message)
{
    if (a.json) {
        QJsonObject o{{QStringLiteral("ok"), false}, {QStringLiteral("error"), message},
                      {QStringLiteral("exit"), code}};
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).append('\n').constData(), stdout);
    } else {
        std::fprintf(stderr, "tavern-cli: %s\n", qPrintable(message));
    }
    return code;
}

void print(const Args &a, const QJsonObject &json, const QString &human)
{
    if (a.json) {
        QJsonObject o = json;
        o.insert(QStringLiteral("ok"), true);
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).append('\n').constData(), stdout);
    } else if (!human.isEmpty()) {
        std::fputs(human.toUtf8().append(human.endsWith(QLatin1Char('\n')) ? "" : "\n").constData(), stdout);
    }
    std::fflush(stdout);
}

std::unique_ptr<client::Session> openSynced(const Args &a, int *exitCode)
{
    auto s = client::Session::open(a.profile);
    if (!s) {
        *exitCode = fail(a, ExitFailed, s.error().message);
        return nullptr;
    }
    if (auto items = (*s)->cache().outbox(false); items && !items->empty())
        g_outboxMark = items->back().id;
    (*s)->start();
    if (!(*s)->waitForSync(a.option(QStringLiteral("timeout"), QStringLiteral("20")).toInt() * 1000)) {
        *exitCode = fail(a, ExitFailed,
                         QStringLiteral("Could not sync with %1. Is tavern-server running there?")
                             .arg((*s)->server().toString()));
        return nullptr;
    }
    return std::move(s).value();
}

std::optional<QByteArray> findRoom(client::Session &s, const QString &ref)
{
    std::optional<QByteArray> found;
    for (const client::RoomSummary &r : s.rooms()) {
        const bool match = r.name == ref || (ref.size() >= 4 && client::hex(r.roomId).startsWith(ref.toLower()));
        if (match) {
            if (found)
                return std::nullopt; // ambiguous
            found = r.roomId;
        }
    }
    return found;
}

int finish(const Args &a, client::Session &s, const QJsonObject &json, const QString &human)
{
    if (!s.flushOutbox(a.option(QStringLiteral("timeout"), QStringLiteral("20")).toInt() * 1000))
        return fail(a, ExitFailed, QStringLiteral("Saved locally, but the server has not confirmed it yet; "
                                                  "it will be sent the next time Tavern connects."));
    auto failed = s.cache().outbox(false);
    if (failed) {
        for (const auto &item : *failed) {
            if (item.id > g_outboxMark && item.state == storage::OutboxState::Failed)
                return fail(a, ExitFailed, QStringLiteral("The change was refused: %1").arg(item.error));
        }
    }
    print(a, json, human);
    return ExitOk;
}

QString trustName(client::Trust t)
{
    switch (t) {
    case client::Trust::Unverified: return QStringLiteral("unverified");
    case client::Trust::TrustedOnFirstUse: return QStringLiteral("trusted-on-first-use");
    case client::Trust::Verified: return QStringLiteral("verified");
    case client::Trust::KeyChanged: return QStringLiteral("KEY CHANGED");
    }
    return {};
}

} // namespace tavern::cli
