// The attacker's hand on the server's storage: opens the running tavern-server's SQLite file
// (WAL lets a second connection read and write while the server runs) and edits the
// records the server serves: boot-keg versions, the members table, kegs, users' keys.
// Every multi-statement change runs in one BEGIN IMMEDIATE transaction, so the server
// sees it whole. Tables: src/server/migrations.cpp.
#pragma once

#include "keg/bootkeg.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>

#include <functional>
#include <optional>

namespace tavern::test {

class ServerDb
{
public:
    explicit ServerDb(QString path);
    ~ServerDb();
    ServerDb(const ServerDb &) = delete;
    ServerDb &operator=(const ServerDb &) = delete;

    [[nodiscard]] bool open();
    [[nodiscard]] QString lastError() const { return m_error; }

    struct BootRow
    {
        quint64 version = 0;
        QByteArray hash;
        QString signer;
        QByteArray data;
    };
    struct MemberRow
    {
        QString username;
        int role = 2;
        int state = 1;
        QString invitedBy;
    };
    struct KegRow
    {
        QByteArray kegId;
        quint64 version = 0;
        QString author;
        int type = 0;
        quint64 collectionVersion = 0;
        QByteArray data;
    };
    struct UserKeys
    {
        QByteArray signKey;
        QByteArray boxKey;
        QByteArray signupSig;
    };

    // Boot keg.
    [[nodiscard]] QList<BootRow> bootKegs(const QByteArray &roomId);
    [[nodiscard]] bool insertBootKeg(const QByteArray &roomId, const BootRow &row);
    [[nodiscard]] bool deleteBootKegsFrom(const QByteArray &roomId, quint64 version);
    // The server's members table (who it treats as joined / invited).
    [[nodiscard]] QList<MemberRow> members(const QByteArray &roomId);
    [[nodiscard]] bool setMembers(const QByteArray &roomId, const QList<MemberRow> &rows);
    [[nodiscard]] bool setMemberState(const QByteArray &roomId, const QString &username, int state);

    // Kegs.
    [[nodiscard]] QList<KegRow> kegs(const QByteArray &dbId);
    [[nodiscard]] std::optional<KegRow> keg(const QByteArray &dbId, const QByteArray &kegId);
    // Replaces a keg's bytes (and the author column) in place; with moveToEnd it also gets a
    // new collection version, so every reader fetches it again.
    [[nodiscard]] bool rewriteKeg(const QByteArray &dbId, const QByteArray &kegId, const QByteArray &data,
                                  const QString &author, bool moveToEnd);
    // Stores bytes under (dbId, kegId) as a new keg at the end of dbId's collection.
    [[nodiscard]] bool insertKeg(const QByteArray &dbId, const QByteArray &kegId, const QByteArray &data,
                                 const QString &author, int type);
    // Removes a keg outright (a server that drops a record).
    [[nodiscard]] bool deleteKeg(const QByteArray &dbId, const QByteArray &kegId);
    // Puts a row back exactly as it was (its collection version too): the server serving
    // again, where it belongs, what it had held back.
    [[nodiscard]] bool restoreKeg(const QByteArray &dbId, const KegRow &row);
    // What keg.delete does (a tombstone: version + 1, no data, a new collection version at the
    // end), done without any member asking; undelete puts `data` back live at the end.
    [[nodiscard]] bool tombstone(const QByteArray &dbId, const QByteArray &kegId);
    [[nodiscard]] bool undelete(const QByteArray &dbId, const QByteArray &kegId, const QByteArray &data);
    // Exchanges the collection versions (the server's delivery order) of two kegs.
    [[nodiscard]] bool swapOrder(const QByteArray &dbId, const QByteArray &kegA, const QByteArray &kegB);

    // Users.
    [[nodiscard]] std::optional<UserKeys> userKeys(const QString &username);
    [[nodiscard]] bool setUserKeys(const QString &username, const UserKeys &keys);

private:
    [[nodiscard]] bool exec(const QString &sql, const QVariantList &args = {});
    [[nodiscard]] QList<QVariantList> select(const QString &sql, const QVariantList &args = {});
    [[nodiscard]] bool transaction(const std::function<bool()> &body);
    [[nodiscard]] std::optional<quint64> nextCollectionVersion(const QByteArray &dbId);

    QString m_path;
    QString m_name;
    QString m_error;
};

} // namespace tavern::test
