// VerificationFlow: comparing safety numbers with someone (in person, or by scanning the QR
// code) and recording the result. For a contact whose key changed, the number compared is
// the one with the *new* key, and "they match" accepts that key and marks it verified.
#pragma once

#include "client/session.h"

#include <QObject>
#include <QQmlEngine>
#include <QStringList>

namespace tavern::ui {

class VerificationFlow : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.verification is the verification flow")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString username READ username NOTIFY stateChanged)
    Q_PROPERTY(int trust READ trust NOTIFY stateChanged)
    Q_PROPERTY(QStringList safetyNumberGroups READ safetyNumberGroups NOTIFY stateChanged)
    Q_PROPERTY(QString qrPayload READ qrPayload NOTIFY stateChanged)
    Q_PROPERTY(QString roomFingerprint READ roomFingerprint NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
public:
    enum State { Idle, Compare, Verified, Mismatch };
    Q_ENUM(State)

    explicit VerificationFlow(QObject *parent = nullptr);
    void setContext(client::Session *session, const QByteArray &roomId);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] QString username() const { return m_username; }
    [[nodiscard]] int trust() const { return m_trust; }
    [[nodiscard]] QStringList safetyNumberGroups() const { return m_groups; }
    [[nodiscard]] QString qrPayload() const;
    [[nodiscard]] QString roomFingerprint() const { return m_roomFingerprint; }
    [[nodiscard]] QString error() const { return m_error; }

    Q_INVOKABLE void begin(const QString &username);
    Q_INVOKABLE void theyMatch();
    Q_INVOKABLE void theyDontMatch();
    Q_INVOKABLE void close();

Q_SIGNALS:
    void stateChanged();
    // A trust decision was recorded (App refreshes members, contacts and the room header).
    void trustRecorded();

private:
    [[nodiscard]] std::optional<crypto::PublicIdentity> keysToCompare();
    void updateFingerprint();

    client::Session *m_session = nullptr;
    QByteArray m_roomId;
    State m_state = Idle;
    QString m_username;
    int m_trust = 0;
    QStringList m_groups;
    QString m_roomFingerprint;
    QString m_error;
};

} // namespace tavern::ui
