#include "enginetest.h"

#include "protocol/ops.h"

#include <QHash>
#include <QSet>

namespace tavern::test {

EngineWorld::EngineWorld(QStringList serverArgs) : m_server(std::move(serverArgs)) {}

bool EngineWorld::start()
{
    if (!m_root.isValid() || !m_server.start()) {
        qWarning("tavern-server did not start:\n%s", qPrintable(m_server.logs()));
        return false;
    }
    return true;
}

QString EngineWorld::signup(const QString &user)
{
    auto secret = Session::signup(profile(user), m_server.url(), user);
    if (!secret) {
        qWarning("signup of %s failed: %s", qPrintable(user), qPrintable(secret.error().message));
        return {};
    }
    return *secret;
}

bool EngineWorld::login(const QString &profileName, const QString &user, const QString &secret)
{
    auto r = Session::login(profile(profileName), m_server.url(), user, secret);
    if (!r)
        qWarning("login of %s failed: %s", qPrintable(user), qPrintable(r.error().message));
    return r.ok();
}

std::unique_ptr<Session> EngineWorld::open(const QString &profileName, bool connect)
{
    auto s = Session::open(profile(profileName));
    if (!s) {
        qWarning("open %s failed: %s", qPrintable(profileName), qPrintable(s.error().message));
        return nullptr;
    }
    (*s)->connection().setBackoff(50, 400);
    if (connect) {
        (*s)->start();
        if (!(*s)->waitForSync(WaitMs)) {
            qWarning("%s did not sync", qPrintable(profileName));
            return nullptr;
        }
    }
    return std::move(s).value();
}

QStringList bodies(Session &s, const QByteArray &roomId)
{
    QStringList out;
    for (const auto &m : s.messages(roomId))
        out << m.body;
    return out;
}

int countBody(Session &s, const QByteArray &roomId, const QString &body)
{
    return int(bodies(s, roomId).count(body));
}

bool showsEachOnce(Session &s, const QByteArray &roomId, const QStringList &expected)
{
    QHash<QString, int> shown;
    for (const QString &b : bodies(s, roomId))
        ++shown[b];
    for (const QString &b : expected) {
        if (shown.value(b) != 1)
            return false;
    }
    return true;
}

QStringList numbered(const QString &prefix, int count)
{
    QStringList out;
    for (int i = 0; i < count; ++i)
        out << QStringLiteral("%1 %2").arg(prefix).arg(i);
    return out;
}

bool hasDuplicates(Session &s, const QByteArray &roomId)
{
    QSet<QByteArray> ids;
    QSet<QString> counters;
    for (const auto &m : s.messages(roomId)) {
        const QString counter = m.author + QLatin1Char('/') + QString::number(m.counter);
        if (ids.contains(m.kegId) || counters.contains(counter))
            return true;
        ids.insert(m.kegId);
        counters.insert(counter);
    }
    return false;
}

bool isInvited(Session &s, const QByteArray &roomId)
{
    for (const auto &r : s.rooms()) {
        if (r.roomId == roomId)
            return r.invited;
    }
    return false;
}

namespace {
const keg::Member *memberOf(Session &s, const QByteArray &roomId, const QString &user)
{
    const client::RoomState *room = s.room(roomId);
    return room && room->started() ? room->head().version().member(user.toUtf8()) : nullptr;
}
} // namespace

bool isMember(Session &s, const QByteArray &roomId, const QString &user)
{
    return memberOf(s, roomId, user) != nullptr;
}

bool inviteAndJoin(Session &admin, Session &invitee, const QByteArray &roomId)
{
    const QString name = invitee.username();
    const auto step = [](bool ok, const char *what) {
        if (!ok)
            qWarning("inviteAndJoin: %s failed", what);
        return ok;
    };
    const auto joined = [&] {
        const keg::Member *m = memberOf(admin, roomId, name);
        return m && m->state == keg::InviteState::Joined;
    };
    return step(bool(admin.invite(roomId, name, keg::Role::Member, keg::HistoryPolicy::Shared)), "invite")
           && step(admin.flushOutbox(WaitMs), "sending the invitation")
           && step(QTest::qWaitFor([&] { return isInvited(invitee, roomId); }, WaitMs), "receiving it")
           && step(bool(invitee.accept(roomId)), "accept") && step(invitee.flushOutbox(WaitMs), "sending the answer")
           && step(QTest::qWaitFor(joined, WaitMs), "the admin seeing the join");
}

quint64 headVersion(Session &s, const QByteArray &roomId)
{
    const client::RoomState *room = s.room(roomId);
    return room && room->started() ? room->head().version().version : 0;
}

quint32 generation(Session &s, const QByteArray &roomId)
{
    const client::RoomState *room = s.room(roomId);
    return room && room->started() ? room->head().version().currentGeneration() : 0;
}

std::optional<keg::Role> roleOf(Session &s, const QByteArray &roomId, const QString &user)
{
    const keg::Member *m = memberOf(s, roomId, user);
    return m ? std::optional(m->role) : std::nullopt;
}

quint64 cursor(Session &s, const QByteArray &dbId)
{
    auto c = s.cache().cursor(dbId);
    return c ? *c : 0;
}

std::vector<storage::OutboxItem> outbox(Session &s)
{
    auto items = s.cache().outbox(false);
    return items ? std::move(items).value() : std::vector<storage::OutboxItem>{};
}

int failedItems(Session &s)
{
    int n = 0;
    for (const auto &item : outbox(s))
        n += item.state == storage::OutboxState::Failed;
    return n;
}

bool sendMany(Session &s, const QByteArray &roomId, const QString &prefix, int count)
{
    for (const QString &body : numbered(prefix, count)) {
        if (auto r = s.send(roomId, body); !r) {
            qWarning("send '%s' failed: %s", qPrintable(body), qPrintable(r.error().message));
            return false;
        }
    }
    return s.flushOutbox(WaitMs * 3);
}

storage::OutboxItem lastEdit(Session &s)
{
    const auto items = outbox(s);
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
        if (it->op == protocol::op::BootKegPut)
            return *it;
    }
    return {};
}

} // namespace tavern::test
