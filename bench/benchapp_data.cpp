#include "benchapp_data.h"

#include "keg/message.h"

#include <QDateTime>
#include <QDir>

namespace tavern::bench {

AppData::AppData(const QString &dir)
    : m_dir(dir), m_profile(QDir(dir).filePath(QStringLiteral("alice"))),
      m_second(QDir(dir).filePath(QStringLiteral("alice-second")))
{}

AppData::~AppData() = default;

QUrl AppData::serverUrl() const
{
    return m_server ? m_server->url() : QUrl();
}

bool AppData::fail(const QString &why)
{
    m_error = why;
    return false;
}

bool AppData::build(int rooms, int n, int live)
{
    m_server = std::make_unique<test::ServerProcess>(
        QStringList{QStringLiteral("--sqlite-sync"), QStringLiteral("normal"), QStringLiteral("--rate"),
                    QStringLiteral("1000000"), QStringLiteral("--burst"), QStringLiteral("1000000")});
    if (!m_server->start())
        return fail(QStringLiteral("server did not start: ") + m_server->logs());
    auto secret = client::Session::signup(m_profile, m_server->url(), QStringLiteral("alice"));
    if (!secret)
        return fail(secret.error().message);
    m_secret = *secret;
    {
        auto a = client::Session::open(m_profile);
        if (!a)
            return fail(a.error().message);
        client::Session &s = **a;
        s.start();
        if (!s.waitForSync())
            return fail(QStringLiteral("first sync"));
        for (int i = 1; i < rooms; ++i) {
            auto id = s.createRoom(QStringLiteral("Room %1").arg(i), QStringLiteral("Topic of room %1").arg(i),
                                   keg::HistoryPolicy::Shared);
            if (!id)
                return fail(id.error().message);
            if (auto r = s.send(*id, QStringLiteral("Welcome to room %1").arg(i)); !r)
                return fail(r.error().message);
        }
        auto big = s.createRoom(QStringLiteral("Archive"), QStringLiteral("The room with the long history"),
                                keg::HistoryPolicy::Shared);
        if (!big)
            return fail(big.error().message);
        m_bigRoom = *big;
        if (!s.flushOutbox(600000))
            return fail(QStringLiteral("rooms not created"));

        // n + live messages in alice's author chain, sealed as the engine seals them.
        const client::RoomState *room = s.room(m_bigRoom);
        const crypto::SecureBytes &key = *room->keys().get(0);
        const crypto::Identity &me = s.identity();
        std::vector<QByteArray> history;
        QByteArray previous(32, '\0');
        // Written after the room was created (its system line "alice created the room" comes
        // first, as in a real room), 1 ms apart: the newest are a few minutes old when the
        // app shows them.
        const qint64 start = QDateTime::currentMSecsSinceEpoch();
        for (int i = 1; i <= n + live; ++i) {
            keg::MessagePayload m{quint64(i),
                                  previous,
                                  room->head().version().version,
                                  room->head().hash(),
                                  quint64(start + i),
                                  QStringLiteral("Message %1 of the archive: a line of ordinary length.").arg(i),
                                  {}};
            keg::Keg k = keg::sealKeg({m_bigRoom, keg::newKegId(), keg::KegType::Message, 0, 1}, keg::encodeMessage(m),
                                      key, me.username, me.signing);
            previous = keg::kegContentHash(k);
            (i <= n ? history : m_live).push_back(keg::encodeKeg(k));
        }
        if (QString why; !uploadKegs(s, m_bigRoom, history, &why))
            return fail(QStringLiteral("upload: ") + why);
    }
    // Reopen: the profile syncs the whole history into its cache, as a returning device does.
    {
        auto a = client::Session::open(m_profile);
        if (!a)
            return fail(a.error().message);
        (*a)->start();
        if (!(*a)->waitForSync(3600 * 1000))
            return fail(QStringLiteral("profile did not sync"));
        if (const auto got = (*a)->messages(m_bigRoom).size(); got != n)
            return fail(QStringLiteral("synced %1 of %2 messages").arg(got).arg(n));
    }
    if (auto r = client::Session::login(m_second, m_server->url(), QStringLiteral("alice"), m_secret); !r)
        return fail(r.error().message);
    return true;
}

bool AppData::openSecondDevice()
{
    auto b = client::Session::open(m_second);
    if (!b)
        return fail(b.error().message);
    m_secondDevice = std::move(*b);
    m_secondDevice->start();
    return m_secondDevice->waitForSync(3600 * 1000) || fail(QStringLiteral("second device did not sync"));
}

bool AppData::sendLive()
{
    QString why;
    return (m_secondDevice && uploadKegs(*m_secondDevice, m_bigRoom, m_live, &why)) || fail(why);
}

} // namespace tavern::bench
