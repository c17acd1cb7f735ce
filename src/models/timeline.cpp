#include "timeline.h"

#include "uiutil.h"

#include <QLocale>

#include <algorithm>

namespace tavern::ui {

namespace {

QString str(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

QString article(keg::Role r)
{
    return r == keg::Role::Admin ? QObject::tr("an admin") : QObject::tr("a %1").arg(keg::roleName(r));
}

QString departureLine(const keg::Departure &d, const QString &signer, bool rekeyed)
{
    const QString name = str(d.username);
    QString what;
    switch (d.kind) {
    case keg::DepartureKind::Removed: what = QObject::tr("%1 was removed").arg(name); break;
    case keg::DepartureKind::Left: what = QObject::tr("%1 left").arg(name); break;
    case keg::DepartureKind::Declined: what = QObject::tr("%1 declined the invitation").arg(name); break;
    default: what = QObject::tr("%1 withdrew %2's invitation").arg(signer, name); break;
    }
    // ui.md: "New room key: Bob was removed" — the rekey and its reason in one line.
    return rekeyed ? QObject::tr("New room key: %1").arg(what) : what;
}

QString dayLabel(const QDate &day)
{
    const QDate today = QDate::currentDate();
    if (day == today)
        return QObject::tr("Today");
    if (day == today.addDays(-1))
        return QObject::tr("Yesterday");
    return QLocale().toString(day, day.year() == today.year() ? QStringLiteral("dddd d MMMM")
                                                              : QStringLiteral("d MMMM yyyy"));
}

} // namespace

QStringList systemLines(const keg::BootKegVersion *prev, const keg::BootKegVersion &next)
{
    QStringList out;
    const QString signer = str(next.signer);
    if (!prev) {
        out << QObject::tr("%1 created the room").arg(signer);
        return out;
    }
    for (const keg::Member &m : next.members) {
        const QString name = str(m.username);
        const keg::Member *was = prev->member(m.username);
        if (!was) {
            out << (m.role == keg::Role::Member
                        ? QObject::tr("%1 invited %2").arg(signer, name)
                        : QObject::tr("%1 invited %2 as %3").arg(signer, name, article(m.role)));
            continue;
        }
        if (was->state == keg::InviteState::Invited && m.state == keg::InviteState::Joined)
            out << QObject::tr("%1 joined").arg(name);
        if (was->role != m.role)
            out << QObject::tr("%1 made %2 %3").arg(signer, name, article(m.role));
    }
    const bool rekeyed = next.generations.size() > prev->generations.size();
    for (const keg::Departure &d : next.departures)
        out << departureLine(d, signer, rekeyed);
    if (rekeyed && next.departures.empty())
        out << QObject::tr("New room key");
    if (next.name != prev->name)
        out << QObject::tr("%1 renamed the room to “%2”").arg(signer, str(next.name));
    if (next.topic != prev->topic)
        out << QObject::tr("%1 changed the topic to “%2”").arg(signer, str(next.topic));
    if (next.policy != prev->policy)
        out << (next.policy == keg::HistoryPolicy::Shared
                    ? QObject::tr("%1 let new members see earlier messages").arg(signer)
                    : QObject::tr("%1 set new members to see messages from when they join").arg(signer));
    return out;
}

QList<TimelineRow> timelineExtras(client::Session &s, const QByteArray &roomId)
{
    QList<TimelineRow> extras;

    // System lines from the chain as this device verified it (the cache keeps every version).
    if (auto versions = s.cache().bootKegs(roomId)) {
        std::optional<keg::SignedBootKeg> prev;
        for (const QByteArray &data : *versions) {
            auto v = keg::SignedBootKeg::decode(data);
            if (!v)
                continue;
            const bool genesis = v->version().version == 0;
            if (prev || genesis) {
                int i = 0;
                for (const QString &line : systemLines(prev ? &prev->version() : nullptr, v->version())) {
                    TimelineRow r;
                    r.key = QStringLiteral("s:%1:%2").arg(v->version().version).arg(i++);
                    r.kind = QStringLiteral("system");
                    r.author = str(v->version().signer);
                    r.body = line;
                    r.timeMs = qint64(v->version().timestampMs);
                    r.verified = true; // only verified versions are stored
                    extras.append(r);
                }
            }
            prev = std::move(v).value();
        }
    }

    // The room's notices, and key changes of its members noticed outside it (a lookup, the
    // pin log), which block sending here too.
    QSet<QString> members;
    if (const keg::BootKegVersion *v = head(s, roomId)) {
        for (const keg::Member &m : v->members)
            members.insert(str(m.username));
    }
    for (const storage::Notice &n : s.notices()) {
        const QString subject = n.kind == QLatin1String("key-changed") ? keyChangedSubject(n.summary) : QString();
        if (n.dbId != roomId && !(n.dbId.isEmpty() && members.contains(subject)))
            continue;
        TimelineRow r;
        r.key = QStringLiteral("n:%1").arg(n.id);
        r.kind = QStringLiteral("notice");
        r.body = n.summary;
        r.timeMs = n.atMs;
        r.noticeKind = n.kind;
        r.evidence = n.evidence;
        r.severity = noticeSeverity(n.kind);
        if (!subject.isEmpty()) {
            r.actionLabel = QObject::tr("Verify %1").arg(subject);
            r.actionTarget = QStringLiteral("verify:") + subject;
        }
        extras.append(r);
    }
    std::stable_sort(extras.begin(), extras.end(),
                     [](const TimelineRow &a, const TimelineRow &b) { return a.timeMs < b.timeMs; });
    return extras;
}

TimelineRow messageRow(const client::MessageView &m, const QString &me)
{
    TimelineRow r;
    r.key = toHex(m.kegId);
    r.kind = QStringLiteral("message");
    r.kegId = r.key;
    r.author = m.author;
    r.own = m.author == me;
    r.body = m.body;
    r.timeMs = m.sentMs;
    r.delivery = int(m.delivery);
    r.error = m.error;
    // The engine stores a message only after its signature, room version and author chain
    // were checked (client/messages.cpp), so everything it returns is verified.
    r.verified = true;
    // TODO(edits): edited/deleted stay false until the views show them (docs/app.md); the
    // body already is the newest edit's text (empty when deleted).
    return r;
}

void placeAfter(TimelineRow &r, const TimelineRow *p)
{
    const QDate d = fromMs(r.timeMs).date();
    // The day of the row before (the last row with a valid date, as over the whole room).
    const QDate day = p ? fromMs(p->timeMs).date() : QDate();
    r.dayLabel = d.isValid() && d != day ? dayLabel(d) : QString();
    r.firstInGroup = r.kind == QLatin1String("message")
                     && (!p || p->kind != QLatin1String("message") || p->author != r.author || !r.dayLabel.isEmpty()
                         || r.timeMs - p->timeMs > 5 * 60 * 1000);
}

QList<TimelineRow> composeTimeline(const QString &me, const QList<client::MessageView> &messages,
                                   const std::optional<client::MessageView> &previous, const QList<TimelineRow> &extras,
                                   const QHash<QString, QList<quint64>> &missing)
{
    const auto missingRow = [](const QString &author, quint64 first, int count, qint64 timeMs) {
        TimelineRow r;
        r.key = QStringLiteral("m:%1:%2").arg(author).arg(first);
        r.kind = QStringLiteral("missing");
        r.author = author;
        r.missingCount = count;
        r.timeMs = timeMs;
        r.body = QObject::tr("%n message(s) from %1 did not arrive", nullptr, count).arg(author);
        return r;
    };
    // Each author's gaps as runs of consecutive counters (first, count); a run is shown before
    // the author's next message after it. In a window with older pages not loaded, an
    // author's first message there shows only the run right before it (earlier runs belong
    // before earlier messages).
    struct Runs
    {
        QList<QPair<quint64, int>> runs;
        qsizetype pos = 0;
        bool started = false;
    };
    QHash<QString, Runs> runs;
    for (auto it = missing.cbegin(); it != missing.cend(); ++it) {
        QList<quint64> gaps = it.value();
        std::sort(gaps.begin(), gaps.end());
        Runs &r = runs[it.key()];
        for (quint64 c : gaps) {
            if (!r.runs.isEmpty() && r.runs.back().first + quint64(r.runs.back().second) == c)
                ++r.runs.back().second;
            else
                r.runs.append({c, 1});
        }
    }
    const auto end = [](const QPair<quint64, int> &run) { return run.first + quint64(run.second) - 1; };

    QList<TimelineRow> rows;
    rows.reserve(messages.size() + 16);
    qsizetype next = 0;
    if (previous) {
        while (next < extras.size() && extras[next].timeMs <= previous->sentMs)
            ++next; // shown with the older page
    }
    for (const client::MessageView &m : messages) {
        while (next < extras.size() && extras[next].timeMs <= m.sentMs)
            rows.append(extras[next++]);
        if (auto it = runs.find(m.author); it != runs.end()) {
            Runs &r = *it;
            if (!r.started) {
                r.started = true;
                while (previous && r.pos < r.runs.size() && end(r.runs[r.pos]) + 1 < m.counter)
                    ++r.pos;
            }
            while (r.pos < r.runs.size() && end(r.runs[r.pos]) < m.counter) {
                rows.append(missingRow(m.author, r.runs[r.pos].first, r.runs[r.pos].second, m.sentMs));
                ++r.pos;
            }
        }
        rows.append(messageRow(m, me));
    }
    while (next < extras.size())
        rows.append(extras[next++]);
    // Gaps after an author's last message (of those in the window).
    QStringList authors = runs.keys();
    authors.sort();
    for (const QString &author : authors) {
        Runs &r = runs[author];
        if (!r.started)
            continue;
        for (; r.pos < r.runs.size(); ++r.pos)
            rows.append(
                missingRow(author, r.runs[r.pos].first, r.runs[r.pos].second, rows.isEmpty() ? 0 : rows.back().timeMs));
    }

    // Day labels and author groups, continuing from the message before the window.
    std::optional<TimelineRow> before;
    if (previous) {
        before = messageRow(*previous, me);
    }
    for (int i = 0; i < rows.size(); ++i)
        placeAfter(rows[i], i > 0 ? &rows[i - 1] : (before ? &*before : nullptr));
    return rows;
}

QList<TimelineRow> buildTimeline(client::Session &s, const QByteArray &roomId)
{
    const QList<client::MessageView> messages = s.messages(roomId);
    QHash<QString, QList<quint64>> missing;
    for (const client::MessageView &m : messages) {
        if (!missing.contains(m.author))
            missing.insert(m.author, s.missingCounters(roomId, m.author));
    }
    return composeTimeline(s.username(), messages, std::nullopt, timelineExtras(s, roomId), missing);
}

} // namespace tavern::ui
