// RoomInfo: the current room's header facts and what this user may do in it (the role
// table), plus the key-change gate: the composer is blocked while a member's key changed.
#pragma once

#include "client/session.h"

#include <QObject>
#include <QQmlEngine>

namespace tavern::ui {

class RoomInfo : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.currentRoom is the one RoomInfo")
    // One change signal for all: the header re-reads everything whenever the room changes.
    Q_PROPERTY(QString roomId READ roomId NOTIFY changed)
    Q_PROPERTY(QString name READ name NOTIFY changed)
    Q_PROPERTY(QString topic READ topic NOTIFY changed)
    Q_PROPERTY(int memberCount READ memberCount NOTIFY changed)
    Q_PROPERTY(int myRole READ myRole NOTIFY changed)
    Q_PROPERTY(int history READ history NOTIFY changed)
    Q_PROPERTY(QString fingerprint READ fingerprint NOTIFY changed)
    Q_PROPERTY(int trustSummary READ trustSummary NOTIFY changed)
    Q_PROPERTY(bool canInvite READ canInvite NOTIFY changed)
    Q_PROPERTY(bool canChangeRoles READ canChangeRoles NOTIFY changed)
    Q_PROPERTY(bool canRemove READ canRemove NOTIFY changed)
    Q_PROPERTY(bool canEditSettings READ canEditSettings NOTIFY changed)
    Q_PROPERTY(bool composerBlocked READ composerBlocked NOTIFY changed)
    Q_PROPERTY(QStringList blockedBy READ blockedBy NOTIFY changed)
    Q_PROPERTY(bool revoked READ revoked NOTIFY changed)
    // Why the engine holds this room's outbox (rolled back, forked, incomplete chain, keys
    // inconsistent, a departure not yet carried out); empty when it does not.
    Q_PROPERTY(QString holdReason READ holdReason NOTIFY changed)
public:
    explicit RoomInfo(QObject *parent = nullptr);

    // Re-reads the room (empty id: no room selected, every property at its empty value).
    void update(client::Session *session, const QByteArray &roomId);

    [[nodiscard]] QString roomId() const { return m_roomId; }
    [[nodiscard]] QString name() const { return m_name; }
    [[nodiscard]] QString topic() const { return m_topic; }
    [[nodiscard]] int memberCount() const { return m_memberCount; }
    [[nodiscard]] int myRole() const { return m_myRole; }
    [[nodiscard]] int history() const { return m_history; }
    [[nodiscard]] QString fingerprint() const { return m_fingerprint; }
    [[nodiscard]] int trustSummary() const { return m_trustSummary; }
    [[nodiscard]] bool canInvite() const { return m_canInvite; }
    [[nodiscard]] bool canChangeRoles() const { return m_canChangeRoles; }
    [[nodiscard]] bool canRemove() const { return m_canRemove; }
    [[nodiscard]] bool canEditSettings() const { return m_canEditSettings; }
    [[nodiscard]] bool composerBlocked() const { return !m_blockedBy.isEmpty(); }
    [[nodiscard]] QStringList blockedBy() const { return m_blockedBy; }
    [[nodiscard]] bool revoked() const { return m_revoked; }
    [[nodiscard]] QString holdReason() const { return m_holdReason; }

Q_SIGNALS:
    void changed();

private:
    QString m_roomId;
    QString m_name;
    QString m_topic;
    int m_memberCount = 0;
    int m_myRole = 2;
    int m_history = 0;
    QString m_fingerprint;
    int m_trustSummary = 0;
    bool m_canInvite = false;
    bool m_canChangeRoles = false;
    bool m_canRemove = false;
    bool m_canEditSettings = false;
    QStringList m_blockedBy;
    bool m_revoked = false;
    QString m_holdReason;
};

} // namespace tavern::ui
