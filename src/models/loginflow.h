// LoginFlow: this account on a new device — username and account secret, the key derivation
// and login (Working), Done or Failed.
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QUrl>

namespace tavern::ui {

class LoginFlow : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.login is the log-in flow")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
public:
    enum State { Details, Working, Done, Failed };
    Q_ENUM(State)

    explicit LoginFlow(QObject *parent = nullptr);
    void setProfileDir(const QString &dir) { m_profileDir = dir; }

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] QUrl server() const { return m_server; }

    Q_INVOKABLE void start(const QString &server, const QString &username, const QString &secret);
    Q_INVOKABLE void back();
    void reset();

Q_SIGNALS:
    void stateChanged();
    void errorChanged();

private:
    void setState(State s);
    void setError(const QString &e);

    State m_state = Details;
    QString m_profileDir;
    QUrl m_server;
    QString m_error;
};

} // namespace tavern::ui
