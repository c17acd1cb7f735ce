// SingleInstance: one running app per profile. The first launch holds a lock file in the
// profile and listens on a local socket; a second launch for the same profile asks the first
// to show its window and then exits (two apps on one cache would fight over its cursors).
#pragma once

#include <QLockFile>
#include <QObject>

#include <memory>

class QLocalServer;

namespace tavern::app {

class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(const QString &profileDir, QObject *parent = nullptr);
    ~SingleInstance() override;

    // True: this process is the instance for the profile. False: another one runs; it has
    // been asked to show itself (wasRaised() says whether it answered).
    [[nodiscard]] bool claim();
    [[nodiscard]] bool wasRaised() const { return m_raised; }
    [[nodiscard]] QString socketName() const { return m_name; }

Q_SIGNALS:
    void raiseRequested();

private:
    QString m_name;
    std::unique_ptr<QLockFile> m_lock;
    std::unique_ptr<QLocalServer> m_server;
    bool m_raised = false;
};

} // namespace tavern::app
