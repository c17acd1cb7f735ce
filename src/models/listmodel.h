// ListModel: the base of the list models over the engine. Holds the Session (null while
// signed out) and turns a freshly computed list into the smallest set of remove/insert/move/
// dataChanged signals, so views keep their scroll position and current item when a message
// arrives, instead of being reset on every change.
#pragma once

#include "client/session.h"

#include <QAbstractListModel>
#include <QQmlEngine>
#include <QScopedValueRollback>
#include <QSet>

namespace tavern::ui {

class ListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit ListModel(QObject *parent = nullptr);

    // Null while signed out: the model is then empty.
    void setSession(client::Session *session);
    [[nodiscard]] client::Session *session() const { return m_session; }
    [[nodiscard]] int count() const { return rowCount(); }
    // Reads the engine again and applies the difference.
    virtual void refresh() = 0;

Q_SIGNALS:
    void countChanged();

protected:
    // Row needs a unique `QString key` and operator==. Keys must be unique within `next`.
    template <typename Row> void syncRows(QList<Row> &rows, const QList<Row> &next);
    // Connected to rowsInserted/rowsRemoved/modelReset so `count` follows.
    void watchCount();

    client::Session *m_session = nullptr;
    // True while the model applies a change. Views and testers react to rowsInserted or
    // modelReset synchronously, some by calling fetchMore(); a fetch nested inside a change
    // would start a second change before the first was announced complete, and shift rows
    // under syncRows. MessageModel::fetchMore does nothing while this is set.
    bool m_updating = false;
};

template <typename Row> void ListModel::syncRows(QList<Row> &rows, const QList<Row> &next)
{
    const QScopedValueRollback<bool> updating(m_updating, true);
    QSet<QString> wanted;
    for (const Row &r : next)
        wanted.insert(r.key);
    // Removals first, in contiguous runs from the end (indexes before a run stay valid).
    for (int i = int(rows.size()) - 1; i >= 0; --i) {
        if (wanted.contains(rows[i].key))
            continue;
        const int last = i;
        while (i > 0 && !wanted.contains(rows[i - 1].key))
            --i;
        beginRemoveRows({}, i, last);
        rows.remove(i, last - i + 1);
        endRemoveRows();
    }
    QSet<QString> present;
    for (const Row &r : rows)
        present.insert(r.key);
    // Then walk the new order: same key in place -> update; known key later -> move it up;
    // unknown keys -> insert the whole run at once (new messages arrive in runs).
    for (int i = 0; i < next.size(); ++i) {
        if (i < rows.size() && rows[i].key == next[i].key) {
            if (!(rows[i] == next[i])) {
                rows[i] = next[i];
                Q_EMIT dataChanged(index(i), index(i));
            }
            continue;
        }
        if (present.contains(next[i].key)) {
            int from = i + 1;
            while (rows[from].key != next[i].key)
                ++from;
            beginMoveRows({}, from, from, {}, i);
            rows.move(from, i);
            endMoveRows();
            if (!(rows[i] == next[i])) {
                rows[i] = next[i];
                Q_EMIT dataChanged(index(i), index(i));
            }
            continue;
        }
        int n = 1;
        while (i + n < next.size() && !present.contains(next[i + n].key))
            ++n;
        beginInsertRows({}, i, i + n - 1);
        for (int k = 0; k < n; ++k) {
            rows.insert(i + k, next[i + k]);
            present.insert(next[i + k].key);
        }
        endInsertRows();
        i += n - 1;
    }
}

} // namespace tavern::ui
