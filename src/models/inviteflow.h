// InviteFlow: inviting someone to the current room — look the user up (their keys are pinned
// on first sight, and a changed key stops the flow), show their safety number, send the
// invitation and follow it through the outbox until the server took it or refused it.
#pragma once

#include "client/session.h"

#include <QObject>
#include <QQmlEngine>

namespace tavern::ui {

class InviteFlow : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.invite is the invitation flow")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString username READ username NOTIFY stateChanged)
    Q_PROPERTY(int trust READ trust NOTIFY stateChanged)
    Q_PROPERTY(QString safetyNumber READ safetyNumber NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
public:
    enum State { Search, Looking, Found, NotFound, KeyChanged, Sending, Sent, Failed };
    Q_ENUM(State)

    explicit InviteFlow(QObject *parent = nullptr);
    // The session and the room invitations go to (App.currentRoomId).
    void setContext(client::Session *session, const QByteArray &roomId);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] QString username() const { return m_username; }
    [[nodiscard]] int trust() const { return m_trust; }
    [[nodiscard]] QString safetyNumber() const { return m_safetyNumber; }
    [[nodiscard]] QString error() const { return m_error; }

    Q_INVOKABLE void find(const QString &username);
    Q_INVOKABLE void send(int role, int history);
    Q_INVOKABLE void reset();

Q_SIGNALS:
    void stateChanged();

private:
    void lookUp();
    void followOutbox();
    void fail(State s, const QString &error);

    client::Session *m_session = nullptr;
    QByteArray m_roomId;
    State m_state = Search;
    QString m_username;
    int m_trust = 0;
    QString m_safetyNumber;
    QString m_error;
    qint64 m_outboxId = 0; // the invitation's outbox item while Sending
    QMetaObject::Connection m_outboxWatch;
};

} // namespace tavern::ui
