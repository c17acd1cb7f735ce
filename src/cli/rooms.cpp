// tavern-cli: rooms, invitations, members, roles, settings.
#include "cli.h"

namespace tavern::cli {

namespace {

std::optional<keg::Role> parseRole(const QString &s)
{
    for (keg::Role r : {keg::Role::Admin, keg::Role::Moderator, keg::Role::Member, keg::Role::Guest}) {
        if (keg::roleName(r) == s)
            return r;
    }
    return std::nullopt;
}

std::optional<keg::HistoryPolicy> parseHistory(const QString &s)
{
    if (s == QLatin1String("shared"))
        return keg::HistoryPolicy::Shared;
    if (s == QLatin1String("since-join"))
        return keg::HistoryPolicy::SinceJoin;
    return std::nullopt;
}

QString stateName(keg::InviteState s)
{
    return s == keg::InviteState::Joined ? QStringLiteral("joined") : QStringLiteral("invited");
}

int listRooms(const Args &a, client::Session &s, bool invitationsOnly)
{
    QJsonArray arr;
    QStringList lines;
    for (const client::RoomSummary &r : s.rooms()) {
        if (invitationsOnly && !r.invited)
            continue;
        const auto *room = s.room(r.roomId);
        const auto &v = room->head().version();
        const keg::Member *me = v.member(s.username().toUtf8());
        QJsonObject o{{QStringLiteral("roomId"), client::hex(r.roomId)},
                      {QStringLiteral("name"), r.name},
                      {QStringLiteral("topic"), r.topic},
                      {QStringLiteral("invited"), r.invited},
                      {QStringLiteral("members"), r.members},
                      {QStringLiteral("version"), qint64(r.version)}};
        QString line =
            QStringLiteral("%1  %2  (%3 members)").arg(client::hex(r.roomId).left(12), r.name).arg(r.members);
        if (r.invited) {
            const QString inviter = QString::fromUtf8(me->invitedBy);
            QStringList others;
            for (const keg::Member &m : v.members) {
                if (m.state == keg::InviteState::Joined)
                    others << QString::fromUtf8(m.username);
            }
            o.insert(QStringLiteral("inviter"), inviter);
            o.insert(QStringLiteral("inviterTrust"), trustName(s.trust(inviter)));
            o.insert(QStringLiteral("history"), keg::historyName(me->history));
            o.insert(QStringLiteral("joined"), QJsonArray::fromStringList(others));
            line += QStringLiteral("  INVITED by %1 [%2]; in the room: %3; you'll see %4")
                        .arg(inviter, trustName(s.trust(inviter)), others.join(QStringLiteral(", ")),
                             me->history == keg::HistoryPolicy::Shared ? QStringLiteral("earlier messages")
                                                                       : QStringLiteral("messages from now on"));
        }
        arr.append(o);
        lines << line;
    }
    if (lines.isEmpty())
        lines << (invitationsOnly
                      ? QStringLiteral("No invitations.")
                      : QStringLiteral("No rooms yet: create one with 'create-room NAME', or wait for an invitation."));
    print(a, {{invitationsOnly ? QStringLiteral("invitations") : QStringLiteral("rooms"), arr}},
          lines.join(QLatin1Char('\n')));
    return ExitOk;
}

int members(const Args &a, client::Session &s, const QByteArray &roomId)
{
    const auto &v = s.room(roomId)->head().version();
    QJsonArray arr;
    QStringList lines;
    for (const keg::Member &m : v.members) {
        const QString name = QString::fromUtf8(m.username);
        const QString trust = name == s.username() ? QStringLiteral("you") : trustName(s.trust(name));
        arr.append(QJsonObject{{QStringLiteral("username"), name},
                               {QStringLiteral("role"), keg::roleName(m.role)},
                               {QStringLiteral("state"), stateName(m.state)},
                               {QStringLiteral("trust"), trust},
                               {QStringLiteral("invitedBy"), QString::fromUtf8(m.invitedBy)}});
        lines << QStringLiteral("%1  %2  %3  [%4]")
                     .arg(name.leftJustified(16), keg::roleName(m.role).leftJustified(10),
                          stateName(m.state).leftJustified(8), trust);
    }
    print(a, {{QStringLiteral("members"), arr}, {QStringLiteral("version"), qint64(v.version)}},
          lines.join(QLatin1Char('\n')));
    return ExitOk;
}

} // namespace

int roomCommand(const Args &a)
{
    static const QStringList known{
        QStringLiteral("rooms"),       QStringLiteral("create-room"), QStringLiteral("invite"),
        QStringLiteral("invitations"), QStringLiteral("accept"),      QStringLiteral("decline"),
        QStringLiteral("leave"),       QStringLiteral("remove"),      QStringLiteral("role"),
        QStringLiteral("settings"),    QStringLiteral("members")};
    if (!known.contains(a.command))
        return fail(a, ExitUsage, QStringLiteral("unknown command '%1' (see tavern-cli --help)").arg(a.command));
    int code = ExitOk;
    auto s = openSynced(a, &code);
    if (!s)
        return code;
    if (a.command == QLatin1String("rooms") || a.command == QLatin1String("invitations"))
        return listRooms(a, *s, a.command == QLatin1String("invitations"));
    if (a.command == QLatin1String("create-room")) {
        if (a.positional.size() != 1)
            return fail(a, ExitUsage,
                        QStringLiteral("usage: create-room NAME [--topic T] [--history shared|since-join]"));
        auto history = parseHistory(a.option(QStringLiteral("history"), QStringLiteral("shared")));
        if (!history)
            return fail(a, ExitUsage, QStringLiteral("--history is shared or since-join"));
        auto id = s->createRoom(a.positional[0], a.option(QStringLiteral("topic")), *history);
        if (!id)
            return fail(a, ExitFailed, id.error().message);
        return finish(a, *s, {{QStringLiteral("roomId"), client::hex(*id)}},
                      QStringLiteral("Created room %1 (%2).").arg(a.positional[0], client::hex(*id).left(12)));
    }
    if (a.positional.isEmpty())
        return fail(a, ExitUsage, QStringLiteral("%1 needs a ROOM").arg(a.command));
    auto roomId = findRoom(*s, a.positional[0]);
    if (!roomId)
        return fail(a, ExitNotFound,
                    QStringLiteral("No single room matches '%1' (see 'tavern-cli rooms').").arg(a.positional[0]));
    Status r = Ok{};
    QString done;
    if (a.command == QLatin1String("members"))
        return members(a, *s, *roomId);
    if (a.command == QLatin1String("invite")) {
        auto role = parseRole(a.option(QStringLiteral("role"), QStringLiteral("member")));
        // Without --history the invitee gets what the room's policy (verified head) gives
        // newcomers: a since-join room refuses a shared-history invite.
        const keg::HistoryPolicy policy = s->room(*roomId)->head().version().policy;
        auto history = parseHistory(a.option(QStringLiteral("history"), keg::historyName(policy)));
        if (a.positional.size() != 2 || !role || !history)
            return fail(
                a, ExitUsage,
                QStringLiteral(
                    "usage: invite ROOM USER [--role member|guest|moderator|admin] [--history shared|since-join]"));
        r = s->invite(*roomId, a.positional[1], *role, *history);
        done = QStringLiteral("Invited %1 as %2.").arg(a.positional[1], keg::roleName(*role));
    } else if (a.command == QLatin1String("accept")) {
        r = s->accept(*roomId);
        done = QStringLiteral("Joined.");
    } else if (a.command == QLatin1String("decline")) {
        r = s->decline(*roomId);
        done = QStringLiteral("Declined.");
    } else if (a.command == QLatin1String("leave")) {
        r = s->leave(*roomId);
        done = QStringLiteral("Left the room.");
    } else if (a.command == QLatin1String("remove")) {
        if (a.positional.size() != 2)
            return fail(a, ExitUsage, QStringLiteral("usage: remove ROOM USER"));
        r = s->remove(*roomId, a.positional[1]);
        done = QStringLiteral("Removed %1; the room has a new key.").arg(a.positional[1]);
    } else if (a.command == QLatin1String("role")) {
        auto role = a.positional.size() == 3 ? parseRole(a.positional[2]) : std::nullopt;
        if (!role)
            return fail(a, ExitUsage, QStringLiteral("usage: role ROOM USER admin|moderator|member|guest"));
        r = s->setRole(*roomId, a.positional[1], *role);
        done = QStringLiteral("%1 is now %2.").arg(a.positional[1], keg::roleName(*role));
    } else if (a.command == QLatin1String("settings")) {
        const auto &v = s->room(*roomId)->head().version();
        auto history = parseHistory(a.option(QStringLiteral("history"), keg::historyName(v.policy)));
        if (!history)
            return fail(a, ExitUsage, QStringLiteral("--history is shared or since-join"));
        r = s->setSettings(*roomId, {a.option(QStringLiteral("name"), QString::fromUtf8(v.name)),
                                     a.option(QStringLiteral("topic"), QString::fromUtf8(v.topic)), *history});
        done = QStringLiteral("Settings saved.");
    }
    if (!r)
        return fail(a, r.code() == int(client::SessionError::KeyChanged) ? ExitSecurity : ExitFailed,
                    r.error().message);
    return finish(a, *s, {{QStringLiteral("roomId"), client::hex(*roomId)}}, done);
}

} // namespace tavern::cli
