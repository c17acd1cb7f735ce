// AppController: the `App` QML singleton. Opens the profile's account (or shows Welcome),
// owns the engine Session, keeps every model in step with the engine's signals, runs the
// user's actions against the current room, and raises notify() for what the shell announces.
// docs/app.md is the contract with the views.
#pragma once

#include "client/session.h"
#include "contactmodel.h"
#include "devicemodel.h"
#include "invitationmodel.h"
#include "inviteflow.h"
#include "loginflow.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "noticemodel.h"
#include "rolepermissionmodel.h"
#include "roominfo.h"
#include "roomlistmodel.h"
#include "signupflow.h"
#include "verificationflow.h"

#include <QHash>
#include <QObject>
#include <QQmlEngine>
#include <QSet>
#include <QUrl>

#include <memory>

namespace tavern::ui {

class AppController : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(App)
    QML_SINGLETON
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY stateChanged)
    Q_PROPERTY(QString profileDir READ profileDir CONSTANT)
    Q_PROPERTY(QString serverUrl READ serverUrl WRITE setServerUrl NOTIFY serverUrlChanged)
    Q_PROPERTY(QString username READ username NOTIFY stateChanged)
    Q_PROPERTY(bool connected READ connected NOTIFY connectionChanged)
    Q_PROPERTY(bool syncing READ syncing NOTIFY connectionChanged)
    Q_PROPERTY(tavern::ui::RoomListModel *rooms READ rooms CONSTANT)
    Q_PROPERTY(tavern::ui::InvitationModel *invitations READ invitations CONSTANT)
    Q_PROPERTY(tavern::ui::ContactModel *contacts READ contacts CONSTANT)
    Q_PROPERTY(tavern::ui::DeviceModel *devices READ devices CONSTANT)
    Q_PROPERTY(tavern::ui::NoticeModel *notices READ notices CONSTANT)
    Q_PROPERTY(tavern::ui::RolePermissionModel *roles READ roles CONSTANT)
    Q_PROPERTY(QString currentRoomId READ currentRoomId WRITE setCurrentRoomId NOTIFY currentRoomIdChanged)
    Q_PROPERTY(tavern::ui::RoomInfo *currentRoom READ currentRoom CONSTANT)
    Q_PROPERTY(tavern::ui::MessageModel *messages READ messages CONSTANT)
    Q_PROPERTY(tavern::ui::MemberModel *members READ members CONSTANT)
    Q_PROPERTY(tavern::ui::SignupFlow *signup READ signup CONSTANT)
    Q_PROPERTY(tavern::ui::LoginFlow *login READ login CONSTANT)
    Q_PROPERTY(tavern::ui::InviteFlow *invite READ invite CONSTANT)
    Q_PROPERTY(tavern::ui::VerificationFlow *verification READ verification CONSTANT)
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
public:
    enum State { Welcome, Opening, Ready, Failed };
    Q_ENUM(State)

    // Opens the profile's account on the next event-loop turn (state Opening), or Welcome.
    explicit AppController(const QString &profileDir, const QUrl &defaultServer = {}, QObject *parent = nullptr);
    ~AppController() override;

    // The QML engine's instance. Profile and server, in order: setDefaultProfile(), the
    // environment (TAVERN_PROFILE, TAVERN_SERVER), the user's default profile. The app's
    // main.cpp, the Quick tests and the screenshot script each point it at their own profile.
    static AppController *create(QQmlEngine *qml, QJSEngine *js);
    static void setDefaultProfile(const QString &profileDir, const QUrl &server = {});
    // The most recently created instance (the shell's tray and notifier connect to it).
    static AppController *instance();

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] QString errorText() const { return m_errorText; }
    [[nodiscard]] QString profileDir() const { return m_profileDir; }
    [[nodiscard]] QString serverUrl() const { return m_serverUrl; }
    void setServerUrl(const QString &url);
    [[nodiscard]] QString username() const;
    [[nodiscard]] bool connected() const { return m_connected; }
    [[nodiscard]] bool syncing() const { return m_syncing; }
    [[nodiscard]] RoomListModel *rooms() const { return m_rooms; }
    [[nodiscard]] InvitationModel *invitations() const { return m_invitations; }
    [[nodiscard]] ContactModel *contacts() const { return m_contacts; }
    [[nodiscard]] DeviceModel *devices() const { return m_devices; }
    [[nodiscard]] NoticeModel *notices() const { return m_notices; }
    [[nodiscard]] RolePermissionModel *roles() const { return m_roles; }
    [[nodiscard]] QString currentRoomId() const;
    void setCurrentRoomId(const QString &roomId);
    [[nodiscard]] RoomInfo *currentRoom() const { return m_currentRoom; }
    [[nodiscard]] MessageModel *messages() const { return m_messages; }
    [[nodiscard]] MemberModel *members() const { return m_members; }
    [[nodiscard]] SignupFlow *signup() const { return m_signup; }
    [[nodiscard]] LoginFlow *login() const { return m_login; }
    [[nodiscard]] InviteFlow *invite() const { return m_invite; }
    [[nodiscard]] VerificationFlow *verification() const { return m_verification; }
    [[nodiscard]] int unreadTotal() const;
    // The engine, for the shell and tests; null unless Ready.
    [[nodiscard]] client::Session *session() const { return m_session.get(); }

    // Actions (appactions.cpp). Failures are reported through error(message).
    Q_INVOKABLE void createRoom(const QString &name, const QString &topic, int history);
    Q_INVOKABLE void send(const QString &text);
    Q_INVOKABLE void retry(const QString &kegId);
    Q_INVOKABLE void accept(const QString &roomId);
    Q_INVOKABLE void decline(const QString &roomId);
    Q_INVOKABLE void declineAndBlock(const QString &roomId);
    Q_INVOKABLE void leave(const QString &roomId);
    Q_INVOKABLE void removeMember(const QString &username);
    Q_INVOKABLE void setRole(const QString &username, int role);
    Q_INVOKABLE void setSettings(const QString &name, const QString &topic, int history);
    Q_INVOKABLE void markVerified(const QString &username);
    Q_INVOKABLE void acceptKeyChange(const QString &username);
    Q_INVOKABLE void markRead();
    Q_INVOKABLE void logout();

Q_SIGNALS:
    void stateChanged();
    void serverUrlChanged();
    void connectionChanged();
    void currentRoomIdChanged();
    void unreadTotalChanged();
    void error(const QString &message);
    void roomSelected(const QString &roomId);
    void notify(const QString &kind, const QString &roomId, const QString &title, const QString &body);

private:
    void setState(State s, const QString &errorText = {});
    void openProfile();
    void attach(std::unique_ptr<client::Session> session);
    void detach();
    void onConnectionState();
    void onSynced();
    void onRoomChanged(const QByteArray &roomId);
    void onMessagesChanged(const QByteArray &roomId);
    void onNoticeAdded(const storage::Notice &notice);
    void refreshAll();
    void refreshCurrentRoom();
    void trustChanged();
    [[nodiscard]] bool report(const Status &s); // false (and error()) on failure
    [[nodiscard]] QString roomName(const QByteArray &roomId) const;

    // Notifications (appnotify.cpp): what was already there when the session opened is
    // known, only what arrives later is announced.
    void primeNotifications();
    void notifyMessages(const QByteArray &roomId);
    // Every room (after a sync), or only `only` (a room change).
    void notifyRoomChanges(const QByteArray &only = {});

    QString m_profileDir;
    QString m_serverUrl;
    State m_state = Welcome;
    QString m_errorText;
    std::unique_ptr<client::Session> m_session;
    bool m_connected = false;
    bool m_syncing = false;
    QByteArray m_currentRoomId;

    RoomListModel *m_rooms;
    InvitationModel *m_invitations;
    ContactModel *m_contacts;
    DeviceModel *m_devices;
    NoticeModel *m_notices;
    RolePermissionModel *m_roles;
    RoomInfo *m_currentRoom;
    MessageModel *m_messages;
    MemberModel *m_members;
    SignupFlow *m_signup;
    LoginFlow *m_login;
    InviteFlow *m_invite;
    VerificationFlow *m_verification;

    // Per room, the cache's message row up to which arrivals were looked at (a high-water
    // mark: Session::messagesSince from it); rooms without one start from m_primeRow.
    QHash<QByteArray, qint64> m_seenRow;
    qint64 m_primeRow = 0;
    bool m_rememberRoom = true; // setCurrentRoomId stores the room as the one to reopen
    // Rooms joined after the session opened: their history arrives after the join and is not
    // news; only messages sent after this time (less a minute of clock skew) are announced.
    QHash<QByteArray, qint64> m_announceAfter;
    QSet<QByteArray> m_seenInvitations;
    QHash<QByteArray, int> m_myRoles;
};

} // namespace tavern::ui
