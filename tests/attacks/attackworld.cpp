#include "attackworld.h"

#include <QDir>
#include <QTest>

namespace tavern::test {

AttackWorld::AttackWorld() = default;

AttackWorld::~AttackWorld() = default;

bool AttackWorld::start()
{
    if (!m_server.start())
        return false;
    m_proxy = std::make_unique<FaultProxy>(m_server.url());
    if (!m_proxy->listen())
        return false;
    m_db = std::make_unique<ServerDb>(m_server.databasePath());
    return m_db->open() && m_profiles.isValid();
}

std::unique_ptr<Session> AttackWorld::account(const QString &prefix)
{
    const QString name = prefix + QString::number(++m_next);
    const QString dir = m_profiles.filePath(name);
    auto secret = Session::signup(dir, m_proxy->url(), name);
    if (!secret) {
        qWarning("signup %s: %s", qPrintable(name), qPrintable(secret.error().message));
        return nullptr;
    }
    m_secrets.insert(name, *secret);
    return started(dir);
}

std::unique_ptr<Session> AttackWorld::newDevice(const QString &username)
{
    const QString dir = m_profiles.filePath(QStringLiteral("%1-device%2").arg(username).arg(++m_next));
    if (auto r = Session::login(dir, m_proxy->url(), username, m_secrets.value(username)); !r) {
        qWarning("login %s: %s", qPrintable(username), qPrintable(r.error().message));
        return nullptr;
    }
    return started(dir);
}

std::unique_ptr<Session> AttackWorld::started(const QString &dir)
{
    auto s = Session::open(dir);
    if (!s) {
        qWarning("open %s: %s", qPrintable(dir), qPrintable(s.error().message));
        return nullptr;
    }
    (*s)->connection().setBackoff(100, 1000);
    (*s)->start();
    if (!(*s)->waitForSync(Patience))
        return nullptr;
    return std::move(s).value();
}

std::unique_ptr<Session> AttackWorld::reopen(std::unique_ptr<Session> session)
{
    const QString dir = session->profileDir();
    session.reset();
    return started(dir);
}

QByteArray AttackWorld::room(Session &admin, const QList<Session *> &members, const QString &name)
{
    auto id = admin.createRoom(name, QString(), keg::HistoryPolicy::Shared);
    if (!id || !admin.flushOutbox(Patience))
        return {};
    QList<Session *> joined{&admin};
    for (Session *m : members) {
        if (!invite(admin, *id, *m) || !accept(*m, *id, joined))
            return {};
        joined << m;
    }
    return *id;
}

bool AttackWorld::invite(Session &admin, const QByteArray &room, Session &who)
{
    if (!admin.invite(room, who.username(), keg::Role::Member, keg::HistoryPolicy::Shared)
        || !admin.flushOutbox(Patience))
        return false;
    return QTest::qWaitFor(
        [&] {
            for (const client::RoomSummary &r : who.rooms()) {
                if (r.roomId == room && r.invited)
                    return true;
            }
            return false;
        },
        Patience);
}

bool AttackWorld::accept(Session &who, const QByteArray &room, const QList<Session *> &others)
{
    if (!who.accept(room) || !who.flushOutbox(Patience))
        return false;
    return QTest::qWaitFor(
        [&] {
            for (Session *o : others) {
                const auto m = memberOf(*o, room, who.username());
                if (!m || m->state != keg::InviteState::Joined)
                    return false;
            }
            const auto me = memberOf(who, room, who.username());
            return me && me->state == keg::InviteState::Joined;
        },
        Patience);
}

bool AttackWorld::say(Session &from, const QByteArray &room, const QString &text, const QList<Session *> &readers)
{
    if (!from.send(room, text) || !from.flushOutbox(Patience))
        return false;
    return QTest::qWaitFor(
        [&] {
            for (Session *r : readers) {
                if (shownCount(*r, room, text) == 0)
                    return false;
            }
            return true;
        },
        Patience);
}

bool AttackWorld::resync(Session &session)
{
    // The reconnect's sync, not the one that the drop cut short (it ends at once).
    bool reconnected = false;
    bool synced = false;
    QObject context;
    QObject::connect(&session.connection(), &client::Connection::ready, &context, [&] {
        reconnected = true;
        synced = false;
    });
    QObject::connect(&session, &Session::synced, &context, [&] { synced = reconnected; });
    m_proxy->dropConnections(session.username());
    return QTest::qWaitFor([&] { return synced; }, Patience);
}

QStringList bodies(Session &s, const QByteArray &room)
{
    QStringList out;
    for (const client::MessageView &m : s.messages(room))
        out << m.body;
    return out;
}

int shownCount(Session &s, const QByteArray &room, const QString &text)
{
    return int(bodies(s, room).count(text));
}

int noticeCount(Session &s, const QByteArray &room, const QString &kind)
{
    int n = 0;
    for (const storage::Notice &notice : s.notices(room))
        n += notice.kind == kind ? 1 : 0;
    return n;
}

QString noticeDump(Session &s, const QByteArray &room)
{
    QStringList lines;
    for (const storage::Notice &n : s.notices(room))
        lines << QStringLiteral("%1: %2 [%3]").arg(n.kind, n.summary, n.evidence);
    return QStringLiteral("notices of %1:\n  ").arg(s.username()) + lines.join(QStringLiteral("\n  "));
}

keg::SignedBootKeg headOf(const Session &s, const QByteArray &room)
{
    const client::RoomState *r = s.room(room);
    if (!r || !r->started())
        return {};
    auto copy = keg::SignedBootKeg::decode(r->head().encode());
    return copy ? *copy : keg::SignedBootKeg{};
}

std::optional<keg::Member> memberOf(const Session &s, const QByteArray &room, const QString &username)
{
    const client::RoomState *r = s.room(room);
    if (!r || !r->started())
        return std::nullopt;
    const keg::Member *m = r->head().version().member(username.toUtf8());
    if (!m)
        return std::nullopt;
    keg::Member out = *m;
    // Owned bytes: the head may be replaced while the caller holds this.
    for (QByteArray *b : {&out.username, &out.signPublicKey, &out.boxPublicKey, &out.invitedBy})
        *b = QByteArray(b->constData(), b->size());
    return out;
}

} // namespace tavern::test
