#include "secretstore.h"

#include <QEventLoop>

#include <qt6keychain/keychain.h>

namespace tavern::storage {

namespace {

constexpr std::size_t LocalKeyBytes = 32;

Error translate(QKeychain::Error e, const QString &detail)
{
    switch (e) {
    case QKeychain::EntryNotFound:
        return Error{int(SecretError::NotFound),
                     QStringLiteral("No Tavern key is stored in the keychain for this account.")};
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return Error{int(SecretError::Locked),
                     QStringLiteral("The keychain refused access (%1). Unlock your keyring "
                                    "(for example log in to the desktop session) and try again.")
                         .arg(detail)};
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return Error{int(SecretError::NoKeychain),
                     QStringLiteral("No keychain is available (%1). Install and start a secret "
                                    "service such as gnome-keyring or KWallet, or choose the "
                                    "passphrase-protected key file.")
                         .arg(detail)};
    default: break;
    }
    // QtKeychain reports a missing D-Bus session or secret service as OtherError; its
    // message tells which (stack-facts.md, section 1).
    if (detail.contains(QLatin1String("D-Bus")) || detail.contains(QLatin1String("DBus"))
        || detail.contains(QLatin1String("Could not connect")) || detail.contains(QLatin1String("autolaunch"))
        || detail.contains(QLatin1String("Object does not exist")) || detail.contains(QLatin1String("Unknown error")))
        return Error{int(SecretError::NoKeychain),
                     QStringLiteral("No keychain is reachable (%1). Install and start a secret "
                                    "service (gnome-keyring, or KWallet on KDE; on a headless "
                                    "machine a D-Bus session with gnome-keyring-daemon), unlock "
                                    "it, or choose the passphrase-protected key file.")
                         .arg(detail)};
    if (detail.contains(QLatin1String("locked")))
        return Error{int(SecretError::Locked),
                     QStringLiteral("The keychain is locked (%1). Unlock it and try again.").arg(detail)};
    return Error{int(SecretError::Failed), QStringLiteral("The keychain failed: %1").arg(detail)};
}

template <typename T> T waitFor(const std::function<void(std::function<void(T)>)> &start)
{
    std::optional<T> out;
    QEventLoop loop;
    start([&](T r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec();
    return std::move(*out);
}

} // namespace

SecretStore::SecretStore(QString namespaceId) : m_namespace(std::move(namespaceId)) {}

QString SecretStore::entryName(const QString &account) const
{
    return QStringLiteral("tavern/%1/%2").arg(m_namespace, account);
}

void SecretStore::readKey(const QString &account, KeyCallback done) const
{
    auto *job = new QKeychain::ReadPasswordJob(QString::fromLatin1(ServiceName));
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext file
    job->setKey(entryName(account));
    QObject::connect(job, &QKeychain::Job::finished, job, [done = std::move(done)](QKeychain::Job *j) {
        auto *r = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (r->error() != QKeychain::NoError) {
            done(translate(r->error(), r->errorString()));
            return;
        }
        QByteArray data = r->binaryData();
        if (data.size() != qsizetype(LocalKeyBytes)) {
            crypto::wipe(data);
            done(Error{int(SecretError::Corrupt),
                       QStringLiteral("The keychain entry for this account is not a Tavern key.")});
            return;
        }
        crypto::SecureBytes key = crypto::SecureBytes::copyOf(data);
        crypto::wipe(data);
        done(std::move(key));
    });
    job->start();
}

void SecretStore::writeKey(const QString &account, const crypto::SecureBytes &key, DoneCallback done) const
{
    auto *job = new QKeychain::WritePasswordJob(QString::fromLatin1(ServiceName));
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entryName(account));
    QByteArray data = key.view().toByteArray();
    job->setBinaryData(data);
    crypto::wipe(data); // the job keeps its own copy until it finishes
    QObject::connect(job, &QKeychain::Job::finished, job, [done = std::move(done)](QKeychain::Job *j) {
        if (j->error() != QKeychain::NoError)
            done(translate(j->error(), j->errorString()));
        else
            done(Ok{});
    });
    job->start();
}

void SecretStore::removeKey(const QString &account, DoneCallback done) const
{
    auto *job = new QKeychain::DeletePasswordJob(QString::fromLatin1(ServiceName));
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entryName(account));
    QObject::connect(job, &QKeychain::Job::finished, job, [done = std::move(done)](QKeychain::Job *j) {
        if (j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound)
            done(translate(j->error(), j->errorString()));
        else
            done(Ok{});
    });
    job->start();
}

Result<crypto::SecureBytes> SecretStore::readKeyBlocking(const QString &account) const
{
    return waitFor<Result<crypto::SecureBytes>>([&](auto cb) { readKey(account, std::move(cb)); });
}

Status SecretStore::writeKeyBlocking(const QString &account, const crypto::SecureBytes &key) const
{
    return waitFor<Status>([&](auto cb) { writeKey(account, key, std::move(cb)); });
}

Status SecretStore::removeKeyBlocking(const QString &account) const
{
    return waitFor<Status>([&](auto cb) { removeKey(account, std::move(cb)); });
}

Result<crypto::SecureBytes> SecretStore::localKeyBlocking(const QString &account) const
{
    auto existing = readKeyBlocking(account);
    if (existing || existing.code() != int(SecretError::NotFound))
        return existing;
    crypto::SecureBytes fresh = crypto::SecureBytes::random(LocalKeyBytes);
    if (auto w = writeKeyBlocking(account, fresh); !w)
        return w.error();
    return fresh;
}

} // namespace tavern::storage
