// Per-room tracking of each author's message chain (threat-model rule 6): counters and
// previous-message hashes reveal a message the server withheld (A11), delivered out of order
// (A12) or replayed (A13), and an author who signed two messages with one counter.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <limits>
#include <map>
#include <vector>

namespace tavern::client {

enum class Placement {
    Accepted,       // new, consistent with what is known
    Duplicate,      // the same message again (a replay): show it once
    Equivocation,   // another message under a counter already used: security notice
    BrokenLink,     // previous-hash does not match the neighbour we hold: security notice
    AfterDeparture, // counter above the one recorded when the author left or was removed
};

class AuthorChains
{
public:
    // Records a message whose signature and membership were already verified. headVersion:
    // the room version the message names (max: already judged, e.g. read back from the cache).
    [[nodiscard]] Placement add(const QString &author, quint64 counter, const QByteArray &previousHash,
                                const QByteArray &hash, quint64 headVersion = std::numeric_limits<quint64>::max());
    // Counters below the author's highest that never arrived ("message missing" markers).
    // fromFirstHeld: count only from the lowest counter held, for a reader who joined later
    // without the earlier keys (the author's older messages are unreadable by design, not
    // missing).
    [[nodiscard]] QList<quint64> missing(const QString &author, bool fromFirstHeld = false) const;
    // A departure record of room version atVersion: the counter and hash the author ended
    // with. A later message (counter above it) naming a version before atVersion is
    // AfterDeparture; a member invited back posts again under the versions that list them
    // (their membership is checked by the caller against the version the message names) and
    // continues from there (highest/hashOf), even on a device that never held their earlier
    // messages (a re-added account's new device).
    void setDeparted(const QString &author, quint64 lastCounter, const QByteArray &lastHash, quint64 atVersion);
    [[nodiscard]] quint64 highest(const QString &author) const;
    [[nodiscard]] QByteArray hashOf(const QString &author, quint64 counter) const;

private:
    struct Entry
    {
        QByteArray hash;
        QByteArray previousHash;
    };
    struct Chain
    {
        std::map<quint64, Entry> entries;
        struct Departure
        {
            quint64 version = 0; // the room version that recorded it
            quint64 counter = 0;
            QByteArray hash;
        };
        std::vector<Departure> departures;
    };
    QHash<QString, Chain> m_chains;
};

// A12: given a room's messages in server order, returns the display order in which each
// author's messages appear by counter, in the slots the server gave that author.
struct TimelineItem
{
    QString author;
    quint64 counter = 0;
};
[[nodiscard]] QList<int> authorOrdered(const QList<TimelineItem> &serverOrder);

} // namespace tavern::client
