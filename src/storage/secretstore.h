// SecretStore: the one wrapper around QtKeychain. It keeps exactly one random local key per
// account in the OS keychain; everything else secret is encrypted with that key by the
// caller. Every keychain failure becomes a specific, actionable error; there is never a
// silent plaintext fallback and never an exit().
#pragma once

#include "common/result.h"
#include "crypto/securebytes.h"

#include <QObject>
#include <QString>

#include <functional>

namespace tavern::storage {

enum class SecretError {
    NotFound = 1, // nothing stored under this account
    NoKeychain,   // no secret service / keychain reachable
    Locked,       // the keychain exists but is locked or refused access
    Failed,       // anything else, with the keychain's own message
    Corrupt,      // an entry is there but is not a Tavern key
};

class SecretStore
{
public:
    // namespaceId separates profiles and test runs: "tavern/<namespaceId>/<account>".
    explicit SecretStore(QString namespaceId);

    using KeyCallback = std::function<void(Result<crypto::SecureBytes>)>;
    using DoneCallback = std::function<void(Status)>;

    // Asynchronous: callbacks run on the caller's event loop.
    void readKey(const QString &account, KeyCallback done) const;
    void writeKey(const QString &account, const crypto::SecureBytes &key, DoneCallback done) const;
    void removeKey(const QString &account, DoneCallback done) const;

    // Blocking variants (a local event loop) for the CLI and tests.
    [[nodiscard]] Result<crypto::SecureBytes> readKeyBlocking(const QString &account) const;
    [[nodiscard]] Status writeKeyBlocking(const QString &account, const crypto::SecureBytes &key) const;
    [[nodiscard]] Status removeKeyBlocking(const QString &account) const;

    // Returns the account's local key, creating and storing a random one on first use.
    [[nodiscard]] Result<crypto::SecureBytes> localKeyBlocking(const QString &account) const;

    [[nodiscard]] QString entryName(const QString &account) const;
    static constexpr const char *ServiceName = "tavern";

private:
    QString m_namespace;
};

} // namespace tavern::storage
