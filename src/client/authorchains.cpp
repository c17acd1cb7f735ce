#include "authorchains.h"

#include <algorithm>

namespace tavern::client {

Placement AuthorChains::add(const QString &author, quint64 counter, const QByteArray &previousHash,
                            const QByteArray &hash, quint64 headVersion)
{
    Chain &c = m_chains[author];
    for (const auto &d : c.departures) {
        if (headVersion < d.version && counter > d.counter)
            return Placement::AfterDeparture;
    }
    auto it = c.entries.find(counter);
    if (it != c.entries.end())
        return it->second.hash == hash ? Placement::Duplicate : Placement::Equivocation;
    // Check both neighbours we already hold: ours must follow the one below and the one
    // above must follow ours.
    if (counter > 1) {
        auto below = c.entries.find(counter - 1);
        if (below != c.entries.end() && below->second.hash != previousHash)
            return Placement::BrokenLink;
    } else if (previousHash != QByteArray(previousHash.size(), '\0')) {
        return Placement::BrokenLink;
    }
    auto above = c.entries.find(counter + 1);
    if (above != c.entries.end() && above->second.previousHash != hash)
        return Placement::BrokenLink;
    c.entries.emplace(counter, Entry{hash, previousHash});
    return Placement::Accepted;
}

QList<quint64> AuthorChains::missing(const QString &author, bool fromFirstHeld) const
{
    QList<quint64> out;
    auto it = m_chains.constFind(author);
    if (it == m_chains.constEnd() || it->entries.empty())
        return out;
    quint64 expect = fromFirstHeld ? it->entries.begin()->first : 1;
    for (const auto &[counter, entry] : it->entries) {
        for (; expect < counter && out.size() < 10000; ++expect)
            out << expect;
        expect = counter + 1;
    }
    return out;
}

void AuthorChains::setDeparted(const QString &author, quint64 lastCounter, const QByteArray &lastHash,
                               quint64 atVersion)
{
    m_chains[author].departures.push_back({atVersion, lastCounter, lastHash});
}

quint64 AuthorChains::highest(const QString &author) const
{
    auto it = m_chains.constFind(author);
    if (it == m_chains.constEnd())
        return 0;
    // At least where a departure cut the chain: a member who comes back continues from there.
    const quint64 cut = it->departures.empty() ? 0 : it->departures.back().counter;
    return std::max(it->entries.empty() ? 0 : it->entries.rbegin()->first, cut);
}

QByteArray AuthorChains::hashOf(const QString &author, quint64 counter) const
{
    auto it = m_chains.constFind(author);
    if (it == m_chains.constEnd())
        return {};
    auto e = it->entries.find(counter);
    if (e != it->entries.end())
        return e->second.hash;
    for (const auto &d : it->departures) {
        if (counter > 0 && counter == d.counter)
            return d.hash;
    }
    return {};
}

QList<int> authorOrdered(const QList<TimelineItem> &serverOrder)
{
    // Slots per author (positions in server order), and that author's items by counter.
    QHash<QString, QList<int>> slots;
    for (int i = 0; i < serverOrder.size(); ++i)
        slots[serverOrder[i].author] << i;
    QList<int> out(serverOrder.size());
    for (auto it = slots.begin(); it != slots.end(); ++it) {
        QList<int> byCounter = it.value();
        std::stable_sort(byCounter.begin(), byCounter.end(),
                         [&](int a, int b) { return serverOrder[a].counter < serverOrder[b].counter; });
        for (int k = 0; k < it.value().size(); ++k)
            out[it.value()[k]] = byCounter[k];
    }
    return out;
}

} // namespace tavern::client
