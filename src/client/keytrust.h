// KeyTrust: what Tavern does when a contact's keys are not the ones this user pinned
// (docs/client.md, "Key changes"). Owned by the Session (Session::keyTrust()).
//  - Every full sync checks the keys of every member of every room against the pins, in one
//    batched directory lookup per page of names (check()).
//  - A key change is one notice per (contact, new key), kept across restarts, reconnects and
//    the user's devices; when the user decides, a "<kind>-resolved" notice with the same
//    evidence follows (isResolved()).
//  - Accepting a new key supersedes the old one for good: a room that still lists the old
//    key blocks sending until an admin re-adds the member with the new key (readd()) or
//    removes them; the old key is never pinned again.
//  - "They don't match" (markMismatch()) is a trust state of its own, synced through the pin
//    log; it warns in every room that key is or was in and blocks sending where it is.
#pragma once

#include "common/result.h"
#include "keg/bootkeg.h"
#include "storage/cache.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace tavern::client {

class Session;

class KeyTrust : public QObject
{
    Q_OBJECT
public:
    explicit KeyTrust(Session &session);

    // Re-adds a member whose in-room keys are not the ones pinned (their account was reset
    // and the new key accepted): removes the old entry (departure cut-off and rekey as
    // remove does), then invites the pinned keys with the same role. Two room versions in a
    // row through the outbox (docs/decisions.md 15). history: the room's policy if not given.
    [[nodiscard]] Status readd(const QByteArray &roomId, const QString &username,
                               std::optional<keg::HistoryPolicy> history = std::nullopt);
    // "They don't match": the user compared safety numbers out of band and they differ.
    [[nodiscard]] Status markMismatch(const QString &username);
    // Why nobody may send in this room because of a member's keys; Ok when nothing blocks.
    [[nodiscard]] Status roomBlock(const QByteArray &roomId);
    [[nodiscard]] Status versionBlock(const keg::BootKegVersion &v);
    // A new room key must not be sealed to a key whose comparison failed.
    [[nodiscard]] Status sealBlock(const keg::BootKegVersion &next);
    // Commits to the room id and the head's members (name, keys, role): the same after a
    // rename or a new topic, different when anyone's keys or role differ (docs/client.md).
    [[nodiscard]] QStringList roomFingerprint(const QByteArray &roomId);
    // A key-changed, mismatch or readd-needed notice the user has since resolved.
    [[nodiscard]] bool isResolved(const storage::Notice &notice);

    // Engine hooks (sync, contacts, pin log).
    void check(std::function<void()> done); // a sync step: the batched directory check
    void settle();                          // raises room notices, resolves settled ones
    enum class Seen { Directory, InRoom, PinLog };
    // Keys seen for a contact: pinned on first sight (logged unless from the pin log),
    // recorded as a key change otherwise (one notice per contact and key).
    [[nodiscard]] Status observe(const QString &name, const QByteArray &sign, const QByteArray &box, Seen from,
                                 const QByteArray &roomId = {});
    [[nodiscard]] bool isSuperseded(const QString &name, const QByteArray &sign);
    [[nodiscard]] Status supersede(const QString &name, const QByteArray &sign);
    // A mismatch recorded here or by another device: trust state and notices.
    [[nodiscard]] Status applyMismatch(const QString &name, const QByteArray &sign);
    // Its notices: the contact, every room where that key is a member or was one.
    void raiseMismatchNotices(const QString &name, const QByteArray &sign);

private:
    void lookupPage(std::shared_ptr<QStringList> names, std::function<void()> done);

    Session &m_s;
};

} // namespace tavern::client
