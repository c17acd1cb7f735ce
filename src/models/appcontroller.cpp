#include "appcontroller.h"

#include "uiutil.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

namespace tavern::ui {

namespace {
QString s_defaultProfile;
QUrl s_defaultServer;
AppController *s_instance = nullptr;

// The server typed last, kept beside the cache (not in the cache: there is none before the
// first sign-up, and the Welcome page should offer it again after a log-out).
QSettings settingsOf(const QString &profileDir)
{
    return QSettings(QDir(profileDir).filePath(QStringLiteral("ui.ini")), QSettings::IniFormat);
}
} // namespace

AppController::AppController(const QString &profileDir, const QUrl &defaultServer, QObject *parent)
    : QObject(parent), m_profileDir(profileDir), m_rooms(new RoomListModel(this)),
      m_invitations(new InvitationModel(this)), m_contacts(new ContactModel(this)), m_devices(new DeviceModel(this)),
      m_notices(new NoticeModel(this)), m_roles(new RolePermissionModel(this)), m_currentRoom(new RoomInfo(this)),
      m_messages(new MessageModel(this)), m_members(new MemberModel(this)), m_signup(new SignupFlow(this)),
      m_login(new LoginFlow(this)), m_invite(new InviteFlow(this)), m_verification(new VerificationFlow(this))
{
    s_instance = this;
    m_serverUrl = settingsOf(m_profileDir).value(QStringLiteral("server")).toString();
    if (m_serverUrl.isEmpty())
        m_serverUrl = defaultServer.toString();
    m_signup->setProfileDir(m_profileDir);
    m_login->setProfileDir(m_profileDir);
    connect(m_rooms, &RoomListModel::unreadTotalChanged, this, &AppController::unreadTotalChanged);
    // A finished sign-up or log-in leaves an account in the profile: open it.
    connect(m_signup, &SignupFlow::stateChanged, this, [this] {
        if (m_signup->state() == SignupFlow::Done) {
            setServerUrl(m_signup->server().toString());
            // Next turn: the flow's Done is seen by the view before App turns Ready.
            QTimer::singleShot(0, this, &AppController::openProfile);
        }
    });
    connect(m_login, &LoginFlow::stateChanged, this, [this] {
        if (m_login->state() == LoginFlow::Done) {
            setServerUrl(m_login->server().toString());
            QTimer::singleShot(0, this, &AppController::openProfile);
        }
    });
    connect(m_verification, &VerificationFlow::trustRecorded, this, &AppController::trustChanged);

    if (QFileInfo::exists(QDir(m_profileDir).filePath(QStringLiteral("cache.sqlite")))) {
        // Opening reads the keychain (a D-Bus round trip, or a prompt): after the first frame.
        setState(Opening);
        QTimer::singleShot(0, this, &AppController::openProfile);
    }
}

AppController::~AppController()
{
    detach();
    if (s_instance == this)
        s_instance = nullptr;
}

AppController *AppController::create(QQmlEngine *, QJSEngine *)
{
    QString profile = s_defaultProfile;
    if (profile.isEmpty())
        profile = qEnvironmentVariable("TAVERN_PROFILE");
    if (profile.isEmpty())
        profile = client::defaultProfileDir();
    QUrl server = s_defaultServer;
    if (server.isEmpty())
        server = QUrl(qEnvironmentVariable("TAVERN_SERVER"));
    // No parent: the QML engine owns the singleton it asked for.
    return new AppController(profile, server);
}

void AppController::setDefaultProfile(const QString &profileDir, const QUrl &server)
{
    s_defaultProfile = profileDir;
    s_defaultServer = server;
}

AppController *AppController::instance()
{
    return s_instance;
}

void AppController::setServerUrl(const QString &url)
{
    if (url == m_serverUrl)
        return;
    m_serverUrl = url;
    if (QDir().mkpath(m_profileDir))
        settingsOf(m_profileDir).setValue(QStringLiteral("server"), url);
    Q_EMIT serverUrlChanged();
}

QString AppController::username() const
{
    return m_session ? m_session->username() : QString();
}

QString AppController::currentRoomId() const
{
    return toHex(m_currentRoomId);
}

int AppController::unreadTotal() const
{
    return m_rooms->unreadTotal();
}

void AppController::setState(State s, const QString &errorText)
{
    if (s == m_state && errorText == m_errorText)
        return;
    m_state = s;
    m_errorText = errorText;
    Q_EMIT stateChanged();
}

void AppController::openProfile()
{
    setState(Opening);
    auto session = client::Session::open(m_profileDir);
    if (!session) {
        if (session.code() == int(client::SessionError::NoAccount))
            return setState(Welcome);
        return setState(Failed, session.error().message);
    }
    attach(std::move(session).value());
}

void AppController::attach(std::unique_ptr<client::Session> session)
{
    detach();
    m_session = std::move(session);
    client::Session *s = m_session.get();
    setServerUrl(s->server().toString());
    connect(&s->connection(), &client::Connection::stateChanged, this, &AppController::onConnectionState);
    connect(s, &client::Session::synced, this, &AppController::onSynced);
    connect(s, &client::Session::roomChanged, this, &AppController::onRoomChanged);
    connect(s, &client::Session::messagesChanged, this, &AppController::onMessagesChanged);
    connect(s, &client::Session::noticeAdded, this, &AppController::onNoticeAdded);
    // Delivery states of the current room's own messages (queued -> sent / failed).
    connect(s, &client::Session::outboxChanged, this, [this] {
        if (!m_currentRoomId.isEmpty())
            m_messages->refresh();
    });
    for (ListModel *m :
         std::initializer_list<ListModel *>{m_rooms, m_invitations, m_contacts, m_notices, m_messages, m_members})
        m->setSession(s);
    m_devices->setSession(s); // lists itself once the connection is ready
    m_invite->setContext(s, m_currentRoomId);
    m_verification->setContext(s, m_currentRoomId);
    primeNotifications();
    // Reopen the room the user had open last (as Signal and Element do), before the first
    // frame of the signed-in screen, if it is still in the room list.
    const QByteArray last =
        QByteArray::fromHex(s->cache().meta(QStringLiteral("ui.lastRoom")).value().value_or(QByteArray()));
    if (!last.isEmpty() && m_rooms->indexOf(toHex(last)) >= 0)
        setCurrentRoomId(toHex(last));
    m_signup->reset();
    m_login->reset();
    setState(Ready);
    s->start();
}

void AppController::detach()
{
    if (!m_session)
        return;
    m_rememberRoom = false; // signing out is not the user leaving the room
    setCurrentRoomId({});
    m_rememberRoom = true;
    for (ListModel *m :
         std::initializer_list<ListModel *>{m_rooms, m_invitations, m_contacts, m_notices, m_messages, m_members})
        m->setSession(nullptr);
    m_devices->setSession(nullptr);
    m_invite->setContext(nullptr, {});
    m_verification->setContext(nullptr, {});
    m_session->disconnect(this);
    m_session.reset();
    m_seenRow.clear();
    m_seenInvitations.clear();
    m_myRoles.clear();
    m_announceAfter.clear();
    if (m_connected || m_syncing) {
        m_connected = m_syncing = false;
        Q_EMIT connectionChanged();
    }
}

void AppController::onConnectionState()
{
    const bool ready = m_session && m_session->connection().state() == client::Connection::State::Ready;
    // A fresh login is followed by a full sync (Session::onReady); until it ends, `syncing`.
    const bool syncing = ready && (m_syncing || !m_connected);
    if (ready == m_connected && syncing == m_syncing)
        return;
    m_connected = ready;
    m_syncing = syncing;
    Q_EMIT connectionChanged();
}

void AppController::onSynced()
{
    if (m_syncing) {
        m_syncing = false;
        Q_EMIT connectionChanged();
    }
    refreshAll();
    notifyRoomChanges();
}

void AppController::onRoomChanged(const QByteArray &roomId)
{
    // This room only (joined, left, renamed, members): a full sync changes every room, one
    // signal each, so nothing here may cost a pass over all rooms.
    m_rooms->refreshRoom(roomId);
    const keg::Member *me = myMember(*m_session, roomId);
    if ((me && me->state == keg::InviteState::Invited) || m_invitations->indexOf(toHex(roomId)) >= 0)
        m_invitations->refresh(); // it is, or was, an invitation
    m_contacts->refresh();        // members' keys are pinned from verified versions
    if (roomId == m_currentRoomId)
        refreshCurrentRoom();
    notifyRoomChanges(roomId);
}

void AppController::onMessagesChanged(const QByteArray &roomId)
{
    // What arrived since the models last looked, never the room again.
    m_rooms->messagesArrived(roomId);
    if (roomId == m_currentRoomId)
        m_messages->messagesArrived();
    notifyMessages(roomId);
}

void AppController::onNoticeAdded(const storage::Notice &notice)
{
    m_notices->refresh();
    m_contacts->refresh();
    if (notice.dbId.isEmpty())
        m_rooms->refresh(); // a key change seen outside a room touches every room with them
    else
        m_rooms->refreshRoom(notice.dbId);
    // A key change noticed in any room blocks every room with that member.
    if (notice.dbId.isEmpty() || notice.dbId == m_currentRoomId || notice.kind == QLatin1String("key-changed"))
        refreshCurrentRoom();
    Q_EMIT notify(QStringLiteral("security"), notice.dbId.isEmpty() ? QString() : toHex(notice.dbId),
                  notice.dbId.isEmpty() ? QString() : roomName(notice.dbId), notice.summary);
}

void AppController::refreshAll()
{
    m_rooms->refresh();
    m_invitations->refresh();
    m_contacts->refresh();
    m_notices->refresh();
    refreshCurrentRoom();
}

void AppController::refreshCurrentRoom()
{
    m_messages->refresh();
    m_members->refresh();
    m_currentRoom->update(m_session.get(), m_currentRoomId);
    m_verification->setContext(m_session.get(), m_currentRoomId);
}

void AppController::trustChanged()
{
    m_contacts->refresh();
    m_rooms->refresh();
    refreshCurrentRoom();
}

void AppController::setCurrentRoomId(const QString &roomId)
{
    const QByteArray id = fromHex(roomId);
    if (id == m_currentRoomId)
        return;
    m_currentRoomId = id;
    if (m_session && m_rememberRoom)
        (void)m_session->cache().setMeta(QStringLiteral("ui.lastRoom"), id.toHex());
    m_messages->setRoomId(id);
    m_members->setRoomId(id);
    m_currentRoom->update(m_session.get(), id);
    m_invite->setContext(m_session.get(), id);
    m_verification->setContext(m_session.get(), id);
    Q_EMIT currentRoomIdChanged();
    Q_EMIT roomSelected(toHex(id));
}

QString AppController::roomName(const QByteArray &roomId) const
{
    if (!m_session)
        return {};
    const keg::BootKegVersion *v = head(*m_session, roomId);
    return v ? QString::fromUtf8(v->name) : QString();
}

bool AppController::report(const Status &s)
{
    if (s)
        return true;
    Q_EMIT error(s.error().message);
    return false;
}

} // namespace tavern::ui
