// SignupFlow: creating an account — details, the key derivation and upload (Working), the
// account secret shown once (ShowSecret), two of its groups asked back (Confirm), Done.
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QStringList>
#include <QVariantList>

namespace tavern::ui {

class SignupFlow : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.signup is the sign-up flow")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QStringList secretGroups READ secretGroups NOTIFY secretChanged)
    Q_PROPERTY(QVariantList confirmIndexes READ confirmIndexes NOTIFY secretChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString username READ username NOTIFY stateChanged)
public:
    enum State { Details, Working, ShowSecret, Confirm, Done, Failed };
    Q_ENUM(State)

    explicit SignupFlow(QObject *parent = nullptr);

    // The profile the account is created in (set by App before start()).
    void setProfileDir(const QString &dir) { m_profileDir = dir; }

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] QStringList secretGroups() const { return m_groups; }
    [[nodiscard]] QVariantList confirmIndexes() const;
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] QString username() const { return m_username; }
    [[nodiscard]] QUrl server() const { return m_server; }

    Q_INVOKABLE void start(const QString &server, const QString &username);
    Q_INVOKABLE void secretNoted();
    Q_INVOKABLE void confirm(const QString &groupA, const QString &groupB);
    Q_INVOKABLE void back();
    // To Details, forgetting the secret (after Done, or on log-out).
    void reset();

Q_SIGNALS:
    void stateChanged();
    void secretChanged();
    void errorChanged();

private:
    void setState(State s);
    void setError(const QString &e);
    void run();

    State m_state = Details;
    QString m_profileDir;
    QUrl m_server;
    QString m_username;
    QStringList m_groups;
    int m_indexA = 0; // 1-based
    int m_indexB = 0;
    QString m_error;
};

} // namespace tavern::ui
